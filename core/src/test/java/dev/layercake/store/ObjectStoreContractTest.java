package dev.layercake.store;

import dev.layercake.LayercakeException;
import dev.layercake.model.BlobRef;
import dev.layercake.model.Digest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@link ObjectStore} contract, run against every backend (one subclass each). */
abstract class ObjectStoreContractTest {

    protected ObjectStore store;

    /** A fresh, empty store. */
    protected abstract ObjectStore newStore() throws Exception;

    /** Size of a stream that must go up in more than one part. */
    protected abstract int largeSize();

    @BeforeEach
    void openStore() throws Exception {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void createIsExclusiveAndNeverRewrites() throws IOException {
        assertThat(store.create("a/one", bytes("first"), 5, () -> { })).isTrue();
        assertThat(store.create("a/one", bytes("second!"), 7, () -> { })).isFalse();
        assertThat(read("a/one")).isEqualTo("first");
        ObjectInfo info = store.stat("a/one").orElseThrow();
        assertThat(info.size()).isEqualTo(5);
        assertThat(info.lastModified()).isNotNull();
        assertThat(store.stat("a/two")).isEmpty();
    }

    @Test
    void racingCreatesLetExactlyOneWin() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Boolean>> writers = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String body = "writer-" + i;
                writers.add(() -> store.create("race/key", bytes(body), body.length(), () -> { }));
            }
            long winners = 0;
            List<String> winning = new java.util.ArrayList<>();
            List<Future<Boolean>> results = pool.invokeAll(writers);
            for (int i = 0; i < results.size(); i++) {
                if (results.get(i).get()) {
                    winners++;
                    winning.add("writer-" + i);
                }
            }
            if (store.capabilities().exclusiveCreate()) {
                assertThat(winners).isEqualTo(1);
            } else {
                // No conditional PUT (an OCI registry): more than one racer may report success, but what is stored
                // is always one that reported it, never a loser's nor a mix (see OciObjectStore).
                assertThat(winners).isGreaterThanOrEqualTo(1);
            }
            assertThat(read("race/key")).startsWith("writer-").isIn(winning);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void existingBlobIsSkippedWithoutOpeningItsContent() {
        ReleaseStore releases = new ReleaseStore(store, null);
        byte[] content = "layer bytes".getBytes(StandardCharsets.UTF_8);
        BlobRef first = releases.putBytes(content, "text/plain");
        assertThat(releases.stats().blobsWritten()).isEqualTo(1);

        BlobRef again = releases.putBlob(Digest.of(content), content.length, "text/plain", () -> {
            throw new AssertionError("the content of an existing blob must not be read");
        });
        assertThat(again.digest()).isEqualTo(first.digest());
        assertThat(releases.stats().blobsSkipped()).isEqualTo(1);
        assertThat(releases.stats().bytesWritten()).isEqualTo(content.length);
    }

    @Test
    void failingBeforeCommitLeavesNothingVisible() {
        assertThatThrownBy(() -> store.create("small/x", bytes("abc"), 3, () -> {
            throw LayercakeException.corrupt("digest mismatch");
        })).isInstanceOf(LayercakeException.class).hasMessageContaining("digest mismatch");
        assertThat(store.stat("small/x")).isEmpty();

        byte[] large = random(largeSize(), 1);
        assertThatThrownBy(() -> store.create("large/x", new ByteArrayInputStream(large), -1, () -> {
            throw LayercakeException.corrupt("digest mismatch");
        })).isInstanceOf(LayercakeException.class);
        assertThat(store.stat("large/x")).isEmpty();
        assertThat(store.list("")).isEmpty();
    }

    @Test
    void wrongDigestStoresNothing() {
        ReleaseStore releases = new ReleaseStore(store, null);
        byte[] content = "real".getBytes(StandardCharsets.UTF_8);
        Digest claimed = Digest.of("claimed".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> releases.putBlob(claimed, content.length, null, () -> new ByteArrayInputStream(content)))
                .isInstanceOf(LayercakeException.class)
                .satisfies(e -> assertThat(((LayercakeException) e).kind()).isEqualTo(LayercakeException.Kind.CORRUPT));
        assertThat(releases.hasBlob(claimed)).isFalse();
    }

    @Test
    void largeUnknownLengthStreamRoundTrips() throws IOException {
        byte[] large = random(largeSize(), 2);
        assertThat(store.create("big/blob", new ByteArrayInputStream(large), -1, () -> { })).isTrue();
        assertThat(store.stat("big/blob").orElseThrow().size()).isEqualTo(large.length);
        try (InputStream in = store.open("big/blob")) {
            assertThat(Digest.of(in.readAllBytes())).isEqualTo(Digest.of(large));
        }
        assertThat(store.create("big/blob", new ByteArrayInputStream(large), -1, () -> { })).isFalse();
    }

    @Test
    void listIsRecursiveUnderPrefixAndSorted() {
        for (String k : List.of("a/b/2", "a/b/1", "a/c/1", "ab/x", "z")) {
            store.create(k, bytes(k), k.length(), () -> { });
        }
        assertThat(store.list("a/b/")).extracting(ObjectInfo::key).containsExactly("a/b/1", "a/b/2");
        assertThat(store.list("a/")).extracting(ObjectInfo::key).containsExactly("a/b/1", "a/b/2", "a/c/1");
        assertThat(store.list("")).extracting(ObjectInfo::key).containsExactly("a/b/1", "a/b/2", "a/c/1", "ab/x", "z");
        assertThat(store.list("nothing/")).isEmpty();
        assertThat(store.list("a/b/")).extracting(ObjectInfo::size).containsExactly(5L, 5L);
    }

    @Test
    void deleteRemovesAndIsIdempotent() {
        store.create("d/k", bytes("x"), 1, () -> { });
        store.delete("d/k");
        assertThat(store.stat("d/k")).isEmpty();
        store.delete("d/k");
        assertThatThrownBy(() -> store.open("d/k")).isInstanceOf(LayercakeException.class)
                .satisfies(e -> assertThat(((LayercakeException) e).kind()).isEqualTo(LayercakeException.Kind.NOT_FOUND));
    }

    @Test
    void keysThatEscapeAreRejected() {
        assertThatThrownBy(() -> store.create("../x", bytes("x"), 1, () -> { })).isInstanceOf(LayercakeException.class);
        assertThatThrownBy(() -> store.stat("a//b")).isInstanceOf(LayercakeException.class);
    }

    protected String read(String key) throws IOException {
        try (InputStream in = store.open(key)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    protected static InputStream bytes(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    protected static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }
}
