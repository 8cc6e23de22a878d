package dev.layercake.cli;

import dev.layercake.model.Digest;
import dev.layercake.model.Json;
import dev.layercake.model.Manifest;
import dev.layercake.store.ReleaseStore;
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

    @Option(names = "--app", description = "Only this application's releases.")
    String app;

    @Option(names = "--insecure-registry", paramLabel = "HOST:PORT", description = "Registry of an oci:// store reached over plain HTTP (repeatable).")
    List<String> insecureRegistries = new ArrayList<>();

    @Override
    public Integer call() {
        try (ReleaseStore releases = ReleaseStore.open(store.location(), System.getenv(), insecureRegistries)) {
            List<String> apps = app != null ? List.of(app) : releases.listApps();
            List<Map<String, Object>> rows = new ArrayList<>();
            for (String a : apps) {
                for (String r : releases.listReleases(a)) {
                    byte[] bytes = releases.readManifestBytes(a, r);
                    Manifest m = Json.read(bytes, Manifest.class, "manifest of " + a + "/" + r);
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("app", a);
                    row.put("release", r);
                    row.put("createdAt", m.createdAt());
                    row.put("manifestDigest", Digest.of(bytes).toString());
                    row.put("commit", m.source() == null ? null : m.source().commit());
                    row.put("build", m.build());
                    row.put("files", m.source() == null ? 0 : m.source().files().size());
                    row.put("images", m.images().size());
                    row.put("kubernetesObjects", m.kubernetes().resources().size());
                    row.put("complete", m.complete());
                    row.put("incomplete", m.incomplete());
                    row.put("latestDrill", dev.layercake.drill.DrillRecords.latestSummary(releases, a, r).orElse(null));
                    rows.add(row);
                }
            }
            if (common.json) {
                printJson(rows);
                return 0;
            }
            if (rows.isEmpty()) {
                out().println("no releases in " + store.location().uri() + (app == null ? "" : " for app " + app));
            } else {
                out().printf("%-20s %-32s %-22s %-14s %s%n", "APP", "RELEASE", "CREATED", "MANIFEST", "FILES/IMAGES/OBJECTS");
                for (Map<String, Object> row : rows) {
                    int missing = ((List<?>) row.get("incomplete")).size();
                    Object drill = row.get("latestDrill");
                    out().printf("%-20s %-32s %-22s %-14s %s/%s/%s%s%s%n", row.get("app"), row.get("release"), row.get("createdAt"),
                            Digest.parse((String) row.get("manifestDigest")).shortHex(), row.get("files"), row.get("images"),
                            row.get("kubernetesObjects"), missing == 0 ? ""
                                    : "  " + dev.layercake.backup.IncompletePolicy.WORD + " (" + missing + " part(s) not captured; see show)",
                            drill == null ? "" : "  drill " + ((dev.layercake.drill.DrillRecords.Latest) drill).outcome());
                }
            }
            out().flush();
            return 0;
        }
    }
}
