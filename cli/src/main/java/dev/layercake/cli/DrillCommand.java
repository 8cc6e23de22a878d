package dev.layercake.cli;

import dev.layercake.LayercakeException;
import dev.layercake.api.result.DrillRecord;
import dev.layercake.api.request.DrillRequest;
import dev.layercake.api.request.RestoreRequest;
import dev.layercake.api.request.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code layercake drill}: re-create a release somewhere harmless, check it, record the outcome, clean up. */
@Command(name = "drill", description = "Restore drill: re-create a release in scratch places, check every part, record the outcome;"
        + " exit 0 when no check failed (outcome passed, or passed-with-unobserved: checks this cluster cannot show, named), 1 when one failed.")
final class DrillCommand extends BaseCommand {

    @Mixin
    StoreOptions store = new StoreOptions();

    @Mixin
    InsecureRegistryOptions registries = new InsecureRegistryOptions();

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Mixin
    EncryptionKeyOptions keys = new EncryptionKeyOptions();

    @Option(names = "--app", description = "Application name.")
    String app;

    @Option(names = "--release", description = "Release id.")
    String release;

    @Option(names = "--public-key", paramLabel = "PEM", description = "Public key to check the manifest's signature with.")
    String publicKey;

    @Option(names = "--signing-key", paramLabel = "PEM", description = "Private key to sign the drill record with.")
    String signingKey;

    @Option(names = "--images-to", paramLabel = "REGISTRY/PREFIX", description = "Scratch registry/prefix to push the images to and check"
            + " them there; without it every backup-registry copy is checked blob by blob.")
    String imagesTo;

    @Option(names = "--kubernetes", description = "Drill the Kubernetes objects too (implied by --namespace-mapping, --context, --kubeconfig).")
    boolean kubernetes;

    @Option(names = "--namespace-mapping", paramLabel = "OLD=NEW", description = "Scratch namespace for OLD (repeatable; default OLD-drill-<id>).")
    List<String> namespaceMapping = new ArrayList<>();

    @Option(names = "--timeout", defaultValue = "5m", description = "How long to wait for the scratch workloads. Default: ${DEFAULT-VALUE}.")
    String timeout;

    @Option(names = "--keep-scratch", description = "Leave the scratch namespaces and objects in place.")
    boolean keepScratch;

    @Option(names = "--clean", description = "Only remove what earlier drills left on the cluster.")
    boolean clean;

    @Override
    public Integer call() {
        if (!clean && (app == null || release == null)) {
            throw LayercakeException.usage("drill needs --app and --release (or --clean to remove what earlier drills left)");
        }
        DrillRequest request = new DrillRequest(store.location(), app, release,
                publicKey == null ? null : Path.of(publicKey), signingKey == null ? null : Path.of(signingKey),
                imagesTo, registries.insecureRegistries, kubernetes || clean, cluster.kubeconfig, cluster.context,
                RestoreRequest.KubernetesTarget.parseMapping(namespaceMapping), keys.encryptionKeyFile, keys.encryptionKeyEnv,
                Durations.parse("--timeout", timeout), keepScratch);
        if (clean) {
            int removed = layercake().cleanDrills(request, progress());
            if (common.json) {
                printJson(Map.of("removed", removed));
            } else {
                out().printf("removed %d object(s) left by drills%n", removed);
                out().flush();
            }
            return 0;
        }
        dev.layercake.api.result.DrillResult result = layercake().drill(request, progress());
        DrillRecord record = result.record();
        if (common.json) {
            printJson(new Json(record.outcome(), record.notObserved(), record.exitCode(), result.recordKey(),
                    result.recordDigest().toString(), result.signed(), record));
        } else {
            out().printf("drill of %s/%s: %s%s%n", record.app(), record.release(), record.outcome().toUpperCase(java.util.Locale.ROOT),
                    record.notObserved().isEmpty() ? "" : " (NOT OBSERVED, not passed: " + String.join(", ", record.notObserved()) + ")");
            for (DrillRecord.Check c : record.checks()) {
                out().printf("  %-12s %-13s %s%n", c.name(), c.status(), c.how());
            }
            for (DrillRecord.Difference d : record.differences()) {
                out().printf("  difference: %s%n", d.line());
            }
            out().printf("  record: %s (%s%s)%n", result.recordKey(), result.recordDigest(), result.signed() ? ", signed" : "");
            out().flush();
        }
        // 0 when nothing failed; passed-with-unobserved is printed as such above, in --json and in the record
        return record.exitCode();
    }

    /** The --json shape: where the record is, and the record. */
    record Json(String outcome, List<String> notObserved, int exitCode, String recordKey, String recordDigest, boolean signed,
                DrillRecord record) {
    }
}
