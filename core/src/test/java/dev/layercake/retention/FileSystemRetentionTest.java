package dev.layercake.retention;

import dev.layercake.api.access.Access;
import dev.layercake.api.result.GcResult;
import dev.layercake.store.ReleaseStore;
import dev.layercake.api.request.StoreLocation;

import dev.layercake.api.progress.ProgressListener;
import dev.layercake.store.FileSystemObjectStore;
import dev.layercake.store.StoreKeys;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class FileSystemRetentionTest extends RetentionContractTest {

    @Test
    void leasesOfKilledBackupsStopBlockingGcOnceTheyAreOld() throws Exception {
        StoreLocation location = location("stale");
        try (ReleaseStore store = open(location)) {
            StoreLocks.Lock lease = StoreLocks.acquireBackupLease(store, "shop", ProgressListener.NONE);
            assertThat(GarbageCollector.collect(store, Duration.ZERO, false, ProgressListener.NONE).deferred()).isTrue();

            // The backup was killed a day ago: its lease is left over, older than the lease lifetime.
            Path file = ((FileSystemObjectStore) store.objects()).path(lease.key());
            Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(StoreLocks.BACKUP_LEASE_TTL).minusSeconds(60)));
            GcResult gc = GarbageCollector.collect(store, Duration.ZERO, false, ProgressListener.NONE);
            assertThat(gc.deferred()).isFalse();
            assertThat(store.objects().list(StoreKeys.LOCKS)).isEmpty();
        }
    }

    /**
     * A write killed before its rename leaves a .tmp/*.part file: gc removes it once untouched for the grace
     * period, and never one touched within the last hour, even with --grace 0 (a write may still be running).
     */
    @Test
    void gcRemovesPartFilesOfKilledWritesOlderThanTheGrace() throws Exception {
        StoreLocation location = location("parts");
        new dev.layercake.testing.ReleaseFixture(tmp, location, Map.of()).backup("shop", "r1", Map.of("a.tf", "v1"));
        Path tmpDir = location.directory().resolve(".tmp");
        Path old = Files.writeString(tmpDir.resolve("killed-two-days-ago.part"), "half a blob");
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(48))));
        Path young = Files.writeString(tmpDir.resolve("still-being-written.part"), "half a blob");
        Path recent = Files.writeString(tmpDir.resolve("ten-minutes-ago.part"), "half a blob");
        Files.setLastModifiedTime(recent, FileTime.from(Instant.now().minus(Duration.ofMinutes(10))));
        Path other = Files.writeString(tmpDir.resolve("not-ours.txt"), "x");
        Files.setLastModifiedTime(other, FileTime.from(Instant.now().minus(Duration.ofHours(48))));

        try (ReleaseStore store = open(location)) {
            GcResult dry = GarbageCollector.collect(store, Duration.ofHours(24), true, ProgressListener.NONE);
            assertThat(dry.abandonedWritesRemoved()).isEqualTo(1);
            assertThat(old).exists();

            GcResult gc = GarbageCollector.collect(store, Duration.ofHours(24), false, ProgressListener.NONE);
            assertThat(gc.abandonedWritesRemoved()).isEqualTo(1);
            assertThat(old).doesNotExist();
            assertThat(young).exists();
            assertThat(recent).exists();
            assertThat(other).exists();

            assertThat(GarbageCollector.collect(store, Duration.ZERO, false, ProgressListener.NONE).abandonedWritesRemoved()).isZero();
            assertThat(young).exists();
            assertThat(recent).exists();
            assertThat(store.listReleases("shop")).containsExactly("r1");
        }
    }

    @Override
    protected StoreLocation location(String name) {
        return StoreLocation.parse(tmp.resolve("store-" + name).toString());
    }

    @Override
    protected Map<String, String> env() {
        return Map.of();
    }

    @Override
    protected ReleaseStore open(StoreLocation location) {
        return ReleaseStore.open(location, Access.fromEnvironment(Map.of()));
    }

    @Override
    protected void settle() throws InterruptedException {
        Thread.sleep(10);
    }

    @Override
    protected int stressRounds() {
        return 25;
    }
}
