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

    /**
     * A deferred write is checked at once but stays invisible until the barrier, which flushes and links it:
     * no key is visible before its bytes are durable; a check that fails stores nothing; the .tmp file goes.
     */
    @Test
    void deferredWritesBecomeVisibleOnlyAtTheBarrier() throws Exception {
        FileSystemObjectStore store = new FileSystemObjectStore(dir.resolve("deferred"));
        byte[] a = "aaaa".getBytes();
        byte[] b = "bb".getBytes();
        assertThat(store.createDeferred("blobs/sha256/aa", new ByteArrayInputStream(a), a.length, () -> { })).isTrue();
        assertThat(store.createDeferred("blobs/sha256/bb", new ByteArrayInputStream(b), b.length, () -> { })).isTrue();
        assertThat(store.createDeferred("blobs/sha256/aa", new ByteArrayInputStream(a), a.length, () -> { }))
                .as("the same key twice before one barrier").isFalse();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> store.createDeferred("blobs/sha256/cc",
                new ByteArrayInputStream(b), b.length, () -> { throw new IllegalStateException("digest mismatch"); })))
                .hasMessageContaining("digest mismatch");
        assertThat(store.stat("blobs/sha256/aa")).as("invisible before the barrier").isEmpty();
        assertThat(store.list("blobs")).isEmpty();

        store.barrier();

        assertThat(store.list("blobs")).extracting(ObjectInfo::key).containsExactly("blobs/sha256/aa", "blobs/sha256/bb");
        try (var in = store.open("blobs/sha256/aa")) {
            assertThat(in.readAllBytes()).isEqualTo(a);
        }
        try (var parts = java.nio.file.Files.list(dir.resolve("deferred").resolve(FileSystemObjectStore.TMP))) {
            assertThat(parts).as("temporary files removed").isEmpty();
        }
        assertThat(store.createDeferred("blobs/sha256/aa", new ByteArrayInputStream(a), a.length, () -> { }))
                .as("an existing key").isFalse();
        store.barrier(); // nothing pending: a no-op
    }

    /** A key another writer created before the barrier stays as it is; the deferred copy is dropped. */
    @Test
    void aKeyCreatedBeforeTheBarrierIsKept() throws Exception {
        FileSystemObjectStore store = new FileSystemObjectStore(dir.resolve("race"));
        byte[] mine = "mine".getBytes();
        byte[] theirs = "them".getBytes();
        assertThat(store.createDeferred("blobs/sha256/k", new ByteArrayInputStream(mine), mine.length, () -> { })).isTrue();
        assertThat(store.create("blobs/sha256/k", new ByteArrayInputStream(theirs), theirs.length, () -> { })).isTrue();
        store.barrier();
        try (var in = store.open("blobs/sha256/k")) {
            assertThat(in.readAllBytes()).isEqualTo(theirs);
        }
    }

    /** Deferred writes of an operation that failed before its barrier are dropped when the store closes. */
    @Test
    void closingDropsDeferredWritesThatNeverReachedTheBarrier() throws Exception {
        Path root = dir.resolve("dropped");
        FileSystemObjectStore store = new FileSystemObjectStore(root);
        byte[] a = "aaaa".getBytes();
        store.createDeferred("blobs/sha256/aa", new ByteArrayInputStream(a), a.length, () -> { });
        store.close();
        store.barrier();
        assertThat(store.stat("blobs/sha256/aa")).isEmpty();
        try (var parts = java.nio.file.Files.list(root.resolve(FileSystemObjectStore.TMP))) {
            assertThat(parts).isEmpty();
        }
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
