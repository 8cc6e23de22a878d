package dev.layercake.cli;

import dev.layercake.api.request.VerifyRequest;

import dev.layercake.LayercakeException;
import dev.layercake.model.Digest;
import dev.layercake.api.result.VerifyReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** {@code layercake verify}: re-hash everything a release names. */
@Command(name = "verify", description = "Re-read and re-hash every object a release names; exit 1 if any is missing or corrupt.")
final class VerifyCommand extends BaseCommand {

    @Mixin
    StoreOptions store = new StoreOptions();

    @Mixin
    InsecureRegistryOptions registries = new InsecureRegistryOptions();

    @Option(names = "--app", required = true, description = "Application name.")
    String app;

    @Option(names = "--release", required = true, description = "Release id.")
    String release;

    @Option(names = "--public-key", paramLabel = "PEM", description = "Public key to check the manifest's signature with.")
    String publicKey;

    @Option(names = "--require-signature", description = "Fail an unsigned manifest, or one whose signature does not check with --public-key.")
    boolean requireSignature;

    @Option(names = "--expect-digest", paramLabel = "sha256:HEX", description = "The manifest digest the pipeline recorded at backup time; another digest fails.")
    String expectDigest;

    @Override
    public Integer call() {
        Digest expected = null;
        if (expectDigest != null) {
            try {
                expected = Digest.parse(expectDigest);
            } catch (RuntimeException e) {
                throw LayercakeException.usage("--expect-digest '" + expectDigest + "' is not a digest: give sha256:<64 hex>"
                        + " as the backup printed it (manifestDigest)");
            }
        }
        {
            VerifyReport report = layercake().verify(new VerifyRequest(store.location(), app, release,
                    publicKey == null ? null : java.nio.file.Path.of(publicKey), requireSignature, expected, registries.insecureRegistries), progress());
            if (common.json) {
                printJson(new Json(report.app(), report.release(), report.manifestDigest().toString(), report.ok(),
                        report.objectsChecked(), report.bytesChecked(), report.problems(), report.complete(),
                        report.incomplete(), report.signature(), report.signature().equals(VerifyReport.SIGNATURE_VERIFIED)));
                return report.ok() ? 0 : 1;
            }
            if (report.ok()) {
                out().printf("release %s/%s verified: %d object(s), %s, manifest %s%n", app, release,
                        report.objectsChecked(), humanBytes(report.bytesChecked()), report.manifestDigest());
            } else {
                out().printf("release %s/%s FAILED verification: %d problem(s) in %d object(s)%n", app, release,
                        report.problems().size(), report.objectsChecked());
                for (VerifyReport.Problem p : report.problems()) {
                    out().printf("  %-8s %s  %s (%s)%n", p.problem(), p.digest(), p.object(), p.detail());
                }
            }
            if (report.signature().equals(VerifyReport.SIGNATURE_NOT_CHECKED)) {
                out().println("  manifest not signature-checked (no --public-key): an edited manifest would verify clean");
            } else if (report.signature().equals(VerifyReport.SIGNATURE_VERIFIED)) {
                out().println("  manifest signature verified");
            }
            IncompleteOutput.print(out(), report.incomplete());
            out().flush();
            return report.ok() ? 0 : 1;
        }
    }

    /** The --json shape. */
    record Json(String app, String release, String manifestDigest, boolean ok, int objectsChecked, long bytesChecked,
                List<VerifyReport.Problem> problems, boolean complete, List<dev.layercake.model.IncompleteEntry> incomplete,
                String signature, boolean signatureChecked) {
    }
}
