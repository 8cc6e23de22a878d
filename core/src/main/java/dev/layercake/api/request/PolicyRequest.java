package dev.layercake.api.request;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Reading, or setting, the signature policy of a store ({@code app} null) or of one app. Setting happens when
 * {@code requireSignature} or {@code replace} is given; {@code publicKey} is stored in the policy.
 */
public record PolicyRequest(StoreLocation store, String app, boolean requireSignature, Path publicKey, boolean replace) {

    public PolicyRequest {
        Objects.requireNonNull(store, "store");
    }

    public boolean sets() {
        return requireSignature || replace;
    }
}
