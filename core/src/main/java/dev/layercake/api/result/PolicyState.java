package dev.layercake.api.result;

import dev.layercake.api.request.SignaturePolicy;

/**
 * The signature policy of a store or app: the one set there ({@code own}, null when none), and the one in force
 * (the app's, else the store's): whether a signature is required, by which policy, and where its key is stored.
 */
public record PolicyState(String scope, String key, boolean changed, SignaturePolicy own, boolean requireSignature,
                          String requiredBy, String publicKeyFrom) {
}
