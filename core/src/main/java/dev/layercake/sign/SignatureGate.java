package dev.layercake.sign;

import dev.layercake.store.ReleaseStore;

import java.nio.file.Path;
import java.security.PublicKey;

/**
 * The one signature decision verify and restore both make: which key checks the manifest (the command's
 * {@code --public-key}, else the store policy's), and whether an unchecked manifest is a failure
 * ({@code --require-signature}, or a store/app policy requiring signatures, see {@link SignaturePolicies}).
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

    public static Verdict check(ReleaseStore store, String app, String release, Path publicKeyPem, boolean requireFlag) {
        SignaturePolicies.Effective policy = SignaturePolicies.effective(store, app);
        String requiredBy = requireFlag ? "--require-signature"
                : policy.requireSignature() ? "the store's signature policy (" + policy.requiredBy() + ")" : null;
        PublicKey key = null;
        String keyFrom = null;
        if (publicKeyPem != null) {
            key = PemKeys.readPublic(publicKeyPem);
            keyFrom = publicKeyPem.toString();
        } else if (policy.publicKey() != null) {
            key = policy.publicKey();
            keyFrom = "the public key of " + policy.keyFrom();
        }
        if (key != null) {
            SignatureCheck check = ManifestSigner.verify(store, app, release, key);
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
