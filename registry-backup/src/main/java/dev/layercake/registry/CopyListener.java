package dev.layercake.registry;

/** Hears about a copy's blobs as they finish; called from worker threads. */
@FunctionalInterface
public interface CopyListener {

    CopyListener NONE = (blob, transferred) -> { };

    /** A blob is at the destination; {@code transferred} is 0 when it was there already or was mounted. */
    void blobDone(Descriptor blob, long transferred);
}
