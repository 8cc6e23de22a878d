package dev.layercake.store;

import dev.layercake.model.Digest;

import java.time.Instant;

/**
 * A stored blob as garbage collection lists it: its name under {@code blobs/sha256/} (a digest's hex, unless
 * something else was put there), its size and when it was written.
 */
public record BlobEntry(String name, long size, Instant lastModified) {

    /** Whether this is the blob of {@code digest}. */
    public boolean is(Digest digest) {
        return name.equals(digest.hex());
    }

    /** {@code sha256:<name>}, as results name blobs. */
    public String id() {
        return "sha256:" + name;
    }
}
