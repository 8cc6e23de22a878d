package dev.layercake.backup;

import dev.layercake.model.Digest;
import dev.layercake.model.IncompleteEntry;

import java.util.List;

/**
 * What a backup produced, for the CLI's --json, the Jenkins step's return map and the Tekton results.
 * {@code incomplete}: what the release records as not captured (empty: complete).
 */
public record BackupResult(String app, String release, Digest manifestDigest, String store, String manifestUri,
                           int files, int images, int kubernetesObjects, List<String> pinnedImages,
                           long blobsWritten, long bytesWritten, long blobsSkipped, boolean frozen,
                           List<IncompleteEntry> incomplete) {

    public BackupResult {
        incomplete = incomplete == null ? List.of() : List.copyOf(incomplete);
    }

    /** A complete release: the signature before {@code incomplete}. */
    public BackupResult(String app, String release, Digest manifestDigest, String store, String manifestUri,
                        int files, int images, int kubernetesObjects, List<String> pinnedImages,
                        long blobsWritten, long bytesWritten, long blobsSkipped, boolean frozen) {
        this(app, release, manifestDigest, store, manifestUri, files, images, kubernetesObjects, pinnedImages,
                blobsWritten, bytesWritten, blobsSkipped, frozen, List.of());
    }

    /** False when the release records parts of the app as not captured. */
    public boolean complete() {
        return incomplete.isEmpty();
    }
}
