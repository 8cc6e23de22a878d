package dev.layercake.registry;

/**
 * Where an image is copied to: a registry repository, a release store, an OCI layout directory. Called
 * from several threads at once for blobs; manifests come after all of an image's blobs, children before
 * their index, so a destination never holds a manifest whose content is missing.
 */
public interface ImageSink {

    String describe();

    /**
     * Blobs with the same key are transferred once per copy. A registry keys by repository and digest (each
     * repository needs its own link, mounted when possible); a content-addressed store by digest alone.
     */
    default String blobKey(ResolvedImage image, Descriptor blob) {
        return image.ref().name() + "@" + blob.digest();
    }

    /**
     * Stores a blob unless the destination has it already (then {@code content} is never opened).
     *
     * @return the bytes actually transferred (0 when skipped or mounted)
     */
    long putBlob(ResolvedImage image, Descriptor blob, RegistryClient.ContentOpener content);

    /**
     * True when the destination already holds this image complete (its root manifest, under its tag when
     * it has one): the copy then skips it without looking at its blobs. A registry only accepts a manifest
     * whose blobs it has, so one HEAD answers for the whole image.
     */
    default boolean hasImage(ResolvedImage image) {
        return false;
    }

    /**
     * True when the destination checks each blob's digest and size itself as it stores it (a registry on
     * upload, the release store before commit); the copier then hands it the raw source stream and the
     * content is hashed once, not twice.
     */
    default boolean verifiesContent() {
        return false;
    }

    /**
     * Called once per copy after every blob is stored and before the first manifest: a destination that
     * defers durability (a release store's folder) makes all the blobs durable here, in one barrier. Also
     * called when a blob transfer failed (then no manifest follows): what was stored completely is kept, so
     * a re-run transfers only the rest.
     */
    default void blobsDone() {
    }

    /** Stores a manifest's exact bytes; {@code tag} is null for by-digest manifests. */
    void putManifest(ResolvedImage image, ManifestDoc manifest, String tag);
}
