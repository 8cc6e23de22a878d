package dev.layercake.store;

import dev.layercake.api.request.StoreLocation;
import dev.layercake.model.Digest;
import dev.layercake.model.Names;

/** The store's key layout, in one place. */
public final class StoreKeys {

    public static final String BLOBS = "blobs/sha256/";
    public static final String RELEASES = "releases/";
    public static final String MANIFEST = "manifest.json";
    /** Beside the manifest: its signature, and the marker of a frozen release (both create-only). */
    public static final String SIGNATURE = "manifest.json.sig";
    public static final String FROZEN = "frozen.json";
    /** Leases of running backups and the lock of a running garbage collection. */
    public static final String LOCKS = "locks/";

    private StoreKeys() {
    }

    public static String blob(Digest digest) {
        return BLOBS + digest.hex();
    }

    public static String releaseDir(String app, String release) {
        return RELEASES + Names.checkSegment("app", app) + "/" + Names.checkSegment("release id", release) + "/";
    }

    public static String manifest(String app, String release) {
        return releaseDir(app, release) + MANIFEST;
    }

    public static String signature(String app, String release) {
        return releaseDir(app, release) + SIGNATURE;
    }

    public static String frozenMarker(String app, String release) {
        return releaseDir(app, release) + FROZEN;
    }

    /** Rejects keys that could leave the store's root: absolute, empty segments, '.' or '..'. */
    public static String check(String key) {
        return StoreLocation.checkKey(key);
    }
}
