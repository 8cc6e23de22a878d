package dev.layercake.backup;

import dev.layercake.api.access.Access;
import dev.layercake.api.result.BackupResult;
import dev.layercake.api.request.BackupRequest;
import dev.layercake.api.request.ImageOptions;
import dev.layercake.api.request.SourceOptions;
import dev.layercake.LayercakeException;
import dev.layercake.model.BuildInfo;
import dev.layercake.model.Manifest;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.restore.RestoreEngine;
import dev.layercake.api.request.RestoreRequest;
import dev.layercake.store.ReleaseStore;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.testing.GitRepoFixture;
import dev.layercake.testing.TreeAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Backup of a real git repository into a filesystem store, restored byte-identical to git archive. */
class BackupRestoreRoundTripTest {

    @TempDir
    Path tmp;

    static BackupEngine engine(Map<String, String> env) {
        return new BackupEngine(BackupSteps.defaults(), Access.fromEnvironment(env), Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC));
    }

    static BackupRequest request(StoreLocation store, Path source, String release, List<String> include) {
        return new BackupRequest(store, "shop", release, new SourceOptions(source.toString(), null, include, List.of(), false),
                null, new ImageOptions(List.of(), ImageOptions.NONE, null, List.of()), null, null);
    }

    @Test
    void restoresEveryFileOfTheCommitByteIdenticalToGitArchive() {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo")).sampleRelease()) {
            repo.symlink("k8s/current.yaml", "deploy.yaml");
            String commit = repo.commit("release");
            StoreLocation store = StoreLocation.parse(tmp.resolve("store").toString());
            BackupResult result = engine(Map.of()).backup(request(store, repo.dir(), "r1", List.of("**")), ProgressListener.NONE);
            assertThat(result.files()).isEqualTo(repo.lsFiles().size());

            Path restored = tmp.resolve("restored");
            new RestoreEngine().restore(new RestoreRequest(store, "shop", "r1", restored.toString(), null, null, null, false),
                    ProgressListener.NONE);
            Path expected = tmp.resolve("expected");
            repo.gitArchive(commit, expected);
            TreeAssertions.assertSameTree(expected, restored);
        }
    }

    @Test
    void recordsTheBuildFromTheCiEnvironmentAndDerivesTheReleaseId() {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo")).sampleRelease()) {
            String commit = repo.commit("release");
            StoreLocation store = StoreLocation.parse(tmp.resolve("store").toString());
            Map<String, String> jenkins = Map.of("JOB_NAME", "shop/release", "BUILD_NUMBER", "42",
                    "BUILD_URL", "https://ci.example.com/job/shop/job/release/42/", "GIT_COMMIT", commit, "BUILD_USER_ID", "alice");
            BackupResult result = engine(jenkins).backup(request(store, repo.dir(), null, List.of()), ProgressListener.NONE);
            assertThat(result.release()).isEqualTo("shop-release-42");
            try (ReleaseStore s = ReleaseStore.open(store)) {
                Manifest m = s.readManifest("shop", "shop-release-42");
                assertThat(m.build()).isEqualTo(new BuildInfo("jenkins", "shop/release", "42",
                        "https://ci.example.com/job/shop/job/release/42/", "alice", commit));
                assertThat(m.createdAt()).isEqualTo("2026-11-25T10:00:00Z");
                assertThat(m.schemaVersion()).isEqualTo(Manifest.SCHEMA_VERSION);
            }
            BackupResult cli = engine(Map.of()).backup(request(store, repo.dir(), null, List.of()), ProgressListener.NONE);
            assertThat(cli.release()).isEqualTo("20261125-100000-" + commit.substring(0, 8));
        }
    }

    @Test
    void anExistingReleaseIdIsNeverOverwritten() throws Exception {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo")).sampleRelease()) {
            repo.commit("one");
            StoreLocation store = StoreLocation.parse(tmp.resolve("store").toString());
            BackupResult first = engine(Map.of()).backup(request(store, repo.dir(), "r1", List.of()), ProgressListener.NONE);
            Path manifest = tmp.resolve("store/releases/shop/r1/manifest.json");
            byte[] before = Files.readAllBytes(manifest);
            repo.write("infra/main.tf", "# changed\n");
            repo.commit("two");
            assertThatThrownBy(() -> engine(Map.of()).backup(request(store, repo.dir(), "r1", List.of()), ProgressListener.NONE))
                    .isInstanceOf(LayercakeException.class)
                    .hasMessageContaining("release shop/r1 already exists")
                    .satisfies(e -> assertThat(((LayercakeException) e).kind()).isEqualTo(LayercakeException.Kind.CONFLICT));
            assertThat(Files.readAllBytes(manifest)).isEqualTo(before);
            assertThat(first.manifestDigest().hex()).isNotBlank();
        }
    }

    @Test
    void aSecondBackupOfTheSameCommitStoresNoNewBlobs() {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo")).sampleRelease()) {
            repo.commit("one");
            StoreLocation store = StoreLocation.parse(tmp.resolve("store").toString());
            BackupResult first = engine(Map.of()).backup(request(store, repo.dir(), "r1", List.of()), ProgressListener.NONE);
            BackupResult second = engine(Map.of()).backup(request(store, repo.dir(), "r2", List.of()), ProgressListener.NONE);
            assertThat(first.blobsWritten()).isPositive();
            assertThat(second.blobsWritten()).isZero();
            assertThat(second.bytesWritten()).isZero();
            assertThat(second.blobsSkipped()).isEqualTo(first.blobsWritten());
        }
    }

    @Test
    void badAppOrReleaseNamesAreRefusedBeforeAnythingIsStored() {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo")).sampleRelease()) {
            repo.commit("one");
            StoreLocation store = StoreLocation.parse(tmp.resolve("store").toString());
            assertThatThrownBy(() -> engine(Map.of()).backup(request(store, repo.dir(), "../escape", List.of()), ProgressListener.NONE))
                    .isInstanceOf(LayercakeException.class).hasMessageContaining("release id '../escape' is not allowed");
            assertThat(tmp.resolve("store/blobs")).doesNotExist();
        }
    }
}
