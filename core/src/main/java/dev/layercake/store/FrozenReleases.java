package dev.layercake.store;

import dev.layercake.LayercakeException;
import dev.layercake.model.Digest;
import dev.layercake.model.Manifest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Frozen releases: the marker beside the manifest ({@code frozen.json}, create-only: prune never removes a release
 * that has one) and making a release's objects immutable with the backend's {@link Immutability}. What the marker
 * says is the {@code freeze} package's; where it is and which objects a release consists of is the store's.
 */
public final class FrozenReleases {

    /** Told after each object is made immutable. */
    @FunctionalInterface
    public interface Progress {
        void done(int done, int total);
    }

    private final ReleaseStore store;

    FrozenReleases(ReleaseStore store) {
        this.store = store;
    }

    public boolean isFrozen(String app, String release) {
        return store.objects().stat(StoreKeys.frozenMarker(app, release)).isPresent();
    }

    /** Writes the frozen marker once; false when the release already has one (nothing changed). */
    public boolean mark(String app, String release, byte[] marker) {
        return store.create(StoreKeys.frozenMarker(app, release), marker);
    }

    /** The marker's bytes (at most {@code maxBytes}), empty when the release is not frozen. */
    public Optional<byte[]> readMarker(String app, String release, int maxBytes) {
        String key = StoreKeys.frozenMarker(app, release);
        if (store.objects().stat(key).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(store.readAtMost(key, maxBytes, key));
    }

    /** The key of the marker, for messages. */
    public String markerKey(String app, String release) {
        return StoreKeys.frozenMarker(app, release);
    }

    /**
     * How this store makes objects immutable; UNSUPPORTED, naming the kind of store and what to do instead, when
     * it cannot (an OCI registry).
     */
    public Immutability immutability() {
        ObjectStore objects = store.objects();
        return objects.immutability().orElseThrow(() -> new LayercakeException(LayercakeException.Kind.UNSUPPORTED,
                "releases in " + objects.describe() + " cannot be frozen: only S3 (Object Lock) and filesystem stores can, and "
                        + objects.kind() + " has no immutability Layercake can set. Copy the release to an S3 bucket created"
                        + " with Object Lock or to a folder store (layercake copy) and freeze it there; nothing was changed"));
    }

    /**
     * Makes every object of a frozen release immutable: its manifest, its marker, its signature when it has one, and
     * every blob the manifest names. {@code progress} is told after each. Returns how many.
     */
    public int protect(String app, String release, Manifest manifest, Instant retainUntil, boolean legalHold,
                       Progress progress) {
        Immutability immutability = immutability();
        List<String> keys = new ArrayList<>();
        keys.add(StoreKeys.manifest(app, release));
        keys.add(StoreKeys.frozenMarker(app, release));
        String sig = StoreKeys.signature(app, release);
        if (store.objects().stat(sig).isPresent()) {
            keys.add(sig);
        }
        for (Digest blob : manifest.referencedBlobs().keySet()) {
            keys.add(StoreKeys.blob(blob));
        }
        int done = 0;
        for (String key : keys) {
            immutability.protect(key, retainUntil, legalHold);
            progress.done(++done, keys.size());
        }
        return keys.size();
    }
}
