package dev.layercake.sign;

import java.security.Key;
import java.security.interfaces.ECKey;
import java.security.interfaces.EdECKey;

/** The signature schemes Layercake accepts, all in the JDK's own crypto: the name stored, the JCA names used. */
public enum SignatureAlgorithm {

    /** ECDSA on NIST P-256 with SHA-256; the signature is DER, as {@code openssl dgst -sha256 -sign} makes it. */
    ECDSA_P256("ECDSA-P256-SHA256", "EC", "SHA256withECDSA"),
    /** Ed25519 over the raw manifest bytes, as {@code openssl pkeyutl -sign -rawin} makes it. */
    ED25519("Ed25519", "Ed25519", "Ed25519");

    private final String id;
    private final String keyAlgorithm;
    private final String jcaSignature;

    SignatureAlgorithm(String id, String keyAlgorithm, String jcaSignature) {
        this.id = id;
        this.keyAlgorithm = keyAlgorithm;
        this.jcaSignature = jcaSignature;
    }

    /** The name written in {@code manifest.json.sig}. */
    public String id() {
        return id;
    }

    String keyAlgorithm() {
        return keyAlgorithm;
    }

    public String jcaSignature() {
        return jcaSignature;
    }

    public static SignatureAlgorithm of(Key key) {
        if (key instanceof ECKey) {
            return ECDSA_P256;
        }
        if (key instanceof EdECKey) {
            return ED25519;
        }
        return null;
    }

    static SignatureAlgorithm byId(String id) {
        for (SignatureAlgorithm a : values()) {
            if (a.id.equals(id)) {
                return a;
            }
        }
        return null;
    }
}
