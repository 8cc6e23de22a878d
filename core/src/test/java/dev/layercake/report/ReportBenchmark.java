package dev.layercake.report;

import dev.layercake.model.BlobRef;
import dev.layercake.model.BuildInfo;
import dev.layercake.model.Digest;
import dev.layercake.model.ImageEntry;
import dev.layercake.model.Json;
import dev.layercake.model.KubernetesResource;
import dev.layercake.model.KubernetesSection;
import dev.layercake.model.Manifest;
import dev.layercake.model.SourceFile;
import dev.layercake.model.SourceSection;
import dev.layercake.model.ToolInfo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * benchmarks/report/run.sh: builds and renders the report of releases of growing size (up to 500 objects, 500
 * files and 40 images of 12 layers, 4 shared) and prints a table: size, first render (cold template), median of
 * the warm ones. Not a unit test: timings on a shared machine are for people to read, not to assert.
 */
public final class ReportBenchmark {

    private ReportBenchmark() {
    }

    static Digest d(String seed) {
        return Digest.of(seed.getBytes(StandardCharsets.UTF_8));
    }

    static Manifest release(int objects, int images) {
        List<ImageEntry> imgs = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            List<BlobRef> blobs = new ArrayList<>();
            blobs.add(new BlobRef(d("manifest " + i), 500, "application/vnd.oci.image.manifest.v1+json"));
            blobs.add(new BlobRef(d("config " + i), 300, "application/vnd.oci.image.config.v1+json"));
            for (int l = 0; l < 12; l++) {
                blobs.add(new BlobRef(d(l < 4 ? "base-" + l : "img-" + i + "-" + l), 1_000_000, "application/vnd.oci.image.layer.v1.tar+gzip"));
            }
            imgs.add(new ImageEntry("registry.example.com/shop/service-" + i + ":1.4." + i, d("img" + i),
                    "application/vnd.oci.image.manifest.v1+json", List.of("linux/amd64"), 0, List.of("deploy/service-" + i + ".yaml"),
                    List.of(), blobs, List.of()));
        }
        List<KubernetesResource> objs = new ArrayList<>();
        List<SourceFile> files = new ArrayList<>();
        for (int i = 0; i < objects; i++) {
            objs.add(new KubernetesResource("v1", i % 5 == 0 ? "Service" : i % 11 == 0 ? "Secret" : "ConfigMap", "ns-" + (i % 7),
                    "object-" + i, d("o" + i), i % 11 == 0));
            files.add(new SourceFile("deploy/service-" + i + ".yaml", "kubernetes", d("f" + i), 700, "100644"));
        }
        return new Manifest(2, "shop", "bench", "2026-12-07T06:00:00Z", new ToolInfo("layercake", "bench"),
                new BuildInfo("jenkins", "shop/release", "42", "https://ci.example/job/shop/42/", "bench", "abc123"),
                new SourceSection("https://git.example/shop.git", "abc123", "main", null, false, files, List.of(), null),
                imgs, new KubernetesSection("bench", List.of("ns-0"), List.of("app.kubernetes.io/part-of=shop"), null, objs, List.of()));
    }

    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        System.out.printf("%-26s %10s %12s %14s %8s%n", "release", "html", "first (ms)", "median (ms)", "< 1 s");
        for (int[] size : new int[][]{{10, 2}, {100, 10}, {500, 40}, {2000, 80}}) {
            Manifest m = release(size[0], size[1]);
            byte[] bytes = Json.write(m);
            long[] ms = new long[runs];
            int html = 0;
            for (int r = 0; r < runs; r++) {
                long start = System.nanoTime();
                String out = ReportRenderer.html(ReleaseReports.assemble(m, bytes, null, "not signed", "not frozen", null, null));
                ms[r] = (System.nanoTime() - start) / 1_000_000;
                html = out.getBytes(StandardCharsets.UTF_8).length;
            }
            long first = ms[0];
            long[] warm = Arrays.copyOfRange(ms, 1, ms.length);
            Arrays.sort(warm);
            long median = warm[warm.length / 2];
            System.out.printf("%-26s %10s %12d %14d %8s%n", size[0] + " objects, " + size[1] + " images", ReleaseReports.human(html),
                    first, median, median < 1000 ? "yes" : "NO");
        }
    }
}
