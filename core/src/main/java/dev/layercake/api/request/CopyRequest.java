package dev.layercake.api.request;

import dev.layercake.api.request.StoreLocation;

import java.util.List;

/**
 * Copy {@code releases} of {@code app} (all of them when empty) from one store to another; {@code oci://} stores
 * on a registry of {@code insecureRegistries} are spoken to over plain HTTP.
 */
public record CopyRequest(StoreLocation from, StoreLocation to, String app, List<String> releases, List<String> insecureRegistries) {

    public CopyRequest {
        releases = releases == null ? List.of() : List.copyOf(releases);
        insecureRegistries = insecureRegistries == null ? List.of() : List.copyOf(insecureRegistries);
    }

    public CopyRequest(StoreLocation from, StoreLocation to, String app, List<String> releases) {
        this(from, to, app, releases, List.of());
    }
}
