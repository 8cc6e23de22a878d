package dev.layercake.freeze;

import dev.layercake.api.result.FreezeResult;
import dev.layercake.LayercakeException;
import dev.layercake.LayercakeException.Kind;
import dev.layercake.api.result.BackupResult;
import dev.layercake.api.request.FreezeOptions;
import dev.layercake.model.Digest;
import dev.layercake.model.Json;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.api.result.PruneResult;
import dev.layercake.retention.Pruner;
import dev.layercake.store.FileSystemObjectStore;
import dev.layercake.store.ReleaseStore;
import dev.layercake.store.StoreKeys;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.testing.ReleaseFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Filesystem freezing, and prune's refusal to remove a frozen release. */
class ReleaseFreezerTest {

    @TempDir
    Path tmp;

    @Test
    void freezeMakesEveryNamedFileReadOnlyAndPruneRefusesIt() throws Exception {
        StoreLocation location = StoreLocation.parse(tmp.resolve("store").toString());
        ReleaseFixture releases = new ReleaseFixture(tmp, location, Map.of());
        releases.backup("shop", "r1", Map.of("infra/main.tf", "resource 1", "k8s/a.yaml", "apiVersion: v1\nkind: A\n"));
        releases.backup("shop", "r2", Map.of("infra/main.tf", "resource 2"));
        releases.backup("shop", "r3", Map.of("infra/main.tf", "resource 3"));

        try (ReleaseStore store = ReleaseStore.open(location)) {
            Instant until = Instant.now().plus(30, ChronoUnit.DAYS);
            FreezeResult result = ReleaseFreezer.freeze(store, "shop", "r1", until, false, ProgressListener.NONE);
            assertThat(result.method()).isEqualTo(ReleaseFreezer.FILESYSTEM_READ_ONLY);
            assertThat(result.alreadyFrozen()).isFalse();
            assertThat(result.manifestDigest()).isEqualTo(Digest.of(store.readManifestBytes("shop", "r1")).toString());

            FileSystemObjectStore fs = (FileSystemObjectStore) store.objects();
            List<Path> files = new ArrayList<>();
            files.add(fs.path(StoreKeys.manifest("shop", "r1")));
            files.add(fs.path(StoreKeys.frozenMarker("shop", "r1")));
            store.readManifest("shop", "r1").referencedBlobs().keySet().forEach(d -> files.add(fs.path(StoreKeys.blob(d))));
            assertThat(result.objectsFrozen()).isEqualTo(files.size());
            for (Path f : files) {
                assertThat(Files.getPosixFilePermissions(f)).as(f.toString()).doesNotContain(
                        PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
            }
            FrozenMarker marker = Json.read(Files.readAllBytes(fs.path(StoreKeys.frozenMarker("shop", "r1"))),
                    FrozenMarker.class, "marker");
            assertThat(marker.manifestDigest()).isEqualTo(result.manifestDigest());
            assertThat(marker.retainUntil()).isEqualTo(until.truncatedTo(ChronoUnit.SECONDS).toString());

            // Freezing again is harmless and says so.
            assertThat(ReleaseFreezer.freeze(store, "shop", "r1", null, false, ProgressListener.NONE).alreadyFrozen()).isTrue();

            List<String> warnings = new ArrayList<>();
            PruneResult pruned = Pruner.prune(store, "shop", 0, null, false, new ProgressListener() {
                @Override
                public void warn(String message) {
                    warnings.add(message);
                }
            });
            assertThat(pruned.pruned()).containsExactly("r2", "r3");
            assertThat(pruned.refusedFrozen()).containsExactly("r1");
            assertThat(warnings).anySatisfy(w -> assertThat(w).contains("r1").contains("frozen"));
            assertThat(store.listReleases("shop")).containsExactly("r1");
            assertThat(store.readManifest("shop", "r1").release()).isEqualTo("r1");
        }
    }

    @Test
    void backupWithFreezeFreezesAsItsLastStepAndLaterBackupsReuseFrozenBlobs() {
        StoreLocation location = StoreLocation.parse(tmp.resolve("store").toString());
        ReleaseFixture releases = new ReleaseFixture(tmp, location, Map.of());
        BackupResult first = releases.backup("shop", "r1", Map.of("a.tf", "same"), new FreezeOptions(true, null, false, null));
        assertThat(first.frozen()).isTrue();
        // The next backup names the same (read-only) blob: it is skipped, never rewritten.
        BackupResult second = releases.backup("shop", "r2", Map.of("a.tf", "same"));
        assertThat(second.frozen()).isFalse();
        assertThat(second.blobsWritten()).isZero();
        try (ReleaseStore store = ReleaseStore.open(location)) {
            assertThat(ReleaseFreezer.isFrozen(store, "shop", "r1")).isTrue();
            assertThat(ReleaseFreezer.isFrozen(store, "shop", "r2")).isFalse();
        }
    }

    @Test
    void badFreezeOptionsFailBeforeAnythingIsStored() {
        StoreLocation location = StoreLocation.parse(tmp.resolve("store").toString());
        ReleaseFixture releases = new ReleaseFixture(tmp, location, Map.of());
        assertThatThrownBy(() -> releases.backup("shop", "r1", Map.of("a.tf", "x"), new FreezeOptions(true, "2001-01-01", false, null)))
                .isInstanceOf(LayercakeException.class).hasMessageContaining("not in the future")
                .satisfies(e -> assertThat(((LayercakeException) e).kind()).isEqualTo(Kind.USAGE));
        assertThatThrownBy(() -> releases.backup("shop", "r1", Map.of("a.tf", "x"), new FreezeOptions(true, "next week", false, null)))
                .isInstanceOf(LayercakeException.class).hasMessageContaining("YYYY-MM-DD");
        assertThatThrownBy(() -> releases.backup("shop", "r1", Map.of("a.tf", "x"), new FreezeOptions(false, "2099-01-01", false, null)))
                .isInstanceOf(LayercakeException.class).hasMessageContaining("--freeze");
        try (ReleaseStore store = ReleaseStore.open(location)) {
            assertThat(store.releaseExists("shop", "r1")).isFalse();
            assertThat(store.objects().list(StoreKeys.BLOBS)).isEmpty();
        }
    }

    @Test
    void freezingAMissingReleaseIsNotFound() {
        try (ReleaseStore store = ReleaseStore.open(StoreLocation.parse(tmp.resolve("store").toString()))) {
            assertThatThrownBy(() -> ReleaseFreezer.freeze(store, "shop", "nope", null, false, ProgressListener.NONE))
                    .isInstanceOf(LayercakeException.class)
                    .satisfies(e -> assertThat(((LayercakeException) e).kind()).isEqualTo(Kind.NOT_FOUND));
            assertThat(store.objects().list("")).isEmpty();
        }
    }

    @Test
    void retainUntilAcceptsADateOrAnInstant() {
        assertThat(ReleaseFreezer.parseRetainUntil("2030-01-31")).isEqualTo(Instant.parse("2030-01-31T00:00:00Z"));
        assertThat(ReleaseFreezer.parseRetainUntil("2030-01-31T12:00:00Z")).isEqualTo(Instant.parse("2030-01-31T12:00:00Z"));
        assertThat(ReleaseFreezer.parseRetainUntil(null)).isNull();
    }
}
