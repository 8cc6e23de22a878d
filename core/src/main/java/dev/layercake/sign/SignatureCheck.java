package dev.layercake.sign;

/** The outcome of checking a manifest's signature: {@code ok} only when it verifies with the given key. */
public record SignatureCheck(String app, String release, String manifestDigest, String algorithm, boolean ok, String detail) {
}
