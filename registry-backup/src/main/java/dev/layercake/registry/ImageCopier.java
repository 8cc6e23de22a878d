package dev.layercake.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies resolved images to one destination or several exactly: blobs first, in parallel (bounded), each
 * read once from the source for every destination, streamed and checked against its digest; then manifests with their original bytes, platform manifests before their
 * index, the tag last, and attached artifacts after their image. The first failure stops the copy; what
 * was stored stays valid (content-addressed) and a re-run transfers only what is missing.
 */
public final class ImageCopier {

    private final int parallelism;

    public ImageCopier(int parallelism) {
        this.parallelism = Math.max(1, parallelism);
    }

    /** What one copy did. */
    public record Result(int blobs, long bytesTransferred, int manifests) {
    }

    public Result copy(List<ResolvedImage> images, ImageSink sink, CopyListener listener) {
        return copy(images, List.of(sink), List.of(listener)).get(0);
    }

    /** Bytes held per shared read (see {@link BlobTee}): a few chunks, whatever the blob's size. */
    static final int TEE_CHUNK = 256 * 1024;
    static final long TEE_BUFFER = 4L * TEE_CHUNK;

    /**
     * Copies the images to several destinations at once, each source blob read ONCE: the blob's one read is
     * fanned out to every destination that needs it (a {@link BlobTee}, bounded memory), each destination
     * checking and committing its own copy. A destination that holds an image already ({@link ImageSink#hasImage})
     * or a blob already skips it for itself only. Every destination gets {@link ImageSink#blobsDone} once the
     * blobs are through (also after a failure, so that a re-run transfers only what is missing), and no
     * destination gets a manifest unless every destination got every blob: a failure in one destination fails
     * the copy before any manifest is written anywhere.
     *
     * @return one result per sink, in the order of {@code sinks}
     */
    public List<Result> copy(List<ResolvedImage> images, List<ImageSink> sinks, List<CopyListener> listeners) {
        if (sinks.isEmpty() || sinks.size() != listeners.size()) {
            throw new IllegalArgumentException("one listener per sink, at least one sink");
        }
        List<ResolvedImage> all = new ArrayList<>();
        for (ResolvedImage image : images) {
            all.add(image);
            all.addAll(image.referrers());
        }
        int n = sinks.size();
        List<List<ResolvedImage>> needed = new ArrayList<>();
        for (ImageSink sink : sinks) {
            List<ResolvedImage> mine = new ArrayList<>(all);
            // An image the destination already holds complete costs one HEAD, not one per blob.
            mine.removeIf(sink::hasImage);
            needed.add(mine);
        }
        // One group per digest: the blob is read once for every destination. Within a group, each sink has its
        // blob keys (once per digest for a store, once per repository and digest for a registry) in order.
        Map<String, BlobGroup> groups = new LinkedHashMap<>();
        int[] keys = new int[n];
        for (int s = 0; s < n; s++) {
            ImageSink sink = sinks.get(s);
            for (ResolvedImage image : needed.get(s)) {
                for (Descriptor blob : image.blobs()) {
                    BlobGroup g = groups.computeIfAbsent(blob.digest(), d -> new BlobGroup(blob, image, n));
                    if (g.keys.get(s).putIfAbsent(sink.blobKey(image, blob), image) == null) {
                        keys[s]++;
                    }
                }
            }
        }
        AtomicLong[] bytes = new AtomicLong[n];
        for (int s = 0; s < n; s++) {
            bytes[s] = new AtomicLong();
        }
        List<Runnable> tasks = new ArrayList<>();
        ExecutorService helpers = n > 1 ? Executors.newCachedThreadPool(daemonThreads("layercake-blob-tee-")) : null;
        for (BlobGroup g : groups.values()) {
            tasks.add(() -> g.run(sinks, listeners, bytes, helpers));
        }
        try {
            runAll(tasks);
        } catch (RuntimeException | Error e) {
            // The blobs stored completely before the failure are kept, so a re-run transfers only the rest.
            for (ImageSink sink : sinks) {
                try {
                    sink.blobsDone();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        } finally {
            if (helpers != null) {
                helpers.shutdownNow();
            }
        }
        for (ImageSink sink : sinks) {
            sink.blobsDone(); // a manifest never becomes visible before the blobs it names are durable
        }
        List<Result> results = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            int manifests = 0;
            for (ResolvedImage image : needed.get(s)) {
                for (ManifestDoc m : image.manifestsInPushOrder()) {
                    boolean root = m == image.root();
                    sinks.get(s).putManifest(image, m, root ? image.tag() : null);
                    manifests++;
                }
            }
            results.add(new Result(keys[s], bytes[s].get(), manifests));
        }
        return results;
    }

    /** One digest and every destination key that needs it. */
    private static final class BlobGroup {
        final Descriptor blob;
        /** The image the blob is read from (any image naming it: content-addressed). */
        final ResolvedImage readFrom;
        /** Per sink: blob key → the image it is for. */
        final List<Map<String, ResolvedImage>> keys = new ArrayList<>();

        BlobGroup(Descriptor blob, ResolvedImage readFrom, int sinks) {
            this.blob = blob;
            this.readFrom = readFrom;
            for (int s = 0; s < sinks; s++) {
                keys.add(new LinkedHashMap<>());
            }
        }

        /** The direct read of the blob for one destination (raw when it checks content itself). */
        RegistryClient.ContentOpener direct(ResolvedImage image, ImageSink sink) {
            boolean raw = sink.verifiesContent();
            return () -> raw ? image.source().openBlobUnchecked(blob) : image.source().openBlob(blob);
        }

        void run(List<ImageSink> sinks, List<CopyListener> listeners, AtomicLong[] bytes, ExecutorService helpers) {
            // The first key of each sink shares the one read; a sink's further keys (other repositories of a
            // registry) come after it, when they mount what the first one placed.
            List<Integer> sharing = new ArrayList<>();
            for (int s = 0; s < sinks.size(); s++) {
                if (!keys.get(s).isEmpty()) {
                    sharing.add(s);
                }
            }
            if (sharing.size() == 1) {
                int s = sharing.get(0);
                ResolvedImage image = keys.get(s).values().iterator().next();
                put(s, image, direct(image, sinks.get(s)), sinks, listeners, bytes);
            } else {
                shared(sharing, sinks, listeners, bytes, helpers);
            }
            for (int s : sharing) {
                boolean first = true;
                for (ResolvedImage image : keys.get(s).values()) {
                    if (!first) {
                        put(s, image, direct(image, sinks.get(s)), sinks, listeners, bytes);
                    }
                    first = false;
                }
            }
        }

        private void shared(List<Integer> sharing, List<ImageSink> sinks, List<CopyListener> listeners, AtomicLong[] bytes,
                            ExecutorService helpers) {
            boolean raw = sharing.stream().allMatch(s -> sinks.get(s).verifiesContent());
            // Checked on the read side unless every destination checks digest and size itself (then hashed once, there).
            BlobTee tee = new BlobTee(() -> raw ? readFrom.source().openBlobUnchecked(blob) : readFrom.source().openBlob(blob),
                    sharing.size(), TEE_CHUNK, TEE_BUFFER);
            List<Future<?>> others = new ArrayList<>();
            for (int k = 1; k < sharing.size(); k++) {
                int slot = k;
                others.add(helpers.submit(() -> consume(tee, slot, sharing.get(slot), sinks, listeners, bytes)));
            }
            Throwable failure = null;
            try {
                consume(tee, 0, sharing.get(0), sinks, listeners, bytes);
            } catch (RuntimeException | Error e) {
                failure = e;
            }
            for (Future<?> f : others) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    tee.abort(e);
                    for (Future<?> o : others) {
                        o.cancel(true);
                    }
                    Thread.currentThread().interrupt();
                    RegistryException stop = new RegistryException(RegistryException.Kind.UNAVAILABLE, "interrupted while copying blobs", e);
                    if (failure != null) {
                        stop.addSuppressed(failure);
                    }
                    throw stop;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (failure == null) {
                        failure = cause;
                    } else if (failure != cause) {
                        failure.addSuppressed(cause);
                    }
                }
            }
            if (failure instanceof RuntimeException re) {
                throw re;
            }
            if (failure instanceof Error err) {
                throw err;
            }
            if (failure != null) {
                throw new RegistryException(RegistryException.Kind.UNAVAILABLE, "a blob transfer failed: " + failure, failure);
            }
        }

        private void consume(BlobTee tee, int slot, int s, List<ImageSink> sinks, List<CopyListener> listeners, AtomicLong[] bytes) {
            ResolvedImage image = keys.get(s).values().iterator().next();
            try {
                put(s, image, tee.opener(slot, direct(image, sinks.get(s))), sinks, listeners, bytes);
            } finally {
                tee.detach(slot); // skipped, done or failed: the other destinations no longer wait for this one
            }
        }

        private void put(int s, ResolvedImage image, RegistryClient.ContentOpener content, List<ImageSink> sinks,
                         List<CopyListener> listeners, AtomicLong[] bytes) {
            long sent = sinks.get(s).putBlob(image, blob, content);
            bytes[s].addAndGet(sent);
            listeners.get(s).blobDone(blob, sent);
        }
    }

    private void runAll(List<Runnable> tasks) {
        if (tasks.isEmpty()) {
            return;
        }
        int threads = Math.min(parallelism, tasks.size());
        ExecutorService pool = Executors.newFixedThreadPool(threads, daemonThreads("layercake-blob-"));
        try {
            CompletionService<Void> done = new ExecutorCompletionService<>(pool);
            List<Future<Void>> futures = new ArrayList<>();
            for (Runnable t : tasks) {
                futures.add(done.submit(t, null));
            }
            for (int i = 0; i < tasks.size(); i++) {
                try {
                    done.take().get();
                } catch (ExecutionException e) {
                    futures.forEach(f -> f.cancel(true));
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException re) {
                        throw re;
                    }
                    if (cause instanceof Error err) {
                        throw err;
                    }
                    throw new RegistryException(RegistryException.Kind.UNAVAILABLE, "a blob transfer failed: " + cause, cause);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(RegistryException.Kind.UNAVAILABLE, "interrupted while copying blobs", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
