package dev.layercake.sign;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The document stored as {@code releases/<app>/<release>/manifest.json.sig}: the algorithm, the digest of the
 * manifest bytes it covers (for people; the signature itself is what counts) and the base64 signature over
 * the exact stored manifest bytes.
 */
@JsonPropertyOrder({"algorithm", "manifestDigest", "signature"})
public record ManifestSignature(String algorithm, String manifestDigest, String signature) {
}
