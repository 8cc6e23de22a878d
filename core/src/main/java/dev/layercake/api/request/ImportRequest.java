package dev.layercake.api.request;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** A tar written by export, brought into a store (verified blob by blob, manifest last). */
public record ImportRequest(StoreLocation store, Path tar, List<String> insecureRegistries) {

    public ImportRequest {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(tar, "tar");
        insecureRegistries = insecureRegistries == null ? List.of() : List.copyOf(insecureRegistries);
    }
}
