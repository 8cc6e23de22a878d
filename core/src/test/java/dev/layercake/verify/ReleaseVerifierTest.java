package dev.layercake.verify;

import dev.layercake.backup.BackupResult;
import dev.layercake.backup.BackupEngine;
import dev.layercake.backup.BackupRequest;
import dev.layercake.backup.BackupSteps;
import dev.layercake.backup.ImageOptions;
import dev.layercake.backup.SourceOptions;
import dev.layercake.model.Manifest;
import dev.layercake.model.SourceFile;
import dev.layercake.progress.ProgressListener;
import dev.layercake.store.ReleaseStore;
import dev.layercake.store.StoreLocation;
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
            BackupResult result = new BackupEngine(BackupSteps.defaults(), Map.of(), Clock.systemUTC()).backup(
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
}
