package dev.layercake.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.layercake.backup.BackupEngine;
import dev.layercake.backup.BackupRequest;
import dev.layercake.backup.BackupSteps;
import dev.layercake.backup.ImageOptions;
import dev.layercake.backup.SourceOptions;
import dev.layercake.progress.ProgressListener;
import dev.layercake.store.StoreLocation;
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
            new BackupEngine(BackupSteps.defaults(), Map.of(), Clock.systemUTC()).backup(new BackupRequest(store, "shop", "r1",
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
}
