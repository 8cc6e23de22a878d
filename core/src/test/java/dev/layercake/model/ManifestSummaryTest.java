package dev.layercake.model;

import dev.layercake.LayercakeException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The streamed summary list reads says what the whole manifest says, and refuses what Json.read refuses. */
class ManifestSummaryTest {

    private static Digest d(String seed) {
        return Digest.of(seed.getBytes(StandardCharsets.UTF_8));
    }

    private static ImageEntry image(String ref) {
        return new ImageEntry(ref, d(ref), "application/vnd.oci.image.manifest.v1+json", List.of("linux/amd64"), 0,
                List.of("src/Dockerfile"), List.of(), List.of(new BlobRef(d("layer " + ref), 1000, "application/vnd.oci.image.layer.v1.tar+gzip")),
                List.of());
    }

    private static Manifest manifest(BuildInfo build, SourceSection source, List<IncompleteEntry> incomplete) {
        return new Manifest(2, "shop", "r1", "2026-12-07T06:00:00Z", new ToolInfo("layercake", "test"), build, source,
                List.of(image("reg/shop/api:1"), image("reg/shop/web:1")),
                new KubernetesSection("demo", List.of("shop"), List.of(), null, List.of(
                        new KubernetesResource("v1", "ConfigMap", "shop", "a", d("a"), false),
                        new KubernetesResource("v1", "Secret", "shop", "b", d("b"), true),
                        new KubernetesResource("apps/v1", "Deployment", "shop", "c", d("c"), false)), List.of()),
                incomplete);
    }

    private static void assertSameAsTheWholeManifest(Manifest m) {
        byte[] bytes = Json.write(m);
        Manifest whole = Json.read(bytes, Manifest.class, "m");
        ManifestSummary s = ManifestSummary.read(bytes, "m");
        assertThat(s.createdAt()).isEqualTo(whole.createdAt());
        assertThat(s.commit()).isEqualTo(whole.source() == null ? null : whole.source().commit());
        assertThat(s.build()).isEqualTo(whole.build());
        assertThat(s.files()).isEqualTo(whole.source() == null ? 0 : whole.source().files().size());
        assertThat(s.images()).isEqualTo(whole.images().size());
        assertThat(s.kubernetesObjects()).isEqualTo(whole.kubernetes().resources().size());
        assertThat(s.incomplete()).isEqualTo(whole.incomplete());
        assertThat(s.complete()).isEqualTo(whole.complete());
    }

    @Test
    void aFullReleaseReadsAsTheWholeManifestDoes() {
        SourceSection source = new SourceSection("https://git.example/shop.git", "abc123", "main", null, false, List.of(
                new SourceFile("src/Dockerfile", "dockerfile", d("f1"), 10, "100644"),
                new SourceFile("src/k8s/app.yaml", "kubernetes", d("f2"), 20, "100644")), List.of(
                new ImageReference("reg/shop/api:1", "src/Dockerfile", 1, "FROM", null, null)), null);
        Manifest m = manifest(new BuildInfo("jenkins", "shop/main", "42", "https://ci.example/42/", "ünïcødé 用户", "abc123"), source,
                List.of(new IncompleteEntry("1 Secret(s) in namespace shop", "skipped with --secrets skip"),
                        new IncompleteEntry("deployments.apps in shop", "RBAC forbids listing them")));
        assertSameAsTheWholeManifest(m);
        assertThat(ManifestSummary.read(Json.write(m), "m").files()).isEqualTo(2);
    }

    @Test
    void aReleaseWithoutSourcesBuildOrGapsReadsAsTheWholeManifestDoes() {
        assertSameAsTheWholeManifest(manifest(null, null, List.of()));
        assertSameAsTheWholeManifest(manifest(new BuildInfo("cli", null, null, null, null, null), null, List.of()));
    }

    @Test
    void fieldsItDoesNotShowAreSkippedWhateverTheyHold() {
        String json = """
                {"schemaVersion": 2, "future": {"deep": [[1, 2], {"x": null}]}, "createdAt": "t",
                 "source": {"files": [{"path": "a", "extra": [1, {"y": 2}]}], "commit": "c1", "more": {}},
                 "images": [], "kubernetes": {"resources": [{}, {}], "namespaces": ["a"]}}""";
        ManifestSummary s = ManifestSummary.read(json.getBytes(StandardCharsets.UTF_8), "m");
        assertThat(s).isEqualTo(new ManifestSummary("t", "c1", null, 1, 0, 2, List.of()));
    }

    @Test
    void whatTheWholeReadRefusesIsCorrupt() {
        for (String bad : List.of(
                "not json",
                "[]",
                "{\"schemaVersion\": 2, \"images\": {}}",
                "{\"schemaVersion\": 2, \"images\": [",
                "{\"schemaVersion\": 2, \"source\": []}",
                "{\"schemaVersion\": 2, \"createdAt\": {\"a\": 1}}",
                "{\"schemaVersion\": 2, \"incomplete\": [{\"what\": \"x\"}]}",
                "{\"schemaVersion\": 2} trailing",
                "{\"schemaVersion\": 3}",
                "{\"images\": []}",
                "{\"schemaVersion\": 2, \"future\": " + "[".repeat(100) + "]".repeat(100) + "}")) {
            assertThatThrownBy(() -> ManifestSummary.read(bad.getBytes(StandardCharsets.UTF_8), "manifest of shop/r1"))
                    .as(bad).isInstanceOf(LayercakeException.class)
                    .satisfies(e -> assertThat(((LayercakeException) e).kind()).isEqualTo(LayercakeException.Kind.CORRUPT))
                    .hasMessageStartingWith("manifest of shop/r1 ");
        }
        assertThatThrownBy(() -> ManifestSummary.read("{\"schemaVersion\": 3}".getBytes(StandardCharsets.UTF_8), "m"))
                .hasMessageContaining("a newer layercake wrote it");
    }
}
