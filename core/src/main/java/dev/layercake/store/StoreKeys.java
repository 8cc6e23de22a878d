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
    /** Beside the manifest: the drill records of a release ({@code drills/<UTC time>.json}, {@code .json.sig}). */
    public static final String DRILLS = "drills/";
    /** Leases of running backups and the lock of a running garbage collection. */
    public static final String LOCKS = "locks/";
    /** A running backup's lease: {@code locks/backups/<id>.json}. */
    public static final String BACKUP_LEASES = LOCKS + "backups/";
    /** A running garbage collection's lock: {@code locks/gc/<id>.json}. */
    public static final String GC_LOCKS = LOCKS + "gc/";
    /** Signature policies: {@code policy/store.json} (the whole store) and {@code policy/apps/<app>.json}. */
    public static final String POLICY = "policy/";

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

    /** A file of a release beside its manifest, by its name relative to the release ({@code drills/x.json}). */
    public static String releaseFile(String app, String release, String name) {
        return releaseDir(app, release) + name;
    }

    public static String drills(String app, String release) {
        return releaseDir(app, release) + DRILLS;
    }

    /** The signature policy of the whole store ({@code app == null}) or of one app. */
    public static String policy(String app) {
        return app == null ? POLICY + "store.json" : POLICY + "apps/" + Names.checkSegment("app", app) + ".json";
    }

    /** Rejects keys that could leave the store's root: absolute, empty segments, '.' or '..'. */
    public static String check(String key) {
        return StoreLocation.checkKey(key);
    }
}
