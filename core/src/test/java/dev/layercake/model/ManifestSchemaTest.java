package dev.layercake.model;

import dev.layercake.api.access.Access;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.layercake.backup.BackupEngine;
import dev.layercake.api.request.BackupRequest;
import dev.layercake.backup.BackupSteps;
import dev.layercake.api.request.ImageOptions;
import dev.layercake.api.request.SourceOptions;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.testing.GitRepoFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The published JSON Schema describes what the engine writes, so other tools can rely on it. */
class ManifestSchemaTest {

    @TempDir
    Path tmp;

    private static JsonSchema schema() throws Exception {
        try (InputStream in = ManifestSchemaTest.class.getResourceAsStream("/schema/manifest-v1.schema.json")) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
    }

    @Test
    void aWrittenManifestValidatesAndABrokenOneDoesNot() throws Exception {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo")).sampleRelease()) {
            repo.commit("release");
            StoreLocation store = StoreLocation.parse(tmp.resolve("store").toString());
            new BackupEngine(BackupSteps.defaults(), Access.fromEnvironment(Map.of()), Clock.systemUTC()).backup(new BackupRequest(store, "shop", "r1",
                    new SourceOptions(repo.dir().toString(), null, List.of(), List.of(), true), null,
                    new ImageOptions(List.of(), ImageOptions.NONE, null, List.of()), null, null), ProgressListener.NONE);
            JsonNode manifest = Json.mapper().readTree(Files.readAllBytes(tmp.resolve("store/releases/shop/r1/manifest.json")));
            Set<ValidationMessage> errors = schema().validate(manifest);
            assertThat(errors).isEmpty();
            assertThat(manifest.fieldNames()).toIterable().containsAll(List.of("app", "release", "createdAt", "build", "source", "images", "kubernetes"));

            ((com.fasterxml.jackson.databind.node.ObjectNode) manifest.path("source").path("files").get(0)).put("digest", "md5:abc");
            assertThat(schema().validate(manifest)).isNotEmpty();
        }
    }

    /**
     * The keys other tools rely on are in every manifest, nested ones included, even from a CLI build with no
     * CI environment (so job, number, url and triggeredBy are unknown): written as null, never left out.
     */
    @Test
    void aCliBuildWithoutCiEnvironmentWritesEveryStableKey() throws Exception {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo")).sampleRelease()) {
            String commit = repo.commit("release");
            StoreLocation store = StoreLocation.parse(tmp.resolve("store").toString());
            new BackupEngine(BackupSteps.defaults(), Access.fromEnvironment(Map.of()), Clock.systemUTC()).backup(new BackupRequest(store, "shop", "r1",
                    new SourceOptions(repo.dir().toString(), null, List.of(), List.of(), false), null,
                    new ImageOptions(List.of(), ImageOptions.NONE, null, List.of()), null, null), ProgressListener.NONE);
            JsonNode m = Json.mapper().readTree(Files.readAllBytes(tmp.resolve("store/releases/shop/r1/manifest.json")));
            assertThat(schema().validate(m)).isEmpty();

            assertThat(fields(m)).containsAll(List.of("app", "release", "createdAt", "build", "source", "images", "kubernetes"));
            JsonNode build = m.path("build");
            assertThat(fields(build)).containsAll(List.of("system", "job", "number", "url", "triggeredBy"));
            assertThat(build.path("system").asText()).isEqualTo("cli");
            for (String unknown : List.of("job", "number", "url", "triggeredBy")) {
                assertThat(build.get(unknown).isNull()).as("build." + unknown).isTrue();
            }
            JsonNode source = m.path("source");
            assertThat(fields(source)).containsAll(List.of("repo", "commit", "ref", "dirty", "files", "referencedImages"));
            assertThat(source.path("commit").asText()).isEqualTo(commit);
            assertThat(source.path("ref").asText()).isEqualTo("HEAD");
            assertThat(source.path("dirty").isBoolean()).isTrue();
            assertThat(source.path("files").isArray() && !source.path("files").isEmpty()).isTrue();
            for (JsonNode f : source.path("files")) {
                assertThat(fields(f)).containsAll(List.of("path", "kind", "digest", "size", "mode"));
            }
            assertThat(source.path("referencedImages").isArray() && !source.path("referencedImages").isEmpty()).isTrue();
            assertThat(m.path("images").isArray()).isTrue();
            assertThat(m.path("kubernetes").path("resources").isArray()).isTrue();

            // The schema holds other writers to the same keys: leaving one out fails validation.
            ((com.fasterxml.jackson.databind.node.ObjectNode) m.path("build")).remove("job");
            assertThat(schema().validate(m)).isNotEmpty();
        }
    }

    /** Manifests written before the keys were always present (nulls left out) still read. */
    @Test
    void anOlderManifestWithoutTheNullKeysStillReads() {
        byte[] old = """
                {"schemaVersion":1,"app":"shop","release":"old","createdAt":"2026-01-01T00:00:00Z",
                 "tool":{"name":"layercake","version":"dev"},
                 "build":{"system":"cli","commit":"%s"},
                 "source":{"repo":"x","commit":"%s","dirty":false,"files":[],"referencedImages":[]},
                 "images":[],"kubernetes":{"namespaces":[],"selectors":[],"resources":[],"drift":[]}}
                """.formatted("a".repeat(40), "a".repeat(40)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Manifest m = Json.read(old, Manifest.class, "old manifest");
        assertThat(m.build().system()).isEqualTo("cli");
        assertThat(m.build().job()).isNull();
        assertThat(m.source().ref()).isNull();
        assertThat(m.referencedBlobs()).isEmpty();
    }

    /** A manifest from a newer layercake is refused whole (CORRUPT, which stops gc before any delete), never half-read. */
    @Test
    void aManifestOfANewerSchemaIsRefusedNotHalfRead() {
        byte[] newer = """
                {"schemaVersion":%d,"app":"shop","release":"next","createdAt":"2026-01-01T00:00:00Z",
                 "build":{"system":"cli","commit":"%s"},"images":[],"kubernetes":{"resources":[]}}
                """.formatted(Manifest.SCHEMA_VERSION + 1, "a".repeat(40)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Json.read(newer, Manifest.class, "manifest of shop/next"))
                .isInstanceOfSatisfying(dev.layercake.LayercakeException.class,
                        e -> assertThat(e.kind()).isEqualTo(dev.layercake.LayercakeException.Kind.CORRUPT))
                .hasMessageContaining("schema version " + (Manifest.SCHEMA_VERSION + 1))
                .hasMessageContaining("upgrade");
    }

    private static List<String> fields(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
