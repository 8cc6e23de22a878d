package dev.layercake.api.request;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A signature policy kept in the store, for the whole store ({@code policy/store.json}) or for one app
 * ({@code policy/apps/<app>.json}); set with {@code layercake policy}. {@code requireSignature}: verify and
 * restore fail a release whose manifest is unsigned or whose signature does not check, flag or no flag.
 * {@code publicKey}: optional, the base64 X.509 (SubjectPublicKeyInfo) bytes of the key to check with when
 * the command gives no {@code --public-key} (a public key, not a secret); {@code publicKeyDigest} names it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SignaturePolicy(int version, boolean requireSignature, String publicKey, String publicKeyDigest,
                              String setAt) {

    public static final int VERSION = 1;
}
