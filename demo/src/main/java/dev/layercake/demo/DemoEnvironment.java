package dev.layercake.demo;

import dev.layercake.testing.KubernetesMockServerFixture;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.eclipse.jgit.api.Git;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * DEMO ONLY, started by {@code ./demo.sh}: a demo registry ({@link DemoRegistry}) holding the sample's images
 * ({@link DemoImages}), and a demo Kubernetes API server (fabric8's kubernetes-server-mock in CRUD mode, the one
 * the tests use: it stores objects, it runs nothing) holding the sample app in namespace {@code shop-prod}. It
 * copies {@code src/} into a git repository under the work folder with every image reference pointed at the demo
 * registry (the real ones cannot be pulled here), writes {@code demo.env} (registry, kubeconfig, source, key)
 * and then {@code ready}, and serves until the process that started it ends or {@code stop} appears.
 *
 * <p>Usage: {@code DemoEnvironment WORK_DIR SAMPLE_DIR [PARENT_PID]}.
 */
public final class DemoEnvironment {

    private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private DemoEnvironment() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: DemoEnvironment WORK_DIR SAMPLE_DIR [PARENT_PID]");
            System.exit(2);
        }
        Path work = Path.of(args[0]).toAbsolutePath();
        Path sample = Path.of(args[1]).toAbsolutePath();
        Long parent = args.length > 2 ? Long.parseLong(args[2]) : null;
        Files.createDirectories(work);
        QUIET.setLevel(java.util.logging.Level.WARNING); // the mock server logs every request at INFO
        Files.deleteIfExists(work.resolve("ready"));
        Files.deleteIfExists(work.resolve("stop"));
        try (DemoRegistry registry = DemoRegistry.start(); KubernetesMockServerFixture cluster = KubernetesMockServerFixture.start()) {
            List<DemoImages.Built> images = new DemoImages(registry).buildSample(sample);
            long layers = images.stream().flatMap(i -> i.layers().stream()).distinct().count();
            long layerRefs = images.stream().mapToLong(i -> i.layers().size()).sum();
            System.out.printf("demo registry %s: %d images built (%d layers, %d distinct)%n", registry.host(), images.size(), layerRefs, layers);

            Path source = work.resolve("shop");
            String commit = sourceCopy(sample, source, registry.host());
            System.out.println("demo source " + source + " at " + commit + " (src/ with image references on the demo registry)");

            int objects = seed(cluster.client(), source, registry.host());
            Path kubeconfig = cluster.writeKubeconfig(work.resolve("kubeconfig"), "layercake-demo");
            System.out.printf("demo API server %s: %d objects of the sample in namespace shop-prod%n", cluster.url(), objects);

            // Kept between runs: the Secrets of earlier demo releases in the same store stay restorable.
            Path keyFile = work.resolve("encryption.key");
            if (!Files.isRegularFile(keyFile) || Files.size(keyFile) != 32) {
                byte[] key = new byte[32];
                new SecureRandom().nextBytes(key);
                Files.write(keyFile, key);
            }

            Map<String, String> env = new LinkedHashMap<>();
            env.put("DEMO_REGISTRY", registry.host());
            env.put("DEMO_KUBECONFIG", kubeconfig.toString());
            env.put("DEMO_SOURCE", source.toString());
            env.put("DEMO_KEY", keyFile.toString());
            env.put("DEMO_IMAGES", Integer.toString(images.size()));
            env.put("DEMO_LAYERS", Long.toString(layers));
            env.put("DEMO_OBJECTS", Integer.toString(objects));
            StringBuilder s = new StringBuilder();
            env.forEach((k, v) -> s.append(k).append("='").append(v.replace("'", "")).append("'\n"));
            Files.writeString(work.resolve("demo.env"), s.toString());
            Files.writeString(work.resolve("ready"), "ready\n");

            while (!Files.exists(work.resolve("stop")) && (parent == null || ProcessHandle.of(parent).map(ProcessHandle::isAlive).orElse(false))) {
                Thread.sleep(200);
            }
        }
        System.exit(0);
    }

    /** The references the sample names, pointed at the demo registry: each rule must match, or src/ changed and this must too. */
    private static final List<String[]> REWRITES = List.of(
            new String[]{"(?<![\\w.-])registry\\.example\\.com(?![\\w.-])", "%s"},
            new String[]{"docker\\.io/library/", "%s/library/"},
            new String[]{"gcr\\.io/distroless/", "%s/distroless/"},
            new String[]{"(\\$BUILDPLATFORM )golang:", "$1%s/library/golang:"},
            new String[]{"FROM node:", "FROM %s/library/node:"},
            new String[]{"FROM nginxinc/", "FROM %s/nginxinc/"});

    static String sourceCopy(Path sample, Path into, String registry) throws Exception {
        if (Files.exists(into)) {
            try (Stream<Path> walk = Files.walk(into)) {
                for (Path p : walk.sorted((a, b) -> b.compareTo(a)).toList()) {
                    Files.delete(p);
                }
            }
        }
        int[] hits = new int[REWRITES.size()];
        try (Stream<Path> walk = Files.walk(sample)) {
            for (Path p : walk.toList()) {
                Path target = into.resolve(sample.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                    continue;
                }
                String text = Files.readString(p);
                for (int i = 0; i < REWRITES.size(); i++) {
                    Matcher m = Pattern.compile(REWRITES.get(i)[0]).matcher(text);
                    StringBuilder out = new StringBuilder();
                    while (m.find()) {
                        hits[i]++;
                        m.appendReplacement(out, REWRITES.get(i)[1].formatted(Matcher.quoteReplacement(registry)).replace("$1",
                                Matcher.quoteReplacement(m.groupCount() > 0 ? m.group(1) : "")));
                    }
                    m.appendTail(out);
                    text = out.toString();
                }
                Files.writeString(target, text);
            }
        }
        for (int i = 0; i < hits.length; i++) {
            if (hits[i] == 0) {
                throw new IllegalStateException("the demo's rewrite " + REWRITES.get(i)[0] + " matched nothing in " + sample
                        + ": the sample changed, update DemoEnvironment.REWRITES and DemoImages");
            }
        }
        try (Git git = Git.init().setDirectory(into.toFile()).setInitialBranch("main").call()) {
            git.add().addFilepattern(".").call();
            return git.commit().setMessage("shop 1.4.2 (demo copy of src/: image references on the demo registry)")
                    .setAuthor("Layercake demo", "demo@layercake.invalid").setCommitter("Layercake demo", "demo@layercake.invalid")
                    .setSign(false).call().getName();
        }
    }

    /** The sample's plain manifests as they are, the rendered Helm/Kustomize objects and two made outside git; then a hand edit. */
    static int seed(KubernetesClient client, Path source, String registry) throws IOException {
        int n = 0;
        try (Stream<Path> files = Files.list(source.resolve("deploy/k8s"))) {
            for (Path f : files.sorted().toList()) {
                try (InputStream in = Files.newInputStream(f)) {
                    n += create(client, in);
                }
            }
        }
        byte[] password = new byte[12];
        new SecureRandom().nextBytes(password);
        String live;
        try (InputStream in = DemoEnvironment.class.getResourceAsStream("live-objects.yaml")) {
            live = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${REGISTRY}", registry)
                    .replace("${DB_PASSWORD_BASE64}", Base64.getEncoder().encodeToString(HexFormat.of().formatHex(password).getBytes(StandardCharsets.UTF_8)));
        }
        n += create(client, new ByteArrayInputStream(live.getBytes(StandardCharsets.UTF_8)));
        // Someone scaled the worker by hand: the release records it as drift from deploy/k8s/worker.yaml.
        client.apps().deployments().inNamespace("shop-prod").withName("worker").edit(d -> {
            d.getSpec().setReplicas(2);
            return d;
        });
        return n;
    }

    private static int create(KubernetesClient client, InputStream yaml) {
        List<HasMetadata> items = client.load(yaml).items();
        for (HasMetadata item : items) {
            client.resource(item).create();
        }
        return items.size();
    }
}
