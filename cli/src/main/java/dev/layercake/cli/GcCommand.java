package dev.layercake.cli;

import dev.layercake.api.request.GcRequest;

import dev.layercake.api.request.Durations;
import dev.layercake.api.result.GcResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code layercake gc}: delete blobs no remaining release names. */
@Command(name = "gc", description = {
        "Garbage-collect the store: delete blobs that no remaining release names and that are older than --grace.",
        "Safe while backups run: a running backup holds a lease and gc then collects nothing (run it again later);"
                + " a backup that starts during gc waits for it."})
final class GcCommand extends BaseCommand {

    @Mixin
    StoreOptions store = new StoreOptions();

    @Option(names = "--grace", paramLabel = "AGE", defaultValue = "24h",
            description = "Never collect blobs younger than this (default ${DEFAULT-VALUE}).")
    String grace;

    @Option(names = "--dry-run", description = "Print what would be deleted without deleting anything.")
    boolean dryRun;

    @Override
    public Integer call() {
        {
            GcResult r = layercake().gc(new GcRequest(store.location(), Durations.parse("--grace", grace), dryRun), progress());
            if (common.json) {
                printJson(r);
                return 0;
            }
            if (r.deferred()) {
                out().printf("nothing collected: a backup or another gc is running (%s); run gc again later%n",
                        String.join(", ", r.inFlight()));
            } else {
                out().printf("%s %d blob(s), %s; %d named by %d release(s) kept, %d younger than %s kept%n",
                        dryRun ? "would collect" : "collected", r.blobsCollected(), humanBytes(r.bytesCollected()),
                        r.blobsReferenced(), r.releases(), r.blobsTooYoung(), grace);
                if (r.abandonedWritesRemoved() > 0) {
                    out().printf("%s %d unfinished write(s) left by killed processes%n", dryRun ? "would remove" : "removed",
                            r.abandonedWritesRemoved());
                }
            }
            out().flush();
            return 0;
        }
    }
}
