package dev.layercake.coverage;

import dev.layercake.api.access.Access;
import com.fasterxml.jackson.databind.JsonNode;
import dev.layercake.capture.BackupContext;
import dev.layercake.capture.BackupStep;
import dev.layercake.kube.KubeConnection;
import dev.layercake.model.CoverageSection;
import dev.layercake.model.SourceFile;
import dev.layercake.model.SourceSection;
import dev.layercake.api.request.KubernetesOptions;
import dev.layercake.store.ReleaseStore;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Records what the release does NOT hold ({@link CoverageSection}): the volumes the app's live workloads mount
 * and the storage services the captured sources and live objects name. Never fails a backup: a source that
 * cannot be read, a cluster read that is not permitted, anything unexpected becomes a note.
 */
public final class CoverageStep implements BackupStep {

    /** Source files scanned at most (the rest counted in a note). */
    static final int MAX_FILES = 2000;

    @Override
    public String name() {
        return "coverage";
    }

    @Override
    public void run(BackupContext context) {
        CoverageSection section;
        try {
            section = scan(context.source(), context.store(), context.liveObjects(), context.request().kubernetes(), context.access());
        } catch (RuntimeException e) {
            section = new CoverageSection(List.of(), List.of(), List.of("coverage not recorded: " + e.getClass().getSimpleName()));
        }
        context.coverage(section);
        section.notes().forEach(n -> context.listener().info("coverage: " + n));
        context.listener().info("coverage: NOT in this release: " + section.volumes().size() + " volume(s), "
                + section.services().size() + " storage service reference(s)");
    }

    static CoverageSection scan(SourceSection source, ReleaseStore store, List<JsonNode> live, KubernetesOptions kube,
                                Access access) {
        CoverageScanner scanner = new CoverageScanner();
        List<String> notes = new ArrayList<>();
        if (source != null) {
            int scanned = 0;
            for (SourceFile f : source.files()) {
                if (f.symlink() || !scannable(f)) {
                    continue;
                }
                if (++scanned > MAX_FILES) {
                    notes.add("only the first " + MAX_FILES + " IaC and configuration files were scanned");
                    break;
                }
                try (InputStream in = store.openBlob(f.digest())) {
                    byte[] bytes = in.readNBytes(CoverageScanner.MAX_SCAN_BYTES + 1);
                    scanner.scanFile(f.path(), bytes, f.path().endsWith(".tf"));
                } catch (IOException | RuntimeException e) {
                    notes.add("not scanned: " + f.path() + " (" + e.getClass().getSimpleName() + ")");
                }
            }
        }
        scanner.scanObjects(live);
        List<CoverageSection.Volume> volumes = List.of();
        if (!live.isEmpty() && kube != null && kube.enabled()) {
            try (KubeConnection connection = KubeConnection.open(kube.kubeconfig(), kube.context(), access)) {
                volumes = ClusterStorage.volumes(live, connection.client(), notes);
            } catch (RuntimeException e) {
                notes.add("volumes not described (" + e.getClass().getSimpleName() + "); listed from the workloads only");
                volumes = ClusterStorage.volumes(live, null, notes);
            }
        }
        List<String> allNotes = new ArrayList<>(scanner.notes());
        // paths from git and names from the cluster: printable before they reach the manifest or a console
        notes.stream().map(Findings::where).filter(n -> !allNotes.contains(n)).forEach(allNotes::add);
        return new CoverageSection(volumes, scanner.services(), allNotes);
    }

    /** IaC and configuration files: Terraform, Kubernetes/Helm/Kustomize YAML, access and properties files. */
    static boolean scannable(SourceFile f) {
        String p = f.path().toLowerCase(Locale.ROOT);
        return switch (f.kind()) {
            case "terraform", "kubernetes", "helm", "kustomize" -> !p.endsWith(".lock.hcl");
            default -> p.endsWith(".env") || p.endsWith(".properties") || p.endsWith(".yaml") || p.endsWith(".yml")
                    || p.endsWith(".tfvars");
        };
    }
}
