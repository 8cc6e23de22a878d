/**
 * Manifest signatures with the JDK's own crypto: ECDSA P-256 (SHA-256) or Ed25519, PEM key files
 * ({@link dev.layercake.sign.PemKeys}); stored once as {@code manifest.json.sig} beside the manifest
 * ({@link dev.layercake.sign.ManifestSigner}).
 */
package dev.layercake.sign;
