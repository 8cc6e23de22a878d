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
 * Copies resolved images to a destination exactly: blobs first, in parallel (bounded), each streamed and
 * checked against its digest; then manifests with their original bytes, platform manifests before their
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
        List<ResolvedImage> all = new ArrayList<>();
        for (ResolvedImage image : images) {
            all.add(image);
            all.addAll(image.referrers());
        }
        // An image the destination already holds complete costs one HEAD, not one per blob.
        all.removeIf(sink::hasImage);
        boolean raw = sink.verifiesContent();
        // One task per blob key: once per digest for a store, once per repository and digest for a registry.
        Map<String, Runnable> tasks = new LinkedHashMap<>();
        AtomicLong bytes = new AtomicLong();
        for (ResolvedImage image : all) {
            for (Descriptor blob : image.blobs()) {
                tasks.putIfAbsent(sink.blobKey(image, blob), () -> {
                    long sent = sink.putBlob(image, blob, () -> raw ? image.source().openBlobUnchecked(blob) : image.source().openBlob(blob));
                    bytes.addAndGet(sent);
                    listener.blobDone(blob, sent);
                });
            }
        }
        try {
            runAll(new ArrayList<>(tasks.values()));
        } catch (RuntimeException | Error e) {
            // The blobs stored completely before the failure are kept, so a re-run transfers only the rest.
            try {
                sink.blobsDone();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        sink.blobsDone(); // a manifest never becomes visible before the blobs it names are durable
        int manifests = 0;
        for (ResolvedImage image : all) {
            for (ManifestDoc m : image.manifestsInPushOrder()) {
                boolean root = m == image.root();
                sink.putManifest(image, m, root ? image.tag() : null);
                manifests++;
            }
        }
        return new Result(tasks.size(), bytes.get(), manifests);
    }

    private void runAll(List<Runnable> tasks) {
        if (tasks.isEmpty()) {
            return;
        }
        int threads = Math.min(parallelism, tasks.size());
        ExecutorService pool = Executors.newFixedThreadPool(threads, daemonThreads());
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

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "layercake-blob-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
