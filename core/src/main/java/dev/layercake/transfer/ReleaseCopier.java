package dev.layercake.transfer;

import dev.layercake.api.access.Access;

import dev.layercake.api.result.CopyResult;
import dev.layercake.api.request.CopyRequest;
import dev.layercake.LayercakeException;
import dev.layercake.model.Digest;
import dev.layercake.model.Json;
import dev.layercake.model.Manifest;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.store.ObjectInfo;
import dev.layercake.store.ReleaseStore;
import dev.layercake.store.StoreKeys;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Copies releases between any two stores (folder, S3, OCI). For each release: the destination is checked first
 * (the same id with other bytes is refused before anything is written); every blob the manifest names is copied
 * unless the destination has it (stat before put; each checked against its digest as it is written); then the
 * signature and drill records; the manifest last, its bytes unchanged, so its digest and signature still hold.
 * The frozen marker is not copied: a release is frozen by the destination's own means ({@code freeze}).
 */
public final class ReleaseCopier {

    /** Keys beside a manifest that travel with it (the frozen marker does not: see the class comment). */
    static List<String> extras(ReleaseStore store, String app, String release) {
        List<String> out = new ArrayList<>();
        if (store.objects().stat(StoreKeys.signature(app, release)).isPresent()) {
            out.add(StoreKeys.signature(app, release));
        }
        for (ObjectInfo o : store.objects().list(drillsPrefix(app, release))) {
            out.add(o.key());
        }
        return out;
    }

    static String drillsPrefix(String app, String release) {
        return StoreKeys.releaseDir(app, release) + "drills/";
    }

    public CopyResult copy(CopyRequest request, Access access, ProgressListener listener) {
        return copy(request, access, access, listener);
    }

    /** Each store reached with its own credentials: the source's never reach the destination, or the other way round. */
    public CopyResult copy(CopyRequest request, Access fromAccess, Access toAccess, ProgressListener listener) {
        if (request.from().uri().equals(request.to().uri())) {
            throw LayercakeException.usage("--from and --to are the same store (" + request.from().uri() + ")");
        }
        try (ReleaseStore from = ReleaseStore.open(request.from(), fromAccess, request.insecureRegistries());
             ReleaseStore to = ReleaseStore.open(request.to(), toAccess, request.insecureRegistries())) {
            return copy(from, to, request.app(), request.releases(), listener);
        }
    }

    public CopyResult copy(ReleaseStore from, ReleaseStore to, String app, List<String> releases, ProgressListener listener) {
        List<String> ids = releases.isEmpty() ? from.listReleases(app) : releases;
        if (ids.isEmpty()) {
            throw LayercakeException.notFound("no releases of " + app + " in " + from.objects().describe());
        }
        // Read and check every source manifest, and every destination id, before writing anything.
        Map<String, byte[]> manifests = new LinkedHashMap<>();
        for (String id : ids) {
            byte[] bytes = from.readManifestBytes(app, id);
            requireSameOrAbsent(to, app, id, bytes);
            manifests.put(id, bytes);
        }
        listener.phase("copy");
        List<CopyResult.Copied> out = new ArrayList<>();
        int n = 0;
        for (Map.Entry<String, byte[]> e : manifests.entrySet()) {
            out.add(copyOne(from, to, app, e.getKey(), e.getValue(), listener));
            listener.progress("copy", ++n, manifests.size(), "releases");
        }
        return new CopyResult(from.objects().describe(), to.objects().describe(), out);
    }

    private CopyResult.Copied copyOne(ReleaseStore from, ReleaseStore to, String app, String release, byte[] manifestBytes,
                                      ProgressListener listener) {
        Manifest manifest = Json.read(manifestBytes, Manifest.class, "manifest of " + app + "/" + release);
        boolean present = to.releaseExists(app, release);
        long writtenBefore = to.stats().bytesWritten();
        long blobsBefore = to.stats().blobsWritten();
        long skippedBefore = to.stats().blobsSkipped();
        if (!present) {
            copyBlobs(from, to, manifest);
        }
        List<String> extras = new ArrayList<>();
        for (String key : extras(from, app, release)) {
            if (copyKey(from, to, key)) {
                extras.add(key);
            }
        }
        if (!present) {
            writeManifestBytes(to, app, release, manifestBytes);
            listener.info("copied " + app + "/" + release + " (" + (to.stats().blobsWritten() - blobsBefore) + " blobs written, "
                    + (to.stats().blobsSkipped() - skippedBefore) + " already there)");
        } else {
            listener.info(app + "/" + release + " is already in " + to.objects().describe() + " with the same manifest"
                    + (extras.isEmpty() ? "" : "; added " + String.join(", ", extras)));
        }
        return new CopyResult.Copied(app, release, Digest.of(manifestBytes).toString(), present ? "present" : "copied",
                to.stats().blobsWritten() - blobsBefore, to.stats().blobsSkipped() - skippedBefore,
                to.stats().bytesWritten() - writtenBefore, extras);
    }

    /** Blobs transferred at once: a round trip each to S3 or a registry, so one at a time leaves the link idle. */
    static final int PARALLEL_BLOBS = 4;

    /**
     * Every blob the manifest names, {@link #PARALLEL_BLOBS} at a time, each checked against its digest; deferred
     * (a folder destination flushes them all in one barrier), and the barrier is passed before this returns, also
     * when one failed (what was copied completely stays for a re-run). The first failure is thrown.
     */
    private static void copyBlobs(ReleaseStore from, ReleaseStore to, Manifest manifest) {
        Map<Digest, Long> sizes = manifest.recordedBlobSizes();
        List<Digest> blobs = new ArrayList<>(manifest.referencedBlobs().keySet());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
                Math.max(1, Math.min(PARALLEL_BLOBS, blobs.size())), r -> {
                    Thread t = new Thread(r, "layercake-copy-blob");
                    t.setDaemon(true);
                    return t;
                });
        RuntimeException failure = null;
        try {
            List<java.util.concurrent.Future<?>> running = new ArrayList<>();
            for (Digest d : blobs) {
                long size = Optional.ofNullable(sizes.get(d)).orElse(-1L);
                running.add(pool.submit(() -> to.putBlob(d, size, null, () -> from.openBlob(d), true)));
            }
            for (java.util.concurrent.Future<?> f : running) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause() instanceof RuntimeException re ? re
                                : new LayercakeException(LayercakeException.Kind.FAILED, "copying a blob failed: " + e.getCause(), e.getCause());
                        running.forEach(x -> x.cancel(true));
                    }
                } catch (java.util.concurrent.CancellationException e) {
                    // cancelled after the first failure
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure = new LayercakeException(LayercakeException.Kind.UNAVAILABLE, "interrupted while copying blobs");
                    break;
                }
            }
        } finally {
            pool.shutdownNow();
            try {
                to.barrier();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** The same release id at the destination must hold the very same manifest bytes. */
    static void requireSameOrAbsent(ReleaseStore to, String app, String release, byte[] manifestBytes) {
        if (!to.releaseExists(app, release)) {
            return;
        }
        Digest theirs = Digest.of(to.readManifestBytes(app, release));
        Digest ours = Digest.of(manifestBytes);
        if (!theirs.equals(ours)) {
            throw LayercakeException.conflict("release " + app + "/" + release + " already exists in " + to.objects().describe()
                    + " with other content (manifest " + theirs + ", not " + ours + "); releases are never overwritten:"
                    + " nothing was copied. Copy to another store, or prune that release there first");
        }
    }

    /** Copies one small key unchanged; false when the destination already has it (create-only). */
    static boolean copyKey(ReleaseStore from, ReleaseStore to, String key) {
        byte[] bytes;
        try (InputStream in = from.objects().open(key)) {
            bytes = in.readNBytes(16 * 1024 * 1024 + 1);
        } catch (IOException e) {
            throw new LayercakeException(LayercakeException.Kind.UNAVAILABLE, "cannot read " + key + ": " + e.getMessage(), e);
        }
        if (bytes.length > 16 * 1024 * 1024) {
            throw LayercakeException.corrupt(key + " in " + from.objects().describe() + " is larger than 16 MiB; not copied");
        }
        return to.objects().create(key, new ByteArrayInputStream(bytes), bytes.length, () -> { });
    }

    /**
     * Writes a manifest's exact bytes, last, after checking that every blob it names is present with the size
     * it records (as {@link ReleaseStore#writeManifest} does for a new one, which serializes instead).
     */
    static void writeManifestBytes(ReleaseStore to, String app, String release, byte[] bytes) {
        Manifest manifest = Json.read(bytes, Manifest.class, "manifest of " + app + "/" + release);
        if (!app.equals(manifest.app()) || !release.equals(manifest.release())) {
            throw LayercakeException.corrupt("the manifest stored as " + app + "/" + release + " is that of "
                    + manifest.app() + "/" + manifest.release() + "; not copied");
        }
        Map<Digest, Long> sizes = manifest.recordedBlobSizes();
        for (Map.Entry<Digest, String> b : manifest.referencedBlobs().entrySet()) {
            Optional<ObjectInfo> stored = to.statBlob(b.getKey());
            Long recorded = sizes.get(b.getKey());
            if (stored.isEmpty()) {
                throw LayercakeException.corrupt("refusing to write the manifest of " + app + "/" + release + ": "
                        + b.getValue() + " (" + b.getKey() + ") is not in " + to.objects().describe());
            }
            if (recorded != null && recorded >= 0 && stored.get().size() >= 0 && stored.get().size() != recorded) {
                throw LayercakeException.corrupt("refusing to write the manifest of " + app + "/" + release + ": "
                        + b.getValue() + " (" + b.getKey() + ") is " + stored.get().size() + " bytes there, " + recorded + " recorded");
            }
        }
        String key = StoreKeys.manifest(app, release);
        if (!to.objects().create(key, new ByteArrayInputStream(bytes), bytes.length, () -> { })) {
            requireSameOrAbsent(to, app, release, bytes); // someone wrote it meanwhile: fine only if it is the same
        }
    }
}
