package dev.layercake.backup;

import dev.layercake.model.Digest;

import java.util.List;

/** What a backup produced, for the CLI's --json, the Jenkins step's return map and the Tekton results. */
public record BackupResult(String app, String release, Digest manifestDigest, String store, String manifestUri,
                           int files, int images, int kubernetesObjects, List<String> pinnedImages,
                           long blobsWritten, long bytesWritten, long blobsSkipped, boolean frozen) {
}
