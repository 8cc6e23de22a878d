package dev.layercake.cli;

import dev.layercake.restore.RestoreEngine;
import dev.layercake.options.RestoreRequest;
import dev.layercake.restore.RestoreResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** {@code layercake restore}: sources to a folder, images to a registry, objects to a cluster. */
@Command(name = "restore", description = "Restore a release: --sources-to DIR, --images-to REGISTRY/PREFIX and/or its Kubernetes objects.")
final class RestoreCommand extends BaseCommand {

    @Mixin
    StoreOptions store = new StoreOptions();

    @Option(names = "--app", required = true, description = "Application name.")
    String app;

    @Option(names = "--release", required = true, description = "Release id.")
    String release;

    @Option(names = "--sources-to", paramLabel = "DIR", description = "Write the captured files here, byte-identical to the commit.")
    String sourcesTo;

    @Option(names = "--images-to", paramLabel = "REGISTRY/PREFIX", description = "Push the release's images here with identical digests.")
    String imagesTo;

    @Option(names = "--insecure-registry", paramLabel = "HOST:PORT", description = "Registry reached over plain HTTP (repeatable).")
    List<String> insecureRegistries = new ArrayList<>();

    @Option(names = "--kubernetes", description = "Restore the Kubernetes objects (implied by --namespace-mapping, --context, --kubeconfig).")
    boolean kubernetes;

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "Kubeconfig of the target cluster.")
    String kubeconfig;

    @Option(names = "--context", description = "Kubeconfig context of the target cluster.")
    String context;

    @Option(names = "--namespace-mapping", paramLabel = "OLD=NEW", description = "Restore namespace OLD as NEW (repeatable).")
    List<String> namespaceMapping = new ArrayList<>();

    @Option(names = "--existing", defaultValue = "skip", description = "Objects that exist: skip (default), update or fail.")
    String existing;

    @Option(names = "--pin-images", description = "Rewrite workload images to the release's digests.")
    boolean pinImages;

    @Option(names = "--images-from", paramLabel = "REGISTRY/PREFIX", description = "Point workloads at the images in this backup registry.")
    String imagesFrom;

    @Option(names = "--encryption-key-file", paramLabel = "FILE", description = "AES-256 key to decrypt Secrets.")
    String encryptionKeyFile;

    @Option(names = "--encryption-key-env", paramLabel = "VAR", defaultValue = "LAYERCAKE_ENCRYPTION_KEY",
            description = "Environment variable with the base64 key. Default: ${DEFAULT-VALUE}.")
    String encryptionKeyEnv;

    @Option(names = "--dry-run", description = "Print the plan; change nothing.")
    boolean dryRun;

    @Option(names = "--public-key", paramLabel = "PEM", description = "Public key to check the manifest's signature with before restoring.")
    String publicKey;

    @Option(names = "--require-signature", description = "Refuse an unsigned manifest, or one whose signature does not check.")
    boolean requireSignature;

    @Override
    public Integer call() {
        boolean toCluster = kubernetes || !namespaceMapping.isEmpty() || context != null || kubeconfig != null;
        RestoreRequest.KubernetesTarget target = new RestoreRequest.KubernetesTarget(toCluster, kubeconfig, context,
                RestoreRequest.KubernetesTarget.parseMapping(namespaceMapping), existing, pinImages, imagesFrom,
                encryptionKeyFile, encryptionKeyEnv);
        RestoreRequest request = new RestoreRequest(store.location(), app, release, sourcesTo, imagesTo, insecureRegistries,
                target, dryRun, publicKey, requireSignature);
        RestoreResult result = new RestoreEngine().restore(request, progress());
        if (common.json) {
            printJson(result);
        } else {
            out().printf("release %s/%s (%s)%s%n", result.app(), result.release(), result.manifestDigest(), dryRun ? " — dry run" : "");
            if (!result.complete()) {
                out().printf("WARNING: %s release restored: the parts below were never captured, so they are NOT restored;"
                        + " provide them before relying on the app%n", dev.layercake.backup.IncompletePolicy.WORD);
                IncompleteOutput.print(out(), result.incomplete());
            }
            if (result.signature().equals("not-checked")) {
                out().println("  manifest not signature-checked (no --public-key, no store policy): an edited manifest would restore");
            } else {
                out().println("  manifest signature " + result.signature());
            }
            if (result.sourcesTo() != null) {
                out().printf("  sources: %d file(s) %s %s%s%n", result.filesWritten(), dryRun ? "would be written to" : "written to",
                        result.sourcesTo(), result.filesUnchanged() > 0 ? ", " + result.filesUnchanged() + " already identical" : "");
            }
            if (result.kubernetes() != null) {
                result.kubernetes().lines().forEach(line -> out().println("  " + line));
            }
            for (String image : result.imagesPushed()) {
                out().printf("  image: %s%n", image);
            }
            out().flush();
        }
        return 0;
    }
}
