package dev.layercake.sign;

import dev.layercake.LayercakeException;
import dev.layercake.model.Digest;
import dev.layercake.store.ReleaseStore;

import java.nio.file.Path;
import java.security.PublicKey;

/**
 * The one signature decision verify, restore and the drill make: which key checks the manifest, and whether an
 * unchecked manifest is a failure ({@code --require-signature}, or a store/app policy requiring signatures, see
 * {@link SignaturePolicies}). The key: the store policy's when it names one, else the command's {@code --public-key}.
 * A command-line key never overrides a policy's key: a different one is refused (USAGE, naming both key digests),
 * since whoever signs with their own key could otherwise pass a release under a policy naming another. The check is
 * made on the manifest bytes the caller acts on, never on a second read of the manifest.
 */
public final class SignatureGate {

    public static final String VERIFIED = "verified";
    public static final String NOT_CHECKED = "not-checked";
    public static final String FAILED = "failed";

    private SignatureGate() {
    }

    /**
     * {@code state}: verified, not-checked or failed; {@code detail}: what was checked or why it failed;
     * {@code requiredBy}: "--require-signature", a policy key, or null when nothing required a signature.
     */
    public record Verdict(String state, String detail, String requiredBy) {
        public boolean failed() {
            return FAILED.equals(state);
        }
    }

    /**
     * Decides on {@code manifestBytes}: the bytes the caller read once and acts on (restores, verifies, drills). The
     * gate never reads the manifest again, so what it reports verified is exactly what the caller uses.
     */
    public static Verdict check(ReleaseStore store, String app, String release, byte[] manifestBytes, Path publicKeyPem,
                                boolean requireFlag) {
        if (manifestBytes == null) {
            throw new IllegalArgumentException("the manifest bytes to check are required");
        }
        SignaturePolicies.Effective policy = SignaturePolicies.effective(store, app);
        String requiredBy = requireFlag ? "--require-signature"
                : policy.requireSignature() ? "the store's signature policy (" + policy.requiredBy() + ")" : null;
        PublicKey key = null;
        String keyFrom = null;
        if (publicKeyPem != null) {
            key = PemKeys.readPublic(publicKeyPem);
            keyFrom = publicKeyPem.toString();
            if (policy.publicKey() != null) {
                String given = Digest.of(key.getEncoded()).toString();
                String named = Digest.of(policy.publicKey().getEncoded()).toString();
                if (!given.equals(named)) {
                    throw LayercakeException.usage("--public-key " + publicKeyPem + " (" + given + ") is not the key the"
                            + " signature policy " + policy.keyFrom() + " names (" + named + "): a key given on the command line"
                            + " cannot override the policy's key. Give the policy's key, or no --public-key (the policy's key"
                            + " is used), or change the policy with layercake policy --replace");
                }
                keyFrom = publicKeyPem + " (the key " + policy.keyFrom() + " names)";
            }
        } else if (policy.publicKey() != null) {
            key = policy.publicKey();
            keyFrom = "the public key of " + policy.keyFrom();
        }
        if (key != null) {
            String checked = Digest.of(manifestBytes).toString();
            SignatureCheck check = ManifestSigner.verify(store, app, release, manifestBytes, key);
            if (!checked.equals(check.manifestDigest())) {
                return new Verdict(FAILED, "the signature was checked over " + check.manifestDigest() + " but the manifest in use is "
                        + checked, requiredBy);
            }
            return check.ok()
                    ? new Verdict(VERIFIED, check.detail() + " with " + keyFrom, requiredBy)
                    : new Verdict(FAILED, check.detail() + (requiredBy == null ? "" : " (a signature is required by " + requiredBy + ")"),
                    requiredBy);
        }
        if (requiredBy != null) {
            return new Verdict(FAILED, "a signature is required (" + requiredBy + ") but no public key was given to check it:"
                    + " give --public-key", requiredBy);
        }
        return new Verdict(NOT_CHECKED, "manifest not signature-checked: no --public-key given, so an edited manifest would"
                + " verify clean", null);
    }
}
