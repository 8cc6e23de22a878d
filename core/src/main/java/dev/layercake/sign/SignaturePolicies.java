package dev.layercake.sign;

import dev.layercake.api.request.SignaturePolicy;
import dev.layercake.LayercakeException;
import dev.layercake.model.Digest;
import dev.layercake.model.Json;
import dev.layercake.store.ReleaseStore;
import dev.layercake.store.Signatures;
import dev.layercake.store.StoreKeys;

import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;

/**
 * Reads, writes and combines the store's signature policies ({@link SignaturePolicy}). The effective policy of an
 * app: a signature is required when the store's or the app's policy requires one; the key is the app's, else the
 * store's. A policy is create-only unless replaced on purpose ({@code --replace}), so it is not loosened by
 * accident. A policy that cannot be read fails the command (fail closed): it never silently means "no policy".
 *
 * <p>What it protects against: a pipeline or a person forgetting {@code --require-signature}. It lives in the
 * store, so whoever can write the store can change it; against that, give {@code --public-key} from a trusted
 * place (a key given on the command line is always the one used).
 */
public final class SignaturePolicies {

    public static final String PREFIX = StoreKeys.POLICY;
    private static final int MAX_POLICY_BYTES = 64 * 1024;

    private SignaturePolicies() {
    }

    /** The key of the store-wide policy ({@code app == null}) or of one app's. */
    public static String key(String app) {
        return StoreKeys.policy(app);
    }

    /** The policy stored under {@link #key(String)}, if any. */
    public static Optional<SignaturePolicy> read(ReleaseStore store, String app) {
        String key = key(app);
        Optional<byte[]> stored = store.signatures().readPolicy(app, MAX_POLICY_BYTES);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        byte[] bytes = stored.get();
        if (bytes.length > MAX_POLICY_BYTES) {
            throw LayercakeException.corrupt("the signature policy " + key + " is larger than " + MAX_POLICY_BYTES
                    + " bytes; it is not a policy Layercake wrote (set it again with layercake policy --replace)");
        }
        SignaturePolicy p = Json.read(bytes, SignaturePolicy.class, "signature policy " + key);
        if (p.publicKey() != null) {
            publicKey(p, key); // a broken key fails now, naming the policy
        }
        return Optional.of(p);
    }

    /** What applies to {@code app}: see the class comment. {@code requiredBy}: the policy key(s) that require it. */
    public record Effective(boolean requireSignature, PublicKey publicKey, String requiredBy, String keyFrom) {
        public static final Effective NONE = new Effective(false, null, null, null);
    }

    public static Effective effective(ReleaseStore store, String app) {
        Optional<SignaturePolicy> storeWide = read(store, null);
        Optional<SignaturePolicy> ofApp = read(store, app);
        StringBuilder requiredBy = new StringBuilder();
        if (storeWide.map(SignaturePolicy::requireSignature).orElse(false)) {
            requiredBy.append(key(null));
        }
        if (ofApp.map(SignaturePolicy::requireSignature).orElse(false)) {
            requiredBy.append(requiredBy.isEmpty() ? "" : " and ").append(key(app));
        }
        PublicKey publicKey = null;
        String keyFrom = null;
        if (ofApp.isPresent() && ofApp.get().publicKey() != null) {
            publicKey = publicKey(ofApp.get(), key(app));
            keyFrom = key(app);
        } else if (storeWide.isPresent() && storeWide.get().publicKey() != null) {
            publicKey = publicKey(storeWide.get(), key(null));
            keyFrom = key(null);
        }
        return new Effective(!requiredBy.isEmpty(), publicKey, requiredBy.isEmpty() ? null : requiredBy.toString(), keyFrom);
    }

    /** A policy requiring (or not) a signature, with the public key read from a PEM file (or none). */
    public static SignaturePolicy of(boolean requireSignature, Path publicKeyPem, Clock clock) {
        if (publicKeyPem == null) {
            return new SignaturePolicy(SignaturePolicy.VERSION, requireSignature, null, null, clock.instant().toString());
        }
        byte[] der = PemKeys.readPublic(publicKeyPem).getEncoded();
        return new SignaturePolicy(SignaturePolicy.VERSION, requireSignature, Base64.getEncoder().encodeToString(der),
                Digest.of(der).toString(), clock.instant().toString());
    }

    /**
     * Stores {@code policy} for {@code app} (null: the whole store). Without {@code replace} an existing policy is
     * a conflict and stays as it is.
     */
    public static void write(ReleaseStore store, String app, SignaturePolicy policy, boolean replace) {
        String key = key(app);
        byte[] doc = Json.write(policy);
        Signatures signatures = store.signatures();
        if (signatures.createPolicy(app, doc)) {
            return;
        }
        if (!replace) {
            throw LayercakeException.conflict("a signature policy is already set (" + key + "); give --replace to change it");
        }
        signatures.deletePolicy(app);
        if (!signatures.createPolicy(app, doc)) {
            throw LayercakeException.conflict("the signature policy " + key + " was written by someone else meanwhile; run again");
        }
    }

    private static PublicKey publicKey(SignaturePolicy p, String key) {
        byte[] der;
        try {
            der = Base64.getDecoder().decode(p.publicKey());
        } catch (IllegalArgumentException e) {
            throw LayercakeException.corrupt("the signature policy " + key + " holds a public key that is not base64;"
                    + " set it again with layercake policy --replace");
        }
        if (p.publicKeyDigest() != null && !Digest.of(der).toString().equals(p.publicKeyDigest())) {
            throw LayercakeException.corrupt("the signature policy " + key + ": its public key does not match the digest it"
                    + " records; set it again with layercake policy --replace");
        }
        try {
            return PemKeys.decodePublic("the public key of the signature policy " + key, der);
        } catch (LayercakeException e) {
            throw LayercakeException.corrupt(e.getMessage());
        }
    }
}
