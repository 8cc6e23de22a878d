package dev.layercake.images;

import dev.layercake.LayercakeException;
import dev.layercake.model.Digest;
import dev.layercake.registry.Descriptor;
import dev.layercake.registry.Digests;
import dev.layercake.registry.ImageSink;
import dev.layercake.registry.ManifestDoc;
import dev.layercake.registry.RegistryClient;
import dev.layercake.registry.RegistryException;
import dev.layercake.registry.ResolvedImage;
import dev.layercake.store.ReleaseStore;

import java.time.Duration;

/**
 * Copies images into the release store as OCI content: every manifest, config and layer under
 * {@code blobs/sha256/<hex>}, shared with every other release. A blob already stored is never downloaded;
 * a download cut short is retried from the start; content that does not hash to its digest is refused.
 */
final class StoreImageSink implements ImageSink {

    private final ReleaseStore store;
    private final int maxAttempts;
    private final Duration backoff;

    StoreImageSink(ReleaseStore store, int maxAttempts, Duration backoff) {
        this.store = store;
        this.maxAttempts = Math.max(1, maxAttempts);
        this.backoff = backoff;
    }

    @Override
    public String describe() {
        return store.location().uri();
    }

    @Override
    public boolean verifiesContent() {
        return true; // ReleaseStore.putBlob checks digest and size before the blob becomes visible
    }

    @Override
    public String blobKey(ResolvedImage image, Descriptor blob) {
        return blob.digest();
    }

    @Override
    public long putBlob(ResolvedImage image, Descriptor blob, RegistryClient.ContentOpener content) {
        Digest digest = Digest.parse(blob.digest());
        if (store.hasBlob(digest)) {
            store.putBlob(digest, blob.size(), blob.mediaType(), () -> {
                throw new IllegalStateException("an existing blob is never re-read");
            });
            return 0;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                // Deferred: flushed with every other blob of this copy in blobsDone(), before any manifest.
                store.putBlob(digest, blob.size(), blob.mediaType(), content::open, true);
                return Math.max(0, blob.size());
            } catch (LayercakeException e) {
                Throwable mismatch = cause(e, Digests.ContentMismatchException.class);
                if (mismatch != null) {
                    throw new LayercakeException(LayercakeException.Kind.CORRUPT, mismatch.getMessage()
                            + "; not stored (the source registry serves corrupt content for " + image.ref().name() + ")", e);
                }
                if (e.kind() != LayercakeException.Kind.UNAVAILABLE || attempt >= maxAttempts) {
                    throw e;
                }
            } catch (RegistryException e) {
                if (e.kind() != RegistryException.Kind.UNAVAILABLE || attempt >= maxAttempts) {
                    throw e;
                }
            }
            sleep(backoff.toMillis() << Math.min(attempt - 1, 6));
        }
    }

    @Override
    public void blobsDone() {
        store.barrier();
    }

    @Override
    public void putManifest(ResolvedImage image, ManifestDoc manifest, String tag) {
        store.putBytes(manifest.bytes(), manifest.mediaType());
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LayercakeException(LayercakeException.Kind.UNAVAILABLE, "interrupted while waiting to retry");
        }
    }
}
