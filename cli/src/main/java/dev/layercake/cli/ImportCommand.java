package dev.layercake.cli;

import dev.layercake.api.request.ImportRequest;

import dev.layercake.api.result.CopyResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code layercake import}: a tar written by export into a store. */
@Command(name = "import", description = {
        "Import a release tar written by 'layercake export' into a store. The whole tar is read and checked first"
                + " (regular files of the expected names only, no '..', links or duplicate names, no truncated member,"
                + " every blob against its digest, every blob the manifest names present); only then are blobs written,"
                + " the manifest last. A refused tar leaves the store unchanged."})
final class ImportCommand extends BaseCommand {

    @Parameters(index = "0", paramLabel = "RELEASE.tar", description = "The tar written by 'layercake export'.")
    String tar;

    @Mixin
    StoreOptions store = new StoreOptions();

    @Mixin
    InsecureRegistryOptions registries = new InsecureRegistryOptions();

    @Override
    public Integer call() {
        {
            CopyResult r = layercake().importRelease(new ImportRequest(store.location(), Path.of(tar), registries.insecureRegistries), progress());
            if (common.json) {
                printJson(r);
                return 0;
            }
            for (CopyResult.Copied c : r.releases()) {
                out().printf("%s/%s %s into %s: manifest %s, %d blob(s) written (%s), %d already there%n", c.app(), c.release(),
                        c.status().equals("copied") ? "imported" : "already present", r.to(), c.manifestDigest(), c.blobsWritten(),
                        humanBytes(c.bytesWritten()), c.blobsSkipped());
            }
            out().flush();
            return 0;
        }
    }
}
