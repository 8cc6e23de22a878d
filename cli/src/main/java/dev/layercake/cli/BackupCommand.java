package dev.layercake.cli;

import dev.layercake.api.request.BackupRequest;
import dev.layercake.api.result.BackupResult;
import dev.layercake.api.request.FreezeOptions;
import dev.layercake.api.request.ImageOptions;
import dev.layercake.api.request.KubernetesOptions;
import dev.layercake.api.request.SourceOptions;
import dev.layercake.model.BuildInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** {@code layercake backup}: record one release. */
@Command(name = "backup", description = "Back up a release: sources from git, images, Kubernetes objects; the manifest last.")
final class BackupCommand extends BaseCommand {

    @Mixin
    StoreOptions store = new StoreOptions();

    @Mixin
    InsecureRegistryOptions registries = new InsecureRegistryOptions();

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Mixin
    EncryptionKeyOptions keys = new EncryptionKeyOptions();

    @Option(names = "--app", required = true, description = "Application name; releases are grouped by it.")
    String app;

    @Option(names = "--release", description = "Release id (default: job-number from CI, else UTC time + short commit).")
    String release;

    @Option(names = "--source", defaultValue = ".", description = "Git checkout folder (or a folder inside one) or remote URL. Default: ${DEFAULT-VALUE}.")
    String source;

    @Option(names = "--ref", description = "Commit, branch or tag to capture (default HEAD).")
    String ref;

    @Option(names = "--include", paramLabel = "GLOB", description = "Also capture files matching this glob (repeatable).")
    List<String> include = new ArrayList<>();

    @Option(names = "--exclude", paramLabel = "GLOB", description = "Do not capture files matching this glob (repeatable).")
    List<String> exclude = new ArrayList<>();

    @Option(names = "--git-bundle", description = "Also store the whole commit as a git bundle.")
    boolean gitBundle;

    @Option(names = "--build-system", description = "CI system: jenkins, tekton or cli (default: detected).")
    String buildSystem;

    @Option(names = "--build-job", description = "Build job (default: from the CI environment).")
    String buildJob;

    @Option(names = "--build-number", description = "Build number (default: from the CI environment).")
    String buildNumber;

    @Option(names = "--build-url", description = "Build URL (default: from the CI environment).")
    String buildUrl;

    @Option(names = "--triggered-by", description = "Who or what started the build.")
    String triggeredBy;

    @Option(names = "--image", paramLabel = "REF", description = "Image to pin and copy (repeatable).")
    List<String> images = new ArrayList<>();

    @Option(names = {"--image-mode", "--images"}, paramLabel = "MODE", defaultValue = "copy",
            description = "copy (default), digest-only or none.")
    String imageMode;

    @Option(names = "--image-target", paramLabel = "REGISTRY/PREFIX", description = "Also copy images to this backup registry.")
    String imageTarget;

    @Option(names = "--namespace", paramLabel = "NS", description = "Namespace of the application (repeatable); enables Kubernetes capture.")
    List<String> namespaces = new ArrayList<>();

    @Option(names = "--selector", paramLabel = "SELECTOR", description = "Label selector (repeatable, OR-ed). Default app.kubernetes.io/part-of=<app>.")
    List<String> selectors = new ArrayList<>();

    @Option(names = "--allow-empty-selection", description = "Capture the selection even when it finds no workload"
            + " (default: the backup fails and names the labels it saw).")
    boolean allowEmptySelection;

    @Option(names = "--helm-release", paramLabel = "NAME", description = "Release name drift renders the Helm charts with"
            + " (helm template); default: the live Helm release Secret's, else the chart's name.")
    String helmRelease;

    @Option(names = "--helm-namespace", paramLabel = "NS", description = "Namespace drift renders the Helm charts with;"
            + " default: the live Helm release's, else the first --namespace.")
    String helmNamespace;

    @Option(names = "--secrets", defaultValue = "encrypt", description = "Secrets: encrypt (default, needs a key), plain or skip.")
    String secrets;

    @Option(names = "--allow-incomplete", description = "Write the release even if part of the app cannot be captured,"
            + " recording each missing part in the manifest (default: the backup fails).")
    boolean allowIncomplete;

    @Option(names = "--pipeline-file", paramLabel = "FILE", description = "A file of the CI system to store in the release's"
            + " pipeline section (repeatable; at most 64 files of 16 MB).")
    List<String> pipelineFiles = new ArrayList<>();

    @Option(names = "--freeze", description = "Freeze the release as the last step.")
    boolean freeze;

    @Option(names = "--retain-until", paramLabel = "DATE", description = "With --freeze: keep until this date (YYYY-MM-DD or ISO instant).")
    String retainUntil;

    @Option(names = "--legal-hold", description = "With --freeze: legal hold instead of a retention date.")
    boolean legalHold;

    @Option(names = "--tag-images", description = "With --freeze: tag the release's backup-registry image copies with the release id.")
    boolean tagImages;

    @Option(names = "--signing-key", paramLabel = "PEM", description = "Private key (ECDSA P-256 or Ed25519, PEM) to sign the manifest.")
    String signingKey;

    @Override
    public Integer call() {
        BackupRequest request = new BackupRequest(
                store.location(), app, release,
                new SourceOptions(source, ref, include, exclude, gitBundle),
                new BuildInfo(buildSystem, buildJob, buildNumber, buildUrl, triggeredBy, null),
                new ImageOptions(images, imageMode, imageTarget, registries.insecureRegistries),
                new KubernetesOptions(cluster.kubeconfig, cluster.context, namespaces, selectors, secrets, keys.encryptionKeyFile, keys.encryptionKeyEnv,
                        allowEmptySelection, helmRelease, helmNamespace),
                new FreezeOptions(freeze, retainUntil, legalHold, signingKey, tagImages), allowIncomplete, pipelineFiles);
        BackupResult result = layercake().backup(request, progress());
        if (common.json) {
            printJson(result);
        } else {
            out().printf("release %s/%s written%n", result.app(), result.release());
            out().printf("  manifest  %s%n", result.manifestDigest());
            out().printf("  at        %s%n", result.manifestUri());
            String notPinned = result.imagesNotPinned() == 0 ? ""
                    : ", " + result.imagesNotPinned() + " not pinned" + (ImageOptions.Mode.parse(imageMode) == ImageOptions.Mode.NONE ? " (--image-mode none)"
                    : " (each listed as not captured, with the reason)");
            out().printf("  files %d, images %d pinned of %d found%s, kubernetes objects %d%n", result.files(), result.images(),
                    result.imagesFound(), notPinned, result.kubernetesObjects());
            if (!result.unparsedYaml().isEmpty()) {
                out().printf("  %d YAML file(s) with apiVersion/kind do not parse (source.unparsedYaml)%n", result.unparsedYaml().size());
            }
            out().printf("  stored %d new blob(s), %s; %d already present%n", result.blobsWritten(),
                    humanBytes(result.bytesWritten()), result.blobsSkipped());
            if (result.frozen()) {
                out().println("  frozen");
            }
            IncompleteOutput.print(out(), result.incomplete());
            out().flush();
        }
        return 0;
    }
}
