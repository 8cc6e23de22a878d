package dev.layercake.registry;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The shared read of {@link BlobTee} on its own, and {@link ImageCopier} with several destinations over an
 * in-memory source and sinks: each source blob is opened once for every destination, memory stays bounded,
 * one destination failing or skipping never disturbs the others' bytes and stops every manifest.
 */
class BlobTeeTest {

    private static final int CHUNK = 64 * 1024;

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] drain(InputStream in, int buf, int sleepEveryN) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] b = new byte[buf];
        int reads = 0;
        for (int n; (n = in.read(b)) >= 0; ) {
            out.write(b, 0, n);
            if (sleepEveryN > 0 && ++reads % sleepEveryN == 0) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        in.close();
        return out.toByteArray();
    }

    @Test
    void everyConsumerGetsEveryByteFromOneOpenWithBoundedMemory() throws Exception {
        byte[] data = random(5 * 1024 * 1024 + 123, 1);
        AtomicInteger opens = new AtomicInteger();
        BlobTee tee = new BlobTee(() -> {
            opens.incrementAndGet();
            return new ByteArrayInputStream(data);
        }, 3, CHUNK, 4L * CHUNK);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            // different read sizes and speeds: one slow consumer holds the others back, within the bound
            Future<byte[]> a = pool.submit(() -> drain(tee.opener(0, () -> { throw new AssertionError("no fallback"); }).open(), 8192, 0));
            Future<byte[]> b = pool.submit(() -> drain(tee.opener(1, () -> { throw new AssertionError("no fallback"); }).open(), 300_000, 0));
            Future<byte[]> c = pool.submit(() -> drain(tee.opener(2, () -> { throw new AssertionError("no fallback"); }).open(), 1000, 50));
            assertThat(a.get(60, TimeUnit.SECONDS)).isEqualTo(data);
            assertThat(b.get(60, TimeUnit.SECONDS)).isEqualTo(data);
            assertThat(c.get(60, TimeUnit.SECONDS)).isEqualTo(data);
        } finally {
            pool.shutdownNow();
        }
        assertThat(opens.get()).isEqualTo(1);
        assertThat(tee.sourceOpens()).isEqualTo(1);
        assertThat(tee.maxBufferedBytes()).isLessThanOrEqualTo(4L * CHUNK).isGreaterThan(0);
    }

    @Test
    void aConsumerThatNeverOpensOrStopsEarlyDoesNotHoldTheOthers() throws Exception {
        byte[] data = random(2 * 1024 * 1024, 2);
        BlobTee tee = new BlobTee(() -> new ByteArrayInputStream(data), 3, CHUNK, 2L * CHUNK);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch started = new CountDownLatch(1);
            Future<byte[]> reader = pool.submit(() -> {
                InputStream in = tee.opener(0, () -> null).open();
                started.countDown();
                return drain(in, 10_000, 0);
            });
            Future<Void> quitter = pool.submit(() -> {
                InputStream in = tee.opener(1, () -> null).open();
                in.readNBytes(100_000);
                in.close(); // a destination that fails half-way
                return null;
            });
            started.await();
            Thread.sleep(50);
            tee.detach(2); // a destination that found it had the blob: never opened
            quitter.get(30, TimeUnit.SECONDS);
            assertThat(reader.get(30, TimeUnit.SECONDS)).isEqualTo(data);
        } finally {
            pool.shutdownNow();
        }
        assertThat(tee.maxBufferedBytes()).isLessThanOrEqualTo(2L * CHUNK);
    }

    @Test
    void aFailedSourceReadFailsEveryConsumerAndNoneSeesTheEnd() throws Exception {
        byte[] data = random(600_000, 3);
        BlobTee tee = new BlobTee(() -> Digests.verifying(new ByteArrayInputStream(data), Digests.sha256("other".getBytes(StandardCharsets.UTF_8)),
                data.length, "blob x"), 2, CHUNK, 4L * CHUNK);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<byte[]>> fs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                int slot = i;
                fs.add(pool.submit(() -> drain(tee.opener(slot, () -> null).open(), 20_000, 0)));
            }
            for (Future<byte[]> f : fs) {
                java.util.concurrent.ExecutionException e = catchThrowableOfType(java.util.concurrent.ExecutionException.class,
                        () -> f.get(30, TimeUnit.SECONDS));
                assertThat(e.getCause()).isInstanceOf(Digests.ContentMismatchException.class).hasMessageContaining("blob x");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aSecondOpenIsTheConsumersOwnFreshRead() throws Exception {
        byte[] data = random(300_000, 4);
        AtomicInteger shared = new AtomicInteger();
        AtomicInteger fresh = new AtomicInteger();
        BlobTee tee = new BlobTee(() -> {
            shared.incrementAndGet();
            return new ByteArrayInputStream(data);
        }, 1, CHUNK, 4L * CHUNK);
        RegistryClient.ContentOpener opener = tee.opener(0, () -> {
            fresh.incrementAndGet();
            return new ByteArrayInputStream(data);
        });
        InputStream first = opener.open();
        first.readNBytes(1000); // a retry: the consumer gives up this attempt and opens again
        assertThat(drain(opener.open(), 4096, 0)).isEqualTo(data);
        assertThat(shared.get()).isEqualTo(1);
        assertThat(fresh.get()).isEqualTo(1);
    }

    // ---- ImageCopier with several sinks --------------------------------------------------------------

    /** An in-memory source: blobs by digest; counts every open. */
    static final class MemorySource implements ImageSource {
        final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> opens = new ConcurrentHashMap<>();

        @Override
        public String describe() {
            return "memory";
        }

        @Override
        public ManifestDoc manifest(String digest) {
            throw new UnsupportedOperationException();
        }

        @Override
        public InputStream openBlob(Descriptor blob) {
            return Digests.verifying(openBlobUnchecked(blob), blob.digest(), blob.size(), "blob " + blob.digest());
        }

        @Override
        public InputStream openBlobUnchecked(Descriptor blob) {
            opens.computeIfAbsent(blob.digest(), d -> new AtomicInteger()).incrementAndGet();
            return new ByteArrayInputStream(blobs.get(blob.digest()));
        }

        Descriptor add(byte[] bytes) {
            String d = Digests.sha256(bytes);
            blobs.put(d, bytes);
            return Descriptor.of(d, bytes.length, "application/octet-stream");
        }
    }

    /** An in-memory destination keyed like a registry (repository@digest) or a store (digest). */
    static final class MemorySink implements ImageSink {
        final boolean byRepository;
        final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
        final List<String> manifests = new CopyOnWriteArrayList<>();
        final AtomicInteger blobsDone = new AtomicInteger();
        volatile String failOn;

        MemorySink(boolean byRepository) {
            this.byRepository = byRepository;
        }

        @Override
        public String describe() {
            return byRepository ? "registry" : "store";
        }

        @Override
        public String blobKey(ResolvedImage image, Descriptor blob) {
            return byRepository ? image.ref().repository() + "@" + blob.digest() : blob.digest();
        }

        @Override
        public boolean verifiesContent() {
            return true;
        }

        @Override
        public long putBlob(ResolvedImage image, Descriptor blob, RegistryClient.ContentOpener content) {
            String key = blobKey(image, blob);
            if (blobs.containsKey(key)) {
                return 0;
            }
            if (byRepository) { // a registry mounts a blob another repository of it has: no read
                for (Map.Entry<String, byte[]> e : blobs.entrySet()) {
                    if (e.getKey().endsWith("@" + blob.digest())) {
                        blobs.put(key, e.getValue());
                        return 0;
                    }
                }
            }
            try (InputStream in = content.open()) {
                byte[] got = in.readAllBytes();
                if (blob.digest().equals(failOn)) {
                    throw new RegistryException(RegistryException.Kind.UNAVAILABLE, describe() + " went away");
                }
                if (!Digests.sha256(got).equals(blob.digest())) {
                    throw new RegistryException(RegistryException.Kind.CORRUPT, "bad bytes for " + blob.digest());
                }
                blobs.put(key, got);
                return got.length;
            } catch (IOException e) {
                throw new RegistryException(RegistryException.Kind.UNAVAILABLE, e.getMessage(), e);
            }
        }

        @Override
        public void blobsDone() {
            blobsDone.incrementAndGet();
        }

        @Override
        public void putManifest(ResolvedImage image, ManifestDoc manifest, String tag) {
            manifests.add(image.ref().repository() + "@" + manifest.digest());
        }
    }

    private static ResolvedImage image(MemorySource source, String repository, List<Descriptor> blobs) {
        StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":")
                .append(desc(blobs.get(0))).append(",\"layers\":[");
        for (int i = 1; i < blobs.size(); i++) {
            json.append(i > 1 ? "," : "").append(desc(blobs.get(i)));
        }
        json.append("]}");
        ManifestDoc doc = ManifestDoc.parse(json.toString().getBytes(StandardCharsets.UTF_8), "application/vnd.oci.image.manifest.v1+json", repository);
        return ResolvedImage.walk(new ImageRef("src.test", repository, null, doc.digest()), source, doc, "1", null);
    }

    private static String desc(Descriptor d) {
        return "{\"mediaType\":\"application/octet-stream\",\"digest\":\"" + d.digest() + "\",\"size\":" + d.size() + "}";
    }

    @Test
    void copierReadsEachBlobOnceForTwoDestinations() {
        MemorySource source = new MemorySource();
        Descriptor config1 = source.add("{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        Descriptor config2 = source.add("{\"a\":2}".getBytes(StandardCharsets.UTF_8));
        Descriptor base = source.add(random(3 * 1024 * 1024, 10));
        Descriptor app1 = source.add(random(700_000, 11));
        Descriptor app2 = source.add(random(900_000, 12));
        List<ResolvedImage> images = List.of(image(source, "a/one", List.of(config1, base, app1)),
                image(source, "a/two", List.of(config2, base, app2)));
        MemorySink store = new MemorySink(false);
        MemorySink registry = new MemorySink(true);
        registry.blobs.put("a/one@" + app1.digest(), source.blobs.get(app1.digest())); // the registry has this one: skipped there only

        List<ImageCopier.Result> results = new ImageCopier(3).copy(images, List.of(store, registry), List.of(CopyListener.NONE, CopyListener.NONE));

        assertThat(source.opens).hasSize(5);
        source.opens.forEach((digest, n) -> assertThat(n.get()).as(digest).isEqualTo(1));
        assertThat(store.blobs).hasSize(5);
        assertThat(registry.blobs).hasSize(6); // base in both repositories
        store.blobs.forEach((k, v) -> assertThat(Digests.sha256(v)).isEqualTo(k));
        assertThat(results.get(0).blobs()).isEqualTo(5);
        assertThat(results.get(1).blobs()).isEqualTo(6);
        assertThat(results.get(1).bytesTransferred()).isEqualTo(results.get(0).bytesTransferred() - app1.size()); // base mounted
        assertThat(store.manifests).hasSize(2);
        assertThat(registry.manifests).hasSize(2);
        assertThat(store.blobsDone.get()).isEqualTo(1);
        assertThat(registry.blobsDone.get()).isEqualTo(1);
    }

    @Test
    void aFailingDestinationStopsEveryManifestAndTheOtherKeepsItsBlobs() {
        MemorySource source = new MemorySource();
        Descriptor config = source.add("{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        Descriptor layer = source.add(random(2 * 1024 * 1024, 20));
        List<ResolvedImage> images = List.of(image(source, "a/one", List.of(config, layer)));
        MemorySink store = new MemorySink(false);
        MemorySink registry = new MemorySink(true);
        registry.failOn = layer.digest();

        RegistryException e = catchThrowableOfType(RegistryException.class, () -> new ImageCopier(2)
                .copy(images, List.of(store, registry), List.of(CopyListener.NONE, CopyListener.NONE)));

        assertThat(e.getMessage()).contains("registry went away");
        assertThat(store.manifests).isEmpty();
        assertThat(registry.manifests).isEmpty();
        assertThat(store.blobsDone.get()).isEqualTo(1);
        assertThat(registry.blobsDone.get()).isEqualTo(1);
        // the store got the layer whole from the same read: a re-run only needs it for the registry
        assertThat(store.blobs).containsKey(layer.digest());
        assertThat(source.opens.get(layer.digest()).get()).isEqualTo(1);

        registry.failOn = null;
        source.opens.clear();
        new ImageCopier(2).copy(images, List.of(store, registry), List.of(CopyListener.NONE, CopyListener.NONE));
        assertThat(registry.manifests).hasSize(1);
        assertThat(store.manifests).hasSize(1);
        assertThat(source.opens.get(layer.digest()).get()).isEqualTo(1); // for the registry alone; the store skipped it
    }
}
