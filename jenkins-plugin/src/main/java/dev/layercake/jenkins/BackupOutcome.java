package dev.layercake.jenkins;

import dev.layercake.api.result.BackupResult;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a backup produced, copied from the engine's {@link BackupResult} into plain data for the controller. */
final class BackupOutcome implements Serializable {

    private static final long serialVersionUID = 1L;

    final String app;
    final String release;
    final String manifestDigest;
    /** The store as the Jenkinsfile can name it again: the configured name, else the location. */
    final String store;
    final String storeUri;
    final String manifestUri;
    final int files;
    final int images;
    final int kubernetesObjects;
    final ArrayList<String> pinnedImages;
    final long blobsWritten;
    final long bytesWritten;
    final long blobsSkipped;
    final boolean frozen;
    /** "what: why" of each part the release records as not captured; null in builds recorded before this field. */
    final ArrayList<String> incomplete;
    /** The release report written into the workspace (a path relative to it), or null when it could not be written. */
    String reportFile;

    BackupOutcome(String app, String release, String manifestDigest, String store, String storeUri, String manifestUri,
                  int files, int images, int kubernetesObjects, List<String> pinnedImages,
                  long blobsWritten, long bytesWritten, long blobsSkipped, boolean frozen) {
        this.app = app;
        this.release = release;
        this.manifestDigest = manifestDigest;
        this.store = store;
        this.storeUri = storeUri;
        this.manifestUri = manifestUri;
        this.files = files;
        this.images = images;
        this.kubernetesObjects = kubernetesObjects;
        this.pinnedImages = new ArrayList<>(pinnedImages);
        this.blobsWritten = blobsWritten;
        this.bytesWritten = bytesWritten;
        this.blobsSkipped = blobsSkipped;
        this.frozen = frozen;
        this.incomplete = new ArrayList<>();
    }

    private BackupOutcome(BackupOutcome complete, List<String> incomplete) {
        this(complete.app, complete.release, complete.manifestDigest, complete.store, complete.storeUri, complete.manifestUri,
                complete.files, complete.images, complete.kubernetesObjects, complete.pinnedImages,
                complete.blobsWritten, complete.bytesWritten, complete.blobsSkipped, complete.frozen);
        this.incomplete.addAll(incomplete);
    }

    /** False when the release records parts of the app as not captured. */
    boolean isComplete() {
        return incompleteParts().isEmpty();
    }

    List<String> incompleteParts() {
        return incomplete == null ? List.of() : incomplete;
    }

    static BackupOutcome of(BackupResult r, String storeName) {
        BackupOutcome complete = new BackupOutcome(r.app(), r.release(), r.manifestDigest().toString(),
                storeName != null ? storeName : r.store(), r.store(), r.manifestUri(),
                r.files(), r.images(), r.kubernetesObjects(), r.pinnedImages(),
                r.blobsWritten(), r.bytesWritten(), r.blobsSkipped(), r.frozen());
        return new BackupOutcome(complete, r.incomplete().stream().map(Object::toString).toList());
    }

    /** The step's return value: only strings, numbers and booleans, so Pipeline can keep it. */
    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("app", app);
        m.put("release", release);
        m.put("manifestDigest", manifestDigest);
        m.put("store", store);
        m.put("manifestUri", manifestUri);
        m.put("files", files);
        m.put("images", images);
        m.put("kubernetesObjects", kubernetesObjects);
        m.put("frozen", frozen);
        m.put("complete", isComplete());
        m.put("incomplete", String.join("; ", incompleteParts()));
        m.put("reportFile", reportFile);
        return m;
    }
}
