package dev.layercake.cli;

import dev.layercake.api.result.ReleaseEntry;
import dev.layercake.model.IncompleteEntry;

import dev.layercake.model.Digest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code layercake list}: the releases in a store. */
@Command(name = "list", description = "List the apps and releases in a store, oldest first.")
final class ListCommand extends BaseCommand {

    @Mixin
    StoreOptions store = new StoreOptions();

    @Mixin
    InsecureRegistryOptions registries = new InsecureRegistryOptions();

    @Option(names = "--app", description = "Only this application's releases.")
    String app;

    @Override
    public Integer call() {
        {
            List<ReleaseEntry> rows = layercake().list(store.location(), app, registries.insecureRegistries);
            if (common.json) {
                printJson(rows);
                return 0;
            }
            if (rows.isEmpty()) {
                out().println("no releases in " + store.location().uri() + (app == null ? "" : " for app " + app));
            } else {
                out().printf("%-20s %-32s %-22s %-14s %s%n", "APP", "RELEASE", "CREATED", "MANIFEST", "FILES/IMAGES/OBJECTS");
                for (ReleaseEntry row : rows) {
                    int missing = row.incomplete().size();
                    out().printf("%-20s %-32s %-22s %-14s %s/%s/%s%s%s%n", row.app(), row.release(), row.createdAt(),
                            Digest.parse(row.manifestDigest()).shortHex(), row.files(), row.images(),
                            row.kubernetesObjects(), missing == 0 ? ""
                                    : "  " + IncompleteEntry.WORD + " (" + missing + " part(s) not captured; see show)",
                            row.latestDrill() == null ? "" : "  drill " + row.latestDrill().outcome());
                }
            }
            out().flush();
            return 0;
        }
    }
}
