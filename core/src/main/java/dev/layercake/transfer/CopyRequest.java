package dev.layercake.transfer;

import dev.layercake.store.StoreLocation;

import java.util.List;

/** Copy {@code releases} of {@code app} (all of them when empty) from one store to another. */
public record CopyRequest(StoreLocation from, StoreLocation to, String app, List<String> releases) {

    public CopyRequest {
        releases = releases == null ? List.of() : List.copyOf(releases);
    }
}
