package dev.layercake.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class FileSystemObjectStoreTest extends ObjectStoreContractTest {

    @TempDir
    Path dir;

    @Override
    protected ObjectStore newStore() {
        return new FileSystemObjectStore(dir.resolve("store"));
    }

    @Override
    protected int largeSize() {
        return 11 * 1024 * 1024;
    }

    /** Opening a store, and reading from it, writes nothing: the folder and .tmp/ come with the first write. */
    @Test
    void openingAndReadingWriteNothingTheFirstWriteMakesTheFolder() {
        Path root = dir.resolve("lazy");
        ObjectStore store = new FileSystemObjectStore(root);
        assertThat(store.stat("blobs/sha256/00")).isEmpty();
        assertThat(store.list("")).isEmpty();
        assertThat(root).doesNotExist();

        byte[] doc = "{}".getBytes();
        assertThat(store.create("locks/a.json", new ByteArrayInputStream(doc), doc.length, () -> { })).isTrue();
        assertThat(root.resolve(".tmp")).isDirectory();
        assertThat(store.list("")).extracting(ObjectInfo::key).containsExactly("locks/a.json");
    }

    /** Locks and leases come and go while backups and gc list them: a vanished object is just not listed. */
    @Test
    void listingWhileObjectsAreDeletedNeverFails() throws Exception {
        ObjectStore store = newStore();
        byte[] doc = "{}".getBytes();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger churned = new AtomicInteger();
        Thread churn = new Thread(() -> {
            for (int i = 0; i < 20_000 && !stop.get(); i++) {
                String key = "locks/gc/" + i + ".json";
                store.create(key, new ByteArrayInputStream(doc), doc.length, () -> { });
                store.delete(key);
                churned.incrementAndGet();
            }
        });
        store.create("locks/gc/kept.json", new ByteArrayInputStream(doc), doc.length, () -> { });
        churn.start();
        try {
            for (int i = 0; i < 2_000 && churn.isAlive(); i++) {
                assertThat(store.list("locks/gc/")).extracting(ObjectInfo::key).contains("locks/gc/kept.json");
            }
        } finally {
            stop.set(true);
            churn.join();
        }
        assertThat(churned.get()).isPositive();
    }
}
