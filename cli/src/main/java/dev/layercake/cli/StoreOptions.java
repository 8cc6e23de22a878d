package dev.layercake.cli;

import dev.layercake.api.request.StoreLocation;
import picocli.CommandLine.Option;

/** Where the release store is. S3 credentials come from the standard AWS chain, never from a flag. */
final class StoreOptions {

    @Option(names = "--store", required = true, paramLabel = "STORE",
            description = "Release store: a folder, file:///folder, s3://bucket/prefix or oci://registry/repository.")
    String store;

    @Option(names = "--s3-endpoint", paramLabel = "URL", description = "S3 endpoint for S3-compatible stores.")
    String s3Endpoint;

    @Option(names = "--s3-region", paramLabel = "REGION", description = "S3 region.")
    String s3Region;

    @Option(names = "--s3-path-style", description = "Path-style S3 requests (most S3-compatible stores).")
    boolean s3PathStyle;

    StoreLocation location() {
        return StoreLocation.parse(store, s3Endpoint, s3Region, s3PathStyle);
    }
}
