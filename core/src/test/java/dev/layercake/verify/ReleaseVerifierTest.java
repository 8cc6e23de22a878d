package dev.layercake.verify;

import dev.layercake.api.access.Access;
import dev.layercake.api.result.VerifyReport;
import dev.layercake.api.result.BackupResult;
import dev.layercake.backup.BackupEngine;
import dev.layercake.api.request.BackupRequest;
import dev.layercake.backup.BackupSteps;
import dev.layercake.api.request.ImageOptions;
import dev.layercake.api.request.SourceOptions;
import dev.layercake.model.Manifest;
import dev.layercake.model.SourceFile;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.store.ReleaseStore;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.testing.GitRepoFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ReleaseVerifierTest {

    @TempDir
    Path tmp;

    @Test
    void passesOnAFreshReleaseAndNamesTheObjectAfterOneByteIsFlipped() throws Exception {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo")).sampleRelease()) {
            repo.commit("release");
            StoreLocation location = StoreLocation.parse(tmp.resolve("store").toString());
            BackupResult result = new BackupEngine(BackupSteps.defaults(), Access.fromEnvironment(Map.of()), Clock.systemUTC()).backup(
                    new BackupRequest(location, "shop", "r1", new SourceOptions(repo.dir().toString(), null, List.of(), List.of(), false),
                            null, new ImageOptions(List.of(), ImageOptions.NONE, null, List.of()), null, null),
                    ProgressListener.NONE);
            try (ReleaseStore store = ReleaseStore.open(location)) {
                VerifyReport fresh = new ReleaseVerifier(store, ProgressListener.NONE).verify("shop", "r1");
                assertThat(fresh.ok()).isTrue();
                assertThat(fresh.objectsChecked()).isEqualTo(result.files());
                assertThat(fresh.manifestDigest()).isEqualTo(result.manifestDigest());

                Manifest m = store.readManifest("shop", "r1");
                SourceFile victim = m.source().files().stream().filter(f -> f.path().equals("infra/main.tf")).findFirst().orElseThrow();
                Path blob = tmp.resolve("store/blobs/sha256/" + victim.digest().hex());
                byte[] bytes = Files.readAllBytes(blob);
                bytes[3] ^= 0x01;
                Files.write(blob, bytes);
                SourceFile gone = m.source().files().stream().filter(f -> f.path().equals("Jenkinsfile")).findFirst().orElseThrow();
                Files.delete(tmp.resolve("store/blobs/sha256/" + gone.digest().hex()));

                VerifyReport broken = new ReleaseVerifier(store, ProgressListener.NONE).verify("shop", "r1");
                assertThat(broken.ok()).isFalse();
                assertThat(broken.problems()).extracting(VerifyReport.Problem::object, VerifyReport.Problem::problem)
                        .containsExactlyInAnyOrder(
                                org.assertj.core.groups.Tuple.tuple("source file infra/main.tf", "corrupt"),
                                org.assertj.core.groups.Tuple.tuple("source file Jenkinsfile", "missing"));
            }
        }
    }

    /** Kubernetes objects live in packs: a damaged pack is named once, an object not where the manifest says is named itself. */
    @Test
    void namesADamagedPackAndAnObjectNotWhereTheManifestSaysItIs() throws Exception {
        StoreLocation location = StoreLocation.parse(tmp.resolve("store").toString());
        try (ReleaseStore store = ReleaseStore.open(location)) {
            List<byte[]> docs = List.of("{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"}}".getBytes(),
                    "{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"b\"}}".getBytes());
            List<dev.layercake.model.PackLocation> where = store.putPacked(docs, Map.of());
            dev.layercake.model.KubernetesResource a = new dev.layercake.model.KubernetesResource("v1", "ConfigMap", "shop", "a",
                    dev.layercake.model.Digest.of(docs.get(0)), false, where.get(0));
            // b recorded at a's place: the pack is whole, the object is not where the manifest says
            dev.layercake.model.KubernetesResource b = new dev.layercake.model.KubernetesResource("v1", "ConfigMap", "shop", "b",
                    dev.layercake.model.Digest.of(docs.get(1)), false, where.get(0));
            store.writeManifest(new Manifest(Manifest.SCHEMA_VERSION, "shop", "r1", "2026-12-01T00:00:00Z", null, null, null, List.of(),
                    new dev.layercake.model.KubernetesSection("prod", List.of("shop"), List.of(), null, List.of(a, b), List.of())));

            VerifyReport misplaced = new ReleaseVerifier(store, ProgressListener.NONE).verify("shop", "r1");
            assertThat(misplaced.problems()).extracting(VerifyReport.Problem::object, VerifyReport.Problem::problem)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("kubernetes ConfigMap shop/b", "corrupt"));

            Path pack = tmp.resolve("store/blobs/sha256/" + where.get(0).digest().hex());
            byte[] bytes = Files.readAllBytes(pack);
            bytes[5] ^= 0x01;
            Files.write(pack, bytes);
            VerifyReport damaged = new ReleaseVerifier(store, ProgressListener.NONE).verify("shop", "r1");
            assertThat(damaged.problems()).as("the pack once, not each object in it")
                    .extracting(VerifyReport.Problem::digest, VerifyReport.Problem::problem)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(where.get(0).digest(), "corrupt"));
        }
    }
}
