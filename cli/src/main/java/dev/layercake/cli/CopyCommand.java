package dev.layercake.cli;

import dev.layercake.api.request.StoreLocation;
import dev.layercake.api.request.CopyRequest;
import dev.layercake.api.result.CopyResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** {@code layercake copy}: releases from one store to another, bytes unchanged. */
@Command(name = "copy", description = {
        "Copy releases of an app from one store to another (folder, s3://, oci://): every blob the release names"
                + " unless the destination has it, then its signature and drill records, the manifest last and unchanged,"
                + " so its digest and signature still verify there.",
        "A release already at the destination with the same manifest is left as it is (only what it lacks is added);"
                + " with other content the copy is refused before anything is written."})
final class CopyCommand extends BaseCommand {

    @Mixin
    InsecureRegistryOptions registries = new InsecureRegistryOptions();

    @Option(names = "--from", required = true, paramLabel = "STORE", description = "Store to copy from: a folder, file:///folder, s3://bucket/prefix or oci://registry/repository.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "STORE", description = "Store to copy to (same forms as --from).")
    String to;

    @Option(names = "--app", required = true, description = "Application name.")
    String app;

    @Option(names = "--release", paramLabel = "RELEASE", description = "Release id to copy (repeatable; default: every release of the app).")
    List<String> releases = new ArrayList<>();

    @Option(names = "--s3-endpoint", paramLabel = "URL", description = "S3 endpoint for an S3-compatible --from or --to.")
    String s3Endpoint;

    @Option(names = "--s3-region", paramLabel = "REGION", description = "S3 region.")
    String s3Region;

    @Option(names = "--s3-path-style", description = "Path-style S3 requests (most S3-compatible stores).")
    boolean s3PathStyle;

    @Override
    public Integer call() {
        StoreLocation source = StoreLocation.parse(from, s3Endpoint, s3Region, s3PathStyle);
        StoreLocation target = StoreLocation.parse(to, s3Endpoint, s3Region, s3PathStyle);
        CopyResult r = layercake().copy(new CopyRequest(source, target, app, releases, registries.insecureRegistries), progress());
        if (common.json) {
            printJson(r);
            return 0;
        }
        for (CopyResult.Copied c : r.releases()) {
            out().printf("%s/%s %s -> %s: %s, manifest %s, %d blob(s) written (%s), %d already there%s%n", c.app(), c.release(),
                    r.from(), r.to(), c.status(), c.manifestDigest(), c.blobsWritten(), humanBytes(c.bytesWritten()), c.blobsSkipped(),
                    c.extras().isEmpty() ? "" : "; with " + String.join(", ", c.extras()));
        }
        out().flush();
        return 0;
    }
}
