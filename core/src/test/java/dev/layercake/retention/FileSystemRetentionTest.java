package dev.layercake.retention;

import dev.layercake.store.ReleaseStore;
import dev.layercake.store.StoreLocation;

import dev.layercake.progress.ProgressListener;
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
        return ReleaseStore.open(location, Map.of());
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
