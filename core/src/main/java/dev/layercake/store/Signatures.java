package dev.layercake.store;

import java.util.Optional;

/**
 * The store's signature documents: one per release beside its manifest ({@code manifest.json.sig}, create-only,
 * never replaced) and the signature policies ({@code policy/...}, create-only unless replaced on purpose).
 * What they mean is the {@code sign} package's; where they are and how they are written is the store's.
 */
public final class Signatures {

    private final ReleaseStore store;

    Signatures(ReleaseStore store) {
        this.store = store;
    }

    /** The key of a release's signature, for messages and results. */
    public String key(String app, String release) {
        return StoreKeys.signature(app, release);
    }

    public boolean exists(String app, String release) {
        return store.objects().stat(StoreKeys.signature(app, release)).isPresent();
    }

    /** Writes a release's signature once; false when the release is already signed (nothing changed). */
    public boolean create(String app, String release, byte[] document) {
        return store.create(StoreKeys.signature(app, release), document);
    }

    /** A release's signature document, empty when it is not signed; UNAVAILABLE when it cannot be read. */
    public Optional<byte[]> read(String app, String release) {
        String key = StoreKeys.signature(app, release);
        if (store.objects().stat(key).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(store.readAtMost(key, Integer.MAX_VALUE, key));
    }

    /** The key of the store-wide policy ({@code app == null}) or of one app's. */
    public String policyKey(String app) {
        return StoreKeys.policy(app);
    }

    /**
     * A policy's bytes, at most {@code maxBytes + 1} of them (so a caller sees one too large), empty when none is
     * set; UNAVAILABLE when it cannot be read.
     */
    public Optional<byte[]> readPolicy(String app, int maxBytes) {
        String key = StoreKeys.policy(app);
        if (store.objects().stat(key).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(store.readAtMost(key, maxBytes + 1, "the signature policy " + key));
    }

    /** Writes a policy once; false when one is set already (nothing changed). */
    public boolean createPolicy(String app, byte[] document) {
        return store.create(StoreKeys.check(StoreKeys.policy(app)), document);
    }

    /** Removes a policy, to replace it ({@code policy --replace}); no-op when none is set. */
    public void deletePolicy(String app) {
        store.objects().delete(StoreKeys.policy(app));
    }
}
