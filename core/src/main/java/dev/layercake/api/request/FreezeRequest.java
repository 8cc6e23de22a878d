package dev.layercake.api.request;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** Freezing one release: retained until a date or under legal hold; {@code tagImages} also tags its registry copies. */
public record FreezeRequest(StoreLocation store, String app, String release, Instant retainUntil, boolean legalHold,
                            boolean tagImages, List<String> insecureRegistries) {

    public FreezeRequest {
        Objects.requireNonNull(store, "store");
        insecureRegistries = insecureRegistries == null ? List.of() : List.copyOf(insecureRegistries);
    }
}
