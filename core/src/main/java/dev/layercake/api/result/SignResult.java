package dev.layercake.api.result;

/** What signing did, for --json. */
public record SignResult(String app, String release, String manifestDigest, String algorithm, String signatureKey) {
}
