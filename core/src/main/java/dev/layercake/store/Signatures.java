package dev.layercake.store;

import java.util.List;
import java.nio.file.LinkOption;
import java.nio.file.Files;
import dev.layercake.LayercakeException;
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

    // ---- policy documents by key: the sign package names the generations, the store reads and writes them ----

    private static String policyKeyChecked(String key) {
        if (!StoreKeys.check(key).startsWith(StoreKeys.POLICY)) {
            throw new IllegalArgumentException("not a policy key: " + key);
        }
        return key;
    }

    /** Whether an object is stored at this policy key. */
    public boolean policyObjectExists(String key) {
        return store.objects().stat(policyKeyChecked(key)).isPresent();
    }

    /** The keys stored under a policy prefix, or empty when the store cannot list (UNSUPPORTED). */
    public Optional<List<String>> listPolicyObjects(String prefix) {
        try {
            return Optional.of(store.objects().list(policyKeyChecked(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix)
                    + (prefix.endsWith("/") ? "/" : "")).stream().map(ObjectInfo::key).toList());
        } catch (LayercakeException e) {
            if (e.kind() == LayercakeException.Kind.UNSUPPORTED) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** A folder in place of a policy object: a folder store's directory there, or objects stored under {@code key/}. */
    public boolean policyLooksLikeAFolder(String key) {
        policyKeyChecked(key);
        if (store.objects() instanceof FileSystemObjectStore fs && Files.isDirectory(fs.path(key), LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        return !listPolicyObjects(key + "/").orElse(List.of()).isEmpty();
    }

    /** At most {@code maxBytes + 1} bytes of the policy object at {@code key}; UNAVAILABLE when it cannot be read. */
    public byte[] readPolicyObject(String key, int maxBytes) {
        return store.readAtMost(policyKeyChecked(key), maxBytes + 1, "the signature policy " + key);
    }

    /** Writes a policy object once; false when the key is taken (nothing changed). */
    public boolean createPolicyObject(String key, byte[] document) {
        return store.create(policyKeyChecked(key), document);
    }
}
