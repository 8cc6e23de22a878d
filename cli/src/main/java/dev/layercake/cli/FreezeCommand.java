package dev.layercake.cli;

import dev.layercake.freeze.FreezeResult;
import dev.layercake.freeze.ReleaseFreezer;
import dev.layercake.store.ReleaseStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code layercake freeze}: make a release unchangeable (S3 Object Lock, or read-only files). */
@Command(name = "freeze", description = {
        "Freeze a release: S3 Object Lock (retention and/or legal hold) on its manifest and every object it names,"
                + " or read-only files in a folder store. Frozen releases are never pruned.",
        "S3 needs a bucket created with Object Lock; without it the command says so and changes nothing."})
final class FreezeCommand extends BaseCommand {

    @Mixin
    StoreOptions store = new StoreOptions();

    @Option(names = "--app", required = true, description = "Application name.")
    String app;

    @Option(names = "--release", required = true, description = "Release id.")
    String release;

    @Option(names = "--retain-until", paramLabel = "DATE", description = "Keep until this date (YYYY-MM-DD or ISO instant); S3 COMPLIANCE retention.")
    String retainUntil;

    @Option(names = "--legal-hold", description = "Apply an S3 legal hold (no end date; lifted only by someone allowed to).")
    boolean legalHold;

    @Override
    public Integer call() {
        try (ReleaseStore releases = ReleaseStore.open(store.location())) {
            FreezeResult r = ReleaseFreezer.freeze(releases, app, release, ReleaseFreezer.parseRetainUntil(retainUntil),
                    legalHold, progress());
            if (common.json) {
                printJson(r);
                return 0;
            }
            out().printf("release %s/%s %sfrozen (%s%s%s): %d object(s), manifest %s%n", app, release,
                    r.alreadyFrozen() ? "already " : "", r.method(),
                    r.retainUntil() == null ? "" : ", retained until " + r.retainUntil(), r.legalHold() ? ", legal hold" : "",
                    r.objectsFrozen(), r.manifestDigest());
            out().flush();
            return 0;
        }
    }
}
