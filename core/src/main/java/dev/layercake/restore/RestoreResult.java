package dev.layercake.restore;

import dev.layercake.model.Digest;

import java.util.List;

/** What a restore did, for the CLI's --json and the Jenkins step. */
public record RestoreResult(String app, String release, Digest manifestDigest, boolean dryRun,
                            String sourcesTo, int filesWritten, int filesUnchanged,
                            List<String> imagesPushed, Object kubernetes) {

    public RestoreResult {
        imagesPushed = imagesPushed == null ? List.of() : List.copyOf(imagesPushed);
    }
}
