package dev.layercake.cli;

import dev.layercake.kube.ReleaseDiff;
import dev.layercake.kube.SecretCipher;
import dev.layercake.model.Manifest;
import dev.layercake.api.request.RestoreRequest;
import dev.layercake.store.ReleaseStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code layercake diff}: a release's Kubernetes objects against another release ({@code --against}) or
 * against the live namespaces (the release's selectors, namespaces mapped by {@code --namespace-mapping}).
 * Exit codes follow {@code kubectl diff}: 0 no differences, 1 differences found, 2 the comparison could not run
 * (see {@link #ERROR_EXIT}); Secret values are never printed.
 */
@Command(name = "diff", description = "Compare a release's Kubernetes objects with another release (--against) or the live namespaces.",
        footerHeading = "%nExit codes (as kubectl diff):%n",
        footer = {
                "  0  no differences",
                "  1  differences found",
                "  2  error (bad usage, release not found, store or cluster unreachable)"
        })
final class DiffCommand extends BaseCommand {

    /** Like kubectl diff, every failure exits above 1, so 1 means only "differences found". */
    static final int ERROR_EXIT = 2;

    @Mixin
    StoreOptions store = new StoreOptions();

    @Option(names = "--app", required = true, description = "Application name.")
    String app;

    @Option(names = "--release", required = true, description = "Release id (the left side).")
    String release;

    @Option(names = "--against", paramLabel = "RELEASE", description = "Release to compare with; without it, the live namespaces.")
    String against;

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "Kubeconfig of the live cluster.")
    String kubeconfig;

    @Option(names = "--context", description = "Kubeconfig context of the live cluster (default: current).")
    String context;

    @Option(names = "--namespace-mapping", paramLabel = "OLD=NEW", description = "Compare namespace OLD of the release with live NEW (repeatable).")
    List<String> namespaceMapping = new ArrayList<>();

    @Option(names = "--encryption-key-file", paramLabel = "FILE", description = "AES-256 key to compare Secret values (never printed).")
    String encryptionKeyFile;

    @Option(names = "--encryption-key-env", paramLabel = "VAR", defaultValue = "LAYERCAKE_ENCRYPTION_KEY",
            description = "Environment variable with the base64 key. Default: ${DEFAULT-VALUE}.")
    String encryptionKeyEnv;

    @Override
    public Integer call() {
        try (ReleaseStore releases = ReleaseStore.open(store.location())) {
            Manifest left = releases.readManifest(app, release);
            ReleaseDiff.Report report;
            if (against != null) {
                Manifest right = releases.readManifest(app, against);
                report = ReleaseDiff.between(releases, left, right,
                        SecretCipher.load(encryptionKeyFile, encryptionKeyEnv, System.getenv()));
            } else {
                RestoreRequest.KubernetesTarget live = new RestoreRequest.KubernetesTarget(true, kubeconfig, context,
                        RestoreRequest.KubernetesTarget.parseMapping(namespaceMapping), null, false, null,
                        encryptionKeyFile, encryptionKeyEnv);
                report = ReleaseDiff.againstLive(releases, left, live, progress(), System.getenv());
            }
            if (common.json) {
                printJson(report);
            } else {
                out().print(report.text());
                out().flush();
            }
            return report.identical() ? 0 : 1;
        }
    }
}
