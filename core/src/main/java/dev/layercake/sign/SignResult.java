package dev.layercake.sign;

/** What signing did, for --json. */
public record SignResult(String app, String release, String manifestDigest, String algorithm, String signatureKey) {
}
