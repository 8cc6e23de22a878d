package dev.layercake.api.result;

import dev.layercake.model.Digest;
import dev.layercake.model.IncompleteEntry;

import dev.layercake.api.result.KubernetesRestoreReport;

import java.util.List;

/** What a restore did, for the CLI's --json and the Jenkins step. */
public record RestoreResult(String app, String release, Digest manifestDigest, boolean dryRun,
                            String sourcesTo, int filesWritten, int filesUnchanged,
                            List<String> imagesPushed, KubernetesRestoreReport kubernetes,
                            List<IncompleteEntry> incomplete, String signature) {

    /**
     * {@code incomplete}: what the release records as never captured, so not restored either (empty: complete);
     * {@code signature}: verified, not-checked or failed (a failed check refuses the restore before it writes).
     */
    public RestoreResult {
        imagesPushed = imagesPushed == null ? List.of() : List.copyOf(imagesPushed);
        incomplete = incomplete == null ? List.of() : List.copyOf(incomplete);
        signature = signature == null ? "not-checked" : signature;
    }

    public RestoreResult(String app, String release, Digest manifestDigest, boolean dryRun, String sourcesTo, int filesWritten,
                         int filesUnchanged, List<String> imagesPushed, KubernetesRestoreReport kubernetes) {
        this(app, release, manifestDigest, dryRun, sourcesTo, filesWritten, filesUnchanged, imagesPushed, kubernetes, null, null);
    }

    /** False when the release records parts of the app as never captured: the restore cannot bring them back. */
    public boolean complete() {
        return incomplete.isEmpty();
    }
}
