package dev.layercake.cli;

import dev.layercake.api.request.PruneRequest;

import dev.layercake.api.request.Durations;
import dev.layercake.api.result.PruneResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code layercake prune}: remove old release manifests by rule, never frozen ones. */
@Command(name = "prune", description = {
        "Remove release manifests of an app: all but the newest --keep N, and/or those older than --older-than."
                + " Frozen releases are never removed (they are listed as refused).",
        "Blobs stay until 'layercake gc' finds that no remaining release names them."})
final class PruneCommand extends BaseCommand {

    @Mixin
    StoreOptions store = new StoreOptions();

    @Mixin
    InsecureRegistryOptions registries = new InsecureRegistryOptions();

    @Option(names = "--app", required = true, description = "Application name.")
    String app;

    @Option(names = "--keep", paramLabel = "N", description = "Keep the newest N releases.")
    Integer keep;

    @Option(names = "--older-than", paramLabel = "AGE", description = "Only releases older than this (e.g. 30d, 12h, 2w).")
    String olderThan;

    @Option(names = "--dry-run", description = "Print what would be removed without removing anything.")
    boolean dryRun;

    @Override
    public Integer call() {
        {
            PruneResult r = layercake().prune(new PruneRequest(store.location(), app, keep, Durations.parse("--older-than", olderThan),
                    dryRun, registries.insecureRegistries), progress());
            if (common.json) {
                printJson(r);
                return 0;
            }
            String verb = dryRun ? "would prune" : "pruned";
            out().printf("%s %d release(s) of %s, kept %d%n", verb, r.pruned().size(), app, r.kept().size());
            r.pruned().forEach(id -> out().printf("  %-8s %s%n", dryRun ? "would" : "pruned", id));
            r.refusedFrozen().forEach(id -> out().printf("  %-8s %s (frozen releases are never pruned)%n", "refused", id));
            out().flush();
            return 0;
        }
    }
}
