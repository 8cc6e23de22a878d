package dev.layercake.model;

/**
 * Where a small object lives inside a pack: {@code size} bytes at {@code offset} of the blob {@code digest}.
 * A pack is an ordinary content-addressed blob holding many small objects back to back, so storing thousands of
 * Kubernetes objects is one write instead of thousands (see {@code ReleaseStore#putPacked}).
 */
public record PackLocation(Digest digest, long offset, long size) {

    public PackLocation {
        if (digest == null || offset < 0 || size < 0) {
            throw new IllegalArgumentException("a pack location needs a digest, offset >= 0 and size >= 0");
        }
    }
}
