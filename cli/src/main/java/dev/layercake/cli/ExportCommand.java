package dev.layercake.cli;

import dev.layercake.api.request.ExportRequest;
import dev.layercake.api.result.ExportResult;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code layercake export}: one release as one tar, to carry across an air gap. */
@Command(name = "export", description = {
        "Write one release to a tar: an OCI image layout holding every blob it names and an artifact manifest of them,"
                + " plus the release manifest byte for byte, its signature and drill records. Take it to the other site"
                + " and run 'layercake import'."})
final class ExportCommand extends BaseCommand {

    @Mixin
    StoreOptions store = new StoreOptions();

    @Mixin
    InsecureRegistryOptions registries = new InsecureRegistryOptions();

    @Option(names = "--app", required = true, description = "Application name.")
    String app;

    @Option(names = "--release", required = true, description = "Release id.")
    String release;

    @Option(names = {"--output", "-o"}, required = true, paramLabel = "FILE.tar", description = "The tar to write (replaced only once complete).")
    String output;

    @Override
    public Integer call() {
        {
            ExportResult e = layercake().export(new ExportRequest(store.location(), app, release, Path.of(output), registries.insecureRegistries),
                    progress());
            if (common.json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("app", e.app());
                doc.put("release", e.release());
                doc.put("manifestDigest", e.manifestDigest());
                doc.put("tar", e.tar().toAbsolutePath().toString());
                doc.put("blobs", e.blobs());
                doc.put("bytes", e.bytes());
                printJson(doc);
                return 0;
            }
            out().printf("exported %s/%s (manifest %s, %d blob(s), %s) to %s%n", e.app(), e.release(), e.manifestDigest(), e.blobs(),
                    humanBytes(e.bytes()), e.tar().toAbsolutePath());
            out().flush();
            return 0;
        }
    }
}
