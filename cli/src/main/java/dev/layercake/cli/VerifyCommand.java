package dev.layercake.cli;

import dev.layercake.store.ReleaseStore;
import dev.layercake.verify.ReleaseVerifier;
import dev.layercake.verify.VerifyReport;
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

    @Option(names = "--app", required = true, description = "Application name.")
    String app;

    @Option(names = "--release", required = true, description = "Release id.")
    String release;

    @Option(names = "--insecure-registry", paramLabel = "HOST:PORT", description = "Registry reached over plain HTTP (repeatable).")
    List<String> insecureRegistries = new ArrayList<>();

    @Option(names = "--public-key", paramLabel = "PEM", description = "Public key to check the manifest's signature with.")
    String publicKey;

    @Override
    public Integer call() {
        try (ReleaseStore releases = ReleaseStore.open(store.location(), System.getenv())) {
            VerifyReport report = new ReleaseVerifier(releases, progress())
                    .checkingRegistryCopies(System.getenv(), insecureRegistries)
                    .verify(app, release, publicKey == null ? null : java.nio.file.Path.of(publicKey));
            if (common.json) {
                printJson(new Json(report.app(), report.release(), report.manifestDigest().toString(), report.ok(),
                        report.objectsChecked(), report.bytesChecked(), report.problems()));
            } else if (report.ok()) {
                out().printf("release %s/%s verified: %d object(s), %s, manifest %s%n", app, release,
                        report.objectsChecked(), humanBytes(report.bytesChecked()), report.manifestDigest());
            } else {
                out().printf("release %s/%s FAILED verification: %d problem(s) in %d object(s)%n", app, release,
                        report.problems().size(), report.objectsChecked());
                for (VerifyReport.Problem p : report.problems()) {
                    out().printf("  %-8s %s  %s (%s)%n", p.problem(), p.digest(), p.object(), p.detail());
                }
            }
            out().flush();
            return report.ok() ? 0 : 1;
        }
    }

    /** The --json shape. */
    record Json(String app, String release, String manifestDigest, boolean ok, int objectsChecked, long bytesChecked,
                List<VerifyReport.Problem> problems) {
    }
}
