package dev.layercake.api.request;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** One release written as a single OCI-layout tar ({@code output}) that any OCI tool can read. */
public record ExportRequest(StoreLocation store, String app, String release, Path output, List<String> insecureRegistries) {

    public ExportRequest {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(output, "output");
        insecureRegistries = insecureRegistries == null ? List.of() : List.copyOf(insecureRegistries);
    }
}
