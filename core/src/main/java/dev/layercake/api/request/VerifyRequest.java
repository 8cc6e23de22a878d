package dev.layercake.api.request;

import dev.layercake.model.Digest;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One verification of a stored release. {@code publicKey}: PEM file to check the manifest signature with (the
 * store's policy key otherwise); {@code requireSignature}: an unsigned or unchecked manifest fails;
 * {@code expectDigest}: the manifest digest the pipeline recorded at backup time (another digest fails).
 */
public record VerifyRequest(StoreLocation store, String app, String release, Path publicKey, boolean requireSignature,
                            Digest expectDigest, List<String> insecureRegistries) {

    public VerifyRequest {
        Objects.requireNonNull(store, "store");
        insecureRegistries = insecureRegistries == null ? List.of() : List.copyOf(insecureRegistries);
    }
}
