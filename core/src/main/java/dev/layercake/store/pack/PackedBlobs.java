package dev.layercake.store.pack;

import dev.layercake.model.Digest;

import java.util.Optional;

/**
 * What the pack format needs of the blob store under it: packs are ordinary content-addressed blobs. The release
 * store implements it; this package knows nothing else of the store, so it stays below it (no cycle).
 */
public interface PackedBlobs {

    /** The stored size of a blob, when it exists. */
    Optional<Long> size(Digest digest);

    /** A blob's bytes (not checked here: {@link PackReader} checks a pack against its digest). */
    byte[] read(Digest digest);

    /** Stores a pack as one blob of media type {@link PackWriter#MEDIA_TYPE}; returns its digest. */
    Digest write(byte[] pack);

    /** Counts {@code bytes} of a document that was not stored again (already in a pack, or twice in a batch). */
    void skipped(long bytes);
}
