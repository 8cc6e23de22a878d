package dev.layercake.api.request;

import java.time.Duration;
import java.util.Objects;

/** Collecting blobs no release names; never those younger than {@code grace} (null: the default 24 h). */
public record GcRequest(StoreLocation store, Duration grace, boolean dryRun) {

    public GcRequest {
        Objects.requireNonNull(store, "store");
    }
}
