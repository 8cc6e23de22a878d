package dev.layercake.cli;

import dev.layercake.api.request.DiffRequest;
import dev.layercake.api.result.DiffReport;

import dev.layercake.api.request.RestoreRequest;
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

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Mixin
    EncryptionKeyOptions keys = new EncryptionKeyOptions();

    @Option(names = "--app", required = true, description = "Application name.")
    String app;

    @Option(names = "--release", required = true, description = "Release id (the left side).")
    String release;

    @Option(names = "--against", paramLabel = "RELEASE", description = "Release to compare with; without it, the live namespaces.")
    String against;

    @Option(names = "--namespace-mapping", paramLabel = "OLD=NEW", description = "Compare namespace OLD of the release with live NEW (repeatable).")
    List<String> namespaceMapping = new ArrayList<>();

    @Override
    public Integer call() {
        {
            RestoreRequest.KubernetesTarget live = against != null ? null : new RestoreRequest.KubernetesTarget(true, cluster.kubeconfig, cluster.context,
                    RestoreRequest.KubernetesTarget.parseMapping(namespaceMapping), RestoreRequest.KubernetesTarget.SKIP, false, null,
                    keys.encryptionKeyFile, keys.encryptionKeyEnv);
            DiffReport report = layercake().diff(new DiffRequest(store.location(), app, release, against, live,
                    keys.encryptionKeyFile, keys.encryptionKeyEnv), progress());
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
