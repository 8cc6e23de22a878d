package dev.layercake.api.request;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** Removing old releases of one app: keep the newest {@code keep} (null: no count rule), only those older than {@code olderThan}. */
public record PruneRequest(StoreLocation store, String app, Integer keep, Duration olderThan, boolean dryRun,
                           List<String> insecureRegistries) {

    public PruneRequest {
        Objects.requireNonNull(store, "store");
        insecureRegistries = insecureRegistries == null ? List.of() : List.copyOf(insecureRegistries);
    }
}
