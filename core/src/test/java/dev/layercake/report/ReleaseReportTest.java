package dev.layercake.report;

import dev.layercake.api.result.ReleaseReport;
import dev.layercake.model.BlobRef;
import dev.layercake.model.BuildInfo;
import dev.layercake.model.Digest;
import dev.layercake.model.DriftEntry;
import dev.layercake.model.ImageEntry;
import dev.layercake.model.ImageReference;
import dev.layercake.model.Json;
import dev.layercake.model.KubernetesResource;
import dev.layercake.model.KubernetesSection;
import dev.layercake.model.Manifest;
import dev.layercake.model.SourceFile;
import dev.layercake.model.SourceSection;
import dev.layercake.model.ToolInfo;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The report model from manifests made here, and its HTML: counts, sharing, diffs, Secrets, hostile strings. */
class ReleaseReportTest {

    static final String LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
    static final String CONFIG = "application/vnd.oci.image.config.v1+json";
    static final String HOSTILE = "<script>alert('x')</script>\"onmouseover=\"x";

    static Digest d(String seed) {
        return Digest.of(seed.getBytes(StandardCharsets.UTF_8));
    }

    static ImageEntry image(String ref, String digestSeed, String... layers) {
        List<BlobRef> blobs = new ArrayList<>();
        blobs.add(new BlobRef(d("manifest " + digestSeed), 500, "application/vnd.oci.image.manifest.v1+json"));
        blobs.add(new BlobRef(d("config " + digestSeed), 300, CONFIG));
        for (String l : layers) {
            blobs.add(new BlobRef(d(l), 1000, LAYER));
        }
        return new ImageEntry(ref, d(digestSeed), "application/vnd.oci.image.manifest.v1+json", List.of("linux/amd64"),
                0, List.of("src/Dockerfile"), List.of(), blobs, List.of());
    }

    static Manifest manifest(String release, List<SourceFile> files, List<ImageEntry> images, List<KubernetesResource> objects,
                             List<DriftEntry> drift, String buildUrl) {
        return new Manifest(2, "shop", release, "2026-12-07T06:00:00Z", new ToolInfo("layercake", "test"),
                new BuildInfo("jenkins", "shop/" + HOSTILE, "42", buildUrl, "ünïcødé 用户", "abc123"),
                new SourceSection("https://git.example/shop.git", "abc123", "main", null, false, files, List.of(
                        new ImageReference("registry.example/shop/api:1.0", "src/Dockerfile", 1, "FROM", null, null)), null),
                images, new KubernetesSection("demo", List.of("shop"), List.of("app.kubernetes.io/part-of=shop"), null, objects, drift));
    }

    static ReleaseReport report(Manifest m, Manifest previous, ReleaseReport.Diff diff) {
        return ReleaseReports.assemble(m, Json.write(m), previous, "not signed", "not frozen", null, diff);
    }

    @Test
    void layersSharedInTheReleaseAndWithThePreviousAreMarkedAndBytesCountedOnce() {
        Manifest previous = manifest("r1", List.of(), List.of(image("reg/shop/api:1", "api1", "base", "api-1")), List.of(), List.of(), null);
        Manifest current = manifest("r2", List.of(), List.of(
                image("reg/shop/api:2", "api2", "base", "api-2"),
                image("reg/shop/web:2", "web2", "base", "web-2")), List.of(), List.of(), null);
        ReleaseReport r = report(current, previous, null);

        var api = r.cake().images().get(0);
        assertThat(api.layers()).extracting(ReleaseReport.Layer::state).containsExactly("reused", "new");
        assertThat(r.cake().images().get(1).layers()).extracting(ReleaseReport.Layer::sharedInRelease).containsExactly(true, false);
        assertThat(r.cake().uniqueLayers()).isEqualTo(3);
        // base is reused (1000); api-2, web-2 and both manifests and configs are new: 2*1000 + 2*(500+300)
        assertThat(r.cake().reusedBytes()).isEqualTo(1000);
        assertThat(r.cake().newBytes()).isEqualTo(2000 + 1600);
        assertThat(r.cake().sharedBytes()).isEqualTo(1000);
        assertThat(r.cake().columns()).hasSize(2);
        assertThat(r.cake().columns().get(0).boxes()).hasSize(2);
        assertThat(r.header().previousRelease()).isEqualTo("r1");
    }

    @Test
    void sourcesByKindObjectsByNamespaceAndKindPvcsAndDriftWithoutSecretValues() {
        Manifest m = manifest("r1",
                List.of(new SourceFile("src/Dockerfile", "dockerfile", d("a"), 10, "100644"),
                        new SourceFile("src/k8s/app.yaml", "kubernetes", d("b"), 20, "100644"),
                        new SourceFile("src/k8s/db.yaml", "kubernetes", d("c"), 30, "100644")),
                List.of(),
                List.of(new KubernetesResource("v1", "Secret", "shop", "db-password", d("s"), true),
                        new KubernetesResource("v1", "PersistentVolumeClaim", "shop", "data", d("p"), false),
                        new KubernetesResource("apps/v1", "Deployment", "shop", "web", d("w"), false),
                        new KubernetesResource("apps/v1", "Deployment", "shop", "api", d("x"), false)),
                List.of(new DriftEntry("v1", "Secret", "shop", "db-password", DriftEntry.CHANGED, "src/k8s/db.yaml",
                                List.of("/data/password"), List.of(new DriftEntry.Field("/data/password", "changed", "\"c2VjcmV0\"", "\"b3RoZXI=\""))),
                        new DriftEntry("apps/v1", "Deployment", "shop", "web", DriftEntry.CHANGED, "src/k8s/app.yaml",
                                List.of("/spec/replicas"), List.of(new DriftEntry.Field("/spec/replicas", "changed", "2", "3")))),
                "https://ci.example/job/shop/42/");
        ReleaseReport r = report(m, null, null);

        assertThat(r.sources().kinds()).extracting(ReleaseReport.KindGroup::kind).containsExactly("dockerfile", "kubernetes");
        assertThat(r.sources().kinds().get(1).files()).hasSize(2);
        assertThat(r.sources().bytes()).isEqualTo(60);
        assertThat(r.kubernetes().groups()).extracting(g -> g.kind() + ":" + g.names())
                .containsExactly("Deployment:[api, web]", "PersistentVolumeClaim:[data]", "Secret:[db-password]");
        assertThat(r.kubernetes().groups().get(2).secret()).isTrue();
        assertThat(r.coverage().persistentVolumeClaims()).containsExactly("shop/data");
        assertThat(r.coverage().fromManifest()).isFalse();
        var secretDrift = r.kubernetes().drift().get(0).fields().get(0);
        assertThat(secretDrift.pointer()).isEqualTo("/data/password");
        assertThat(secretDrift.before()).isNull();
        assertThat(secretDrift.after()).isNull();
        assertThat(r.kubernetes().drift().get(1).fields().get(0).after()).isEqualTo("3");
        assertThat(r.header().buildUrlIsLink()).isTrue();

        String html = ReportRenderer.html(r);
        assertThat(html).doesNotContain("c2VjcmV0").doesNotContain("b3RoZXI=");
        assertThat(html).contains("href=\"https://ci.example/job/shop/42/\"");
    }

    /** Issue 11 item 1: an incomplete release says INCOMPLETE in the report, naming each part; a complete one does not. */
    @Test
    void anIncompleteReleaseSaysIncompleteInWordsOneCannotMiss() {
        Manifest whole = manifest("r1", List.of(), List.of(), List.of(), List.of(), null);
        assertThat(ReportRenderer.html(report(whole, null, null))).doesNotContain("INCOMPLETE");

        Manifest m = new Manifest(whole.schemaVersion(), whole.app(), "r2", whole.createdAt(), whole.tool(), whole.build(),
                whole.source(), whole.images(), whole.kubernetes(), List.of(
                        new dev.layercake.model.IncompleteEntry("1 Secret(s) in namespace shop", "skipped with --secrets skip"),
                        new dev.layercake.model.IncompleteEntry("Kubernetes deployments.apps in shop " + HOSTILE, "RBAC forbids listing them")));
        ReleaseReport r = report(m, null, null);
        assertThat(r.incomplete()).extracting(ReleaseReport.Missing::what).containsExactly("1 Secret(s) in namespace shop",
                "Kubernetes deployments.apps in shop " + HOSTILE);
        String html = ReportRenderer.html(r);
        assertThat(html).contains("<title>INCOMPLETE — Layercake report: shop/r2</title>")
                .contains("<span class=\"badge bad\">INCOMPLETE</span>")
                .contains("INCOMPLETE release: 2 parts of the app NOT captured.")
                .contains("<b>1 Secret(s) in namespace shop</b>: skipped with --secrets skip")
                .doesNotContain(HOSTILE);
    }

    @Test
    void aDrillWhoseChecksDidNotAllPassSaysWhichNextToItsOutcome() {
        Manifest m = manifest("r1", List.of(), List.of(), List.of(), List.of(), null);
        var drill = new ReleaseReport.Drill("passed", "2026-12-07T09:26:32Z", "d.json", true, false, List.of("readiness not-observed"));
        String html = ReportRenderer.html(ReleaseReports.assemble(m, Json.write(m), null, "not signed", "not frozen", drill, null));
        assertThat(html).contains("<span class=\"badge ok\">passed</span> <span class=\"badge warn\" id=\"drill-not-passed\">readiness not-observed</span>");
    }

    @Test
    void aCoverageSectionInTheManifestIsRenderedWhateverItsShape() {
        Manifest m = manifest("r1", List.of(), List.of(), List.of(), List.of(), null);
        ObjectNodeBytes withCoverage = ObjectNodeBytes.of(m, "{\"notHeld\":[{\"what\":\"PVC shop/data\",\"why\":\"volume data\"}],\"buckets\":[\"s3://shop-assets\"],\"note\":\"partial\"}");
        ReleaseReport r = ReleaseReports.assemble(m, withCoverage.bytes(), null, "not signed", "not frozen", null, null);
        assertThat(r.coverage().fromManifest()).isTrue();
        assertThat(r.coverage().items()).extracting(i -> i.section() + "=" + i.text())
                .containsExactly("notHeld=what: PVC shop/data, why: volume data", "buckets=s3://shop-assets", "coverage=note: partial");
    }

    @Test
    void thePipelineSectionAndTheGroupedCoverageMapAreRenderedEscapedEachEntryNotCovered() {
        Manifest base = manifest("r1", List.of(), List.of(), List.of(), List.of(), null);
        dev.layercake.model.CoverageSection coverage = new dev.layercake.model.CoverageSection(
                List.of(new dev.layercake.model.CoverageSection.Volume("persistentVolumeClaim", "shop", "data", "10Gi", "fast",
                                List.of("ReadWriteOnce"), "pv-1", "ebs.csi.aws.com", true, List.of("StatefulSet shop/db"),
                                "StatefulSet shop/db spec.volumeClaimTemplates", null),
                        new dev.layercake.model.CoverageSection.Volume("emptyDir", "shop", "cache", null, null, null, null, null, null,
                                List.of("Deployment shop/web"), "Deployment shop/web", null)),
                List.of(new dev.layercake.model.CoverageSection.Service("bucket", "aws-s3", "s3://shop-assets/" + HOSTILE, "infra/s3.tf:3",
                                "terraform aws_s3_bucket", false, null),
                        new dev.layercake.model.CoverageSection.Service("database", "postgresql", "postgres://db.example:5432/shop",
                                "ConfigMap shop/web-config data.DATABASE_URL", "url postgres", false, null),
                        new dev.layercake.model.CoverageSection.Service("database", "postgresql", "DATABASE_PASSWORD",
                                "Secret shop/db-credentials key DATABASE_PASSWORD", "secret-key database", true, null)),
                List.of("ConfigMap shop/huge: scanned the first 1 MiB only"));
        dev.layercake.model.PipelineSection pipeline = new dev.layercake.model.PipelineSection("jenkins", List.of(
                new dev.layercake.model.PipelineSection.PipelineFile("config.xml", "jenkins-job-config", "jenkins job shop/release",
                        d("config"), 1536, "application/xml"),
                new dev.layercake.model.PipelineSection.PipelineFile("jenkins.json", "jenkins-info", "jenkins " + HOSTILE,
                        d("info"), 2_097_152, "application/json")),
                List.of("tekton Pipeline ci/release not read: forbidden (" + HOSTILE + ")"));
        dev.layercake.model.KubernetesSection kube = new dev.layercake.model.KubernetesSection("demo", List.of("shop"), List.of(), null,
                List.of(), List.of(), List.of(
                new dev.layercake.model.RenderEntry("deploy/overlays/prod", "kustomize", "kubectl kustomize", "v5.5.0", "rendered", 3, null),
                new dev.layercake.model.RenderEntry("deploy/helm/" + HOSTILE, "helm", null, null, "not rendered", 0, "helm not on PATH")));
        Manifest m = new Manifest(base.schemaVersion(), base.app(), base.release(), base.createdAt(), base.tool(), base.build(),
                base.source(), base.images(), kube, base.incomplete(), coverage, pipeline);

        ReleaseReport r = report(m, null, null);
        assertThat(r.pipeline().system()).isEqualTo("jenkins");
        assertThat(r.pipeline().files()).extracting(ReleaseReport.PipelineRow::name, ReleaseReport.PipelineRow::size)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("config.xml", 1536L), org.assertj.core.groups.Tuple.tuple("jenkins.json", 2_097_152L));
        assertThat(r.coverage().groups()).extracting(ReleaseReport.CoverageGroup::id).containsExactly("volumes", "services", "credentials", "notes");
        assertThat(r.coverage().groups().get(0).rows()).hasSize(2).allSatisfy(row ->
                assertThat(row.coverage()).isEqualTo(dev.layercake.model.CoverageSection.NOT_COVERED));
        assertThat(r.coverage().groups().get(0).rows().get(0).detail())
                .isEqualTo("10Gi; class fast; ReadWriteOnce; bound to pv-1; CSI ebs.csi.aws.com (a VolumeSnapshotClass exists); used by StatefulSet shop/db");
        assertThat(r.coverage().groups().get(2).rows()).singleElement().satisfies(row -> assertThat(row.name()).isEqualTo("DATABASE_PASSWORD"));

        String html = ReportRenderer.html(r);
        // the third section of issue 16: what drift rendered, or why not
        assertThat(html).contains("<li class=\"mono\">kustomize deploy/overlays/prod: rendered by kubectl kustomize (v5.5.0), 3 object(s)</li>")
                .contains("<li class=\"mono\">helm deploy/helm/&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;onmouseover=&quot;x: not rendered: helm not on PATH</li>");
        String pipelineHtml = html.substring(html.indexOf("<section id=\"pipeline\">"), html.indexOf("<section id=\"coverage\">"));
        assertThat(pipelineHtml).contains("Pipeline: what only the CI system knew (jenkins)")
                .contains("<td class=\"mono\">config.xml</td>").contains("<td>1.5 KiB</td>").contains("<td>2.0 MiB</td>")
                .contains("jenkins job shop/release").contains(d("config").toString())
                .contains("id=\"pipeline-warnings\"").contains("tekton Pipeline ci/release not read");
        String coverageHtml = html.substring(html.indexOf("<section id=\"coverage\">"));
        coverageHtml = coverageHtml.substring(0, coverageHtml.indexOf("</section>"));
        // grouped, in this order, each group a table of its own; no flat rows
        assertThat(coverageHtml).doesNotContain("id=\"coverage-items\"");
        int volumes = coverageHtml.indexOf("<table id=\"coverage-volumes\"");
        int services = coverageHtml.indexOf("<table id=\"coverage-services\"");
        int credentials = coverageHtml.indexOf("<table id=\"coverage-credentials\"");
        int notes = coverageHtml.indexOf("<table id=\"coverage-notes\"");
        assertThat(volumes).isPositive();
        assertThat(services).isGreaterThan(volumes);
        assertThat(credentials).isGreaterThan(services);
        assertThat(notes).isGreaterThan(credentials);
        // every volume, service and credential row says it is not covered: 2 + 2 + 1
        assertThat(count(coverageHtml, "<span class=\"badge bad\">not covered by this release</span>")).isEqualTo(5);
        assertThat(coverageHtml.substring(volumes, services)).contains("shop/data").contains("used by StatefulSet shop/db").contains("emptyDir");
        assertThat(coverageHtml.substring(services, credentials)).contains("bucket (aws-s3)").contains("infra/s3.tf:3")
                .contains("postgres://db.example:5432/shop").doesNotContain("DATABASE_PASSWORD");
        assertThat(coverageHtml.substring(credentials, notes)).contains("<td>credentials present for database (postgresql)</td>").contains("DATABASE_PASSWORD")
                .contains("Secret shop/db-credentials key DATABASE_PASSWORD");
        assertThat(coverageHtml.substring(notes)).contains("scanned the first 1 MiB only");
        // hostile strings from the manifest are text, never markup
        assertThat(html).doesNotContain("<script>").doesNotContain("\"onmouseover=\"")
                .contains("s3://shop-assets/&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;onmouseover=&quot;x");
    }

    @Test
    void aReleaseWithoutPipelineOrCoverageSaysSo() {
        String html = ReportRenderer.html(report(manifest("r1", List.of(), List.of(), List.of(), List.of(), null), null, null));
        assertThat(html).contains("id=\"no-pipeline\"").contains("No coverage map in this manifest.")
                .doesNotContain("id=\"pipeline-files\"").doesNotContain("class=\"coverage-group\"");
    }

    static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    /** A manifest's JSON with a {@code coverage} key added, as a newer layercake would write it. */
    record ObjectNodeBytes(byte[] bytes) {
        static ObjectNodeBytes of(Manifest m, String coverageJson) {
            try {
                var node = (com.fasterxml.jackson.databind.node.ObjectNode) Json.mapper().readTree(Json.write(m));
                node.set("coverage", Json.mapper().readTree(coverageJson));
                return new ObjectNodeBytes(Json.mapper().writeValueAsBytes(node));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void diffNamesFilesAndImagesWhoseDigestChangedWithTheirLayers() {
        Manifest from = manifest("r1", List.of(new SourceFile("a", "kubernetes", d("a1"), 1, "100644"),
                        new SourceFile("gone", "kubernetes", d("g"), 1, "100644")),
                List.of(image("reg/shop/api:1", "api1", "base", "api-1"), image("reg/shop/old:1", "old", "o")), List.of(), List.of(), null);
        Manifest to = manifest("r2", List.of(new SourceFile("a", "kubernetes", d("a2"), 1, "100644"),
                        new SourceFile("new", "helm", d("n"), 1, "100644")),
                List.of(image("reg/shop/api:2", "api2", "base", "api-2")), List.of(), List.of(), null);
        ReleaseReport.Diff diff = ReleaseReports.diffFilesAndImages(from, to);
        assertThat(diff.filesAdded()).containsExactly("new");
        assertThat(diff.filesRemoved()).containsExactly("gone");
        assertThat(diff.filesChanged()).containsExactly("a");
        assertThat(diff.images()).extracting(ReleaseReport.ImageChange::ref, ReleaseReport.ImageChange::change)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("reg/shop/api", "changed"), org.assertj.core.groups.Tuple.tuple("reg/shop/old", "removed"));
        assertThat(diff.images().get(0).layersAdded()).containsExactly(d("api-2").toString());
        assertThat(diff.images().get(0).layersRemoved()).containsExactly(d("api-1").toString());
        assertThat(ReportRenderer.html(report(to, from, diff))).contains("id=\"diff\"").contains("+ new");
    }

    @Test
    void hostileStringsAreEscapedAndAJavascriptUrlIsNotALink() {
        String longName = "x".repeat(5000);
        Manifest m = manifest("r1",
                List.of(new SourceFile("k8s/" + HOSTILE + ".yaml", "kubernetes", d("h"), 1, "100644")),
                List.of(image("reg/" + HOSTILE + ":1", "h", "l")),
                List.of(new KubernetesResource("v1", "ConfigMap", "shop", HOSTILE, d("c"), false),
                        new KubernetesResource("v1", "ConfigMap", "shop", longName, d("l"), false),
                        new KubernetesResource("v1", "ConfigMap", "商店", "café-ünïcødé-🍰", d("u"), false)),
                List.of(), "javascript:alert(1)");
        String html = ReportRenderer.html(report(m, null, null));
        assertThat(html).doesNotContain("<script>").doesNotContain("\"onmouseover=\"");
        assertThat(html).contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;onmouseover=&quot;x");
        assertThat(html).doesNotContain("href=\"javascript");
        assertThat(html).contains(longName).contains("café-ünïcødé-🍰").contains("商店").contains("ünïcødé 用户");
    }

    @Test
    void aReleaseOf500ObjectsAnd40ImagesRendersUnder2MiB() {
        List<ImageEntry> images = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String[] layers = new String[12];
            for (int l = 0; l < 12; l++) {
                layers[l] = l < 4 ? "base-" + l : "img-" + i + "-" + l;
            }
            images.add(image("registry.example.com/shop/service-" + i + ":1.4." + i, "img" + i, layers));
        }
        List<KubernetesResource> objects = new ArrayList<>();
        List<SourceFile> files = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            objects.add(new KubernetesResource("v1", i % 5 == 0 ? "Service" : "ConfigMap", "ns-" + (i % 7), "object-" + i, d("o" + i), false));
            files.add(new SourceFile("deploy/service-" + i + ".yaml", "kubernetes", d("f" + i), 700, "100644"));
        }
        Manifest m = manifest("big", files, images, objects, List.of(), null);
        ReportRenderer.html(report(m, null, null)); // warm the template cache, as a second report in one JVM would be
        long start = System.nanoTime();
        ReleaseReport r = report(m, null, null);
        String html = ReportRenderer.html(r);
        long ms = (System.nanoTime() - start) / 1_000_000;
        int bytes = html.getBytes(StandardCharsets.UTF_8).length;
        System.out.printf("report of 500 objects, 500 files, 40 images: %d bytes, built and rendered in %d ms%n", bytes, ms);
        assertThat(bytes).isLessThan(2 * 1024 * 1024);
        assertThat(r.cake().columns()).hasSize(40);
        assertThat(r.kubernetes().objectCount()).isEqualTo(500);
        assertThat(html.split("<rect ", -1)).hasSize(40 * 12 + 1);
    }
}
