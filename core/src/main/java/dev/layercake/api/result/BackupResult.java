package dev.layercake.api.result;

import dev.layercake.model.Digest;
import dev.layercake.model.IncompleteEntry;
import dev.layercake.model.UnparsedFile;

import java.util.List;

/**
 * What a backup produced, for the CLI's --json, the Jenkins step's return map and the Tekton results.
 * {@code incomplete}: what the release records as not captured (empty: complete). {@code images} counts the
 * pinned images, {@code imagesFound} every image reference found (so found minus pinned were not pinned: with
 * {@code --image-mode none} by choice, else each is in {@code incomplete} with the reason). {@code unparsedYaml}:
 * YAML files with apiVersion/kind that do not parse.
 */
public record BackupResult(String app, String release, Digest manifestDigest, String store, String manifestUri,
                           int files, int images, int kubernetesObjects, List<String> pinnedImages,
                           long blobsWritten, long bytesWritten, long blobsSkipped, boolean frozen,
                           List<IncompleteEntry> incomplete, int imagesFound, List<UnparsedFile> unparsedYaml) {

    public BackupResult {
        incomplete = incomplete == null ? List.of() : List.copyOf(incomplete);
        unparsedYaml = unparsedYaml == null ? List.of() : List.copyOf(unparsedYaml);
    }

    /** The signature before imagesFound and unparsedYaml. */
    public BackupResult(String app, String release, Digest manifestDigest, String store, String manifestUri,
                        int files, int images, int kubernetesObjects, List<String> pinnedImages,
                        long blobsWritten, long bytesWritten, long blobsSkipped, boolean frozen,
                        List<IncompleteEntry> incomplete) {
        this(app, release, manifestDigest, store, manifestUri, files, images, kubernetesObjects, pinnedImages,
                blobsWritten, bytesWritten, blobsSkipped, frozen, incomplete, images, List.of());
    }

    /** Image references found and not pinned. */
    public int imagesNotPinned() {
        return Math.max(0, imagesFound - images);
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
