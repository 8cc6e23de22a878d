package dev.layercake.cli;

import dev.layercake.model.IncompleteEntry;

import dev.layercake.api.request.RestoreRequest;
import dev.layercake.api.result.RestoreResult;
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

    @Mixin
    InsecureRegistryOptions registries = new InsecureRegistryOptions();

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Mixin
    EncryptionKeyOptions keys = new EncryptionKeyOptions();

    @Option(names = "--app", required = true, description = "Application name.")
    String app;

    @Option(names = "--release", required = true, description = "Release id.")
    String release;

    @Option(names = "--sources-to", paramLabel = "DIR", description = "Write the captured files here, byte-identical to the commit.")
    String sourcesTo;

    @Option(names = "--images-to", paramLabel = "REGISTRY/PREFIX", description = "Push the release's images here with identical digests.")
    String imagesTo;

    @Option(names = "--kubernetes", description = "Restore the Kubernetes objects (implied by --namespace-mapping, --context, --kubeconfig).")
    boolean kubernetes;

    @Option(names = "--namespace-mapping", paramLabel = "OLD=NEW", description = "Restore namespace OLD as NEW (repeatable).")
    List<String> namespaceMapping = new ArrayList<>();

    @Option(names = "--existing", defaultValue = "skip", description = "Objects that exist: skip (default), update or fail.")
    String existing;

    @Option(names = "--pin-images", description = "Rewrite workload images to the release's digests.")
    boolean pinImages;

    @Option(names = "--images-from", paramLabel = "REGISTRY/PREFIX", description = "Point workloads at the images in this backup registry.")
    String imagesFrom;

    @Option(names = "--pipeline-to", paramLabel = "DIR", description = "Write the release's pipeline section (config.xml,"
            + " PipelineRun, --pipeline-file files) into this folder; existing files are never overwritten.")
    String pipelineTo;

    @Option(names = "--dry-run", description = "Print the plan; change nothing.")
    boolean dryRun;

    @Option(names = "--public-key", paramLabel = "PEM", description = "Public key to check the manifest's signature with before restoring.")
    String publicKey;

    @Option(names = "--require-signature", description = "Refuse an unsigned manifest, or one whose signature does not check.")
    boolean requireSignature;

    @Override
    public Integer call() {
        dev.layercake.api.result.PipelineFilesWritten pipeline = null;
        if (pipelineTo != null) {
            pipeline = layercake().restorePipeline(store.location(), app, release, java.nio.file.Path.of(pipelineTo), dryRun);
            if (sourcesTo == null && imagesTo == null && !RestoreRequest.KubernetesTarget.wanted(kubernetes, namespaceMapping, cluster.kubeconfig, cluster.context)) {
                if (common.json) {
                    com.fasterxml.jackson.databind.node.ObjectNode o = dev.layercake.model.Json.mapper().createObjectNode()
                            .put("app", app).put("release", release).put("dryRun", dryRun);
                    o.set("pipeline", dev.layercake.model.Json.mapper().valueToTree(pipelineJson(pipeline)));
                    printJson(o);
                } else {
                    printPipeline(pipeline);
                    out().flush();
                }
                return 0;
            }
        }
        boolean toCluster = RestoreRequest.KubernetesTarget.wanted(kubernetes, namespaceMapping, cluster.kubeconfig, cluster.context);
        RestoreRequest.KubernetesTarget target = new RestoreRequest.KubernetesTarget(toCluster, cluster.kubeconfig, cluster.context,
                RestoreRequest.KubernetesTarget.parseMapping(namespaceMapping), existing, pinImages, imagesFrom,
                keys.encryptionKeyFile, keys.encryptionKeyEnv);
        RestoreRequest request = new RestoreRequest(store.location(), app, release, sourcesTo, imagesTo, registries.insecureRegistries,
                target, dryRun, publicKey, requireSignature);
        RestoreResult result = layercake().restore(request, progress());
        if (common.json) {
            if (pipeline == null) {
                printJson(result);
            } else {
                com.fasterxml.jackson.databind.node.ObjectNode o = dev.layercake.model.Json.mapper().valueToTree(result);
                o.set("pipeline", dev.layercake.model.Json.mapper().valueToTree(pipelineJson(pipeline)));
                printJson(o);
            }
        } else {
            if (pipeline != null) {
                printPipeline(pipeline);
            }
            out().printf("release %s/%s (%s)%s%n", result.app(), result.release(), result.manifestDigest(), dryRun ? " — dry run" : "");
            if (!result.complete()) {
                out().printf("WARNING: %s release restored: the parts below were never captured, so they are NOT restored;"
                        + " provide them before relying on the app%n", IncompleteEntry.WORD);
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

    private static java.util.Map<String, Object> pipelineJson(dev.layercake.api.result.PipelineFilesWritten r) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("directory", r.directory().toString());
        m.put("written", r.written());
        m.put("unchanged", r.unchanged());
        return m;
    }

    private void printPipeline(dev.layercake.api.result.PipelineFilesWritten r) {
        out().printf("  pipeline: %d file(s) %s %s%s%n", r.written().size(), dryRun ? "would be written to" : "written to",
                r.directory(), r.unchanged().isEmpty() ? "" : ", " + r.unchanged().size() + " already identical");
        r.written().forEach(n -> out().printf("    %s%n", n));
    }
}
