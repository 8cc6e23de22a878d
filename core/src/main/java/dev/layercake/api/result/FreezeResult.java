package dev.layercake.api.result;

/**
 * What a freeze did, for --json. {@code method} is {@code s3-object-lock} or {@code filesystem-read-only};
 * {@code objectsFrozen} counts the manifest, its signature, the marker and every blob the release names;
 * {@code alreadyFrozen} is true when a marker existed (the locks were applied again, never shortened).
 */
public record FreezeResult(String app, String release, String manifestDigest, String store, String method,
                           String retainUntil, boolean legalHold, int objectsFrozen, boolean alreadyFrozen) {
}
