package dev.layercake.restore;

import dev.layercake.model.Digest;

import dev.layercake.kube.KubernetesRestoreReport;

import java.util.List;

/** What a restore did, for the CLI's --json and the Jenkins step. */
public record RestoreResult(String app, String release, Digest manifestDigest, boolean dryRun,
                            String sourcesTo, int filesWritten, int filesUnchanged,
                            List<String> imagesPushed, KubernetesRestoreReport kubernetes) {

    public RestoreResult {
        imagesPushed = imagesPushed == null ? List.of() : List.copyOf(imagesPushed);
    }
}
