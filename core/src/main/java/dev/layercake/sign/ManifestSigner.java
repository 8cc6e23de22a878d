package dev.layercake.sign;

import dev.layercake.api.result.SignResult;
import dev.layercake.LayercakeException;
import dev.layercake.model.Digest;
import dev.layercake.model.Json;
import dev.layercake.store.ReleaseStore;
import dev.layercake.store.StoreKeys;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;

/**
 * Signs a release's manifest and checks the signature. The signature covers the exact stored manifest bytes
 * (whose sha256 is the release's identity), so any change to the manifest, even one byte, fails the check.
 * It is stored once beside the manifest ({@code manifest.json.sig}) and, like the manifest, never replaced.
 *
 * <p>Checkable without Layercake, e.g. for ECDSA:
 * {@code jq -r .signature manifest.json.sig | base64 -d > sig.der && openssl dgst -sha256 -verify pub.pem -signature sig.der manifest.json}.
 */
public final class ManifestSigner {

    private ManifestSigner() {
    }

    /** Signs {@code app/release} with a PEM private key file. CONFLICT when the release is already signed. */
    public static SignResult sign(ReleaseStore store, String app, String release, Path privateKeyPem) {
        return sign(store, app, release, PemKeys.readPrivate(privateKeyPem));
    }

    public static SignResult sign(ReleaseStore store, String app, String release, PrivateKey key) {
        return sign(store, app, release, null, key);
    }

    /**
     * Signs {@code app/release} only if the manifest read back is the one with digest {@code written} (the backup's
     * own, null: whatever is stored): a store serving other bytes than those just written gets them refused (CORRUPT,
     * nothing signed), never signed.
     */
    public static SignResult sign(ReleaseStore store, String app, String release, Digest written, PrivateKey key) {
        SignatureAlgorithm algorithm = SignatureAlgorithm.of(key);
        if (algorithm == null) {
            throw LayercakeException.usage("signing needs an ECDSA P-256 or Ed25519 key, not " + key.getAlgorithm());
        }
        byte[] manifest = store.readManifestBytes(app, release);
        Digest digest = Digest.of(manifest);
        if (written != null && !written.equals(digest)) {
            throw LayercakeException.corrupt("not signing " + app + "/" + release + ": the store returned a manifest with digest "
                    + digest + ", not the " + written + " just written; the store changed it or serves other bytes");
        }
        byte[] signature;
        try {
            Signature s = Signature.getInstance(algorithm.jcaSignature());
            s.initSign(key);
            s.update(manifest);
            signature = s.sign();
        } catch (GeneralSecurityException e) {
            throw new LayercakeException(LayercakeException.Kind.FAILED, "cannot sign the manifest of " + app + "/" + release
                    + " with " + algorithm.id() + ": " + e.getMessage(), e);
        }
        byte[] doc = Json.write(new ManifestSignature(algorithm.id(), digest.toString(), Base64.getEncoder().encodeToString(signature)));
        String key2 = StoreKeys.signature(app, release);
        if (!store.objects().create(key2, new ByteArrayInputStream(doc), doc.length, () -> { })) {
            throw LayercakeException.conflict("release " + app + "/" + release + " is already signed (" + key2
                    + "); a signature is never replaced");
        }
        return new SignResult(app, release, digest.toString(), algorithm.id(), key2);
    }

    /** Checks {@code app/release}'s signature with a PEM public key file. Never throws for a bad signature: see {@code ok}. */
    public static SignatureCheck verify(ReleaseStore store, String app, String release, Path publicKeyPem) {
        return verify(store, app, release, PemKeys.readPublic(publicKeyPem));
    }

    /**
     * Reads the manifest once and checks those bytes. Only for callers that do nothing else with the manifest: one
     * that acts on it must check the bytes it acts on, {@link #verify(ReleaseStore, String, String, byte[], PublicKey)}.
     */
    public static SignatureCheck verify(ReleaseStore store, String app, String release, PublicKey key) {
        return verify(store, app, release, store.readManifestBytes(app, release), key);
    }

    /**
     * Checks {@code app/release}'s signature over {@code manifest}, the bytes the caller read once and acts on. The
     * manifest is never read again here: a store (an S3 endpoint, a registry) could serve other bytes the second time,
     * and a check of those says nothing about what the caller restores or verifies.
     */
    public static SignatureCheck verify(ReleaseStore store, String app, String release, byte[] manifest, PublicKey key) {
        String digest = Digest.of(manifest).toString();
        String sigKey = StoreKeys.signature(app, release);
        if (store.objects().stat(sigKey).isEmpty()) {
            return new SignatureCheck(app, release, digest, null, false, "the release is not signed (no " + sigKey + ")");
        }
        ManifestSignature doc;
        try (InputStream in = store.objects().open(sigKey)) {
            doc = Json.read(in.readAllBytes(), ManifestSignature.class, sigKey);
        } catch (IOException e) {
            throw new LayercakeException(LayercakeException.Kind.UNAVAILABLE, "cannot read " + sigKey + ": " + e.getMessage(), e);
        } catch (LayercakeException e) {
            return new SignatureCheck(app, release, digest, null, false, e.getMessage());
        }
        SignatureAlgorithm algorithm = SignatureAlgorithm.byId(doc.algorithm());
        if (algorithm == null) {
            return new SignatureCheck(app, release, digest, doc.algorithm(), false, "unknown signature algorithm '" + doc.algorithm() + "'");
        }
        if (SignatureAlgorithm.of(key) != algorithm) {
            return new SignatureCheck(app, release, digest, algorithm.id(), false, "the manifest is signed with " + algorithm.id()
                    + " but the public key is " + key.getAlgorithm());
        }
        boolean valid;
        try {
            Signature s = Signature.getInstance(algorithm.jcaSignature());
            s.initVerify(key);
            s.update(manifest);
            valid = doc.signature() != null && s.verify(Base64.getDecoder().decode(doc.signature()));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            valid = false;
        }
        if (!valid) {
            return new SignatureCheck(app, release, digest, algorithm.id(), false,
                    "the signature does not match the manifest (" + digest + ") under this public key: the manifest or its"
                            + " signature was changed, or the key is not the signer's");
        }
        if (!digest.equals(doc.manifestDigest())) {
            return new SignatureCheck(app, release, digest, algorithm.id(), false,
                    "the signature document names " + doc.manifestDigest() + " but the manifest is " + digest);
        }
        return new SignatureCheck(app, release, digest, algorithm.id(), true, "signature valid (" + algorithm.id() + ")");
    }

    /** Like {@link #verify(ReleaseStore, String, String, Path)} but fails with CORRUPT when the signature does not hold. */
    public static SignatureCheck requireValid(ReleaseStore store, String app, String release, Path publicKeyPem) {
        SignatureCheck check = verify(store, app, release, publicKeyPem);
        if (!check.ok()) {
            throw LayercakeException.corrupt("signature check of " + app + "/" + release + " failed: " + check.detail());
        }
        return check;
    }
}
