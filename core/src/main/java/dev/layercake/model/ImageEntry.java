package dev.layercake.model;

import java.util.List;

/**
 * One image of a release, pinned to its digest. {@code blobs} lists every blob of the image kept in the
 * release store (index, manifests, configs, layers, attached signatures and SBOMs); it is empty when the
 * image was recorded digest-only or copied only to a registry.
 */
public record ImageEntry(
        String ref,
        Digest digest,
        String mediaType,
        List<String> platforms,
        long size,
        List<String> foundIn,
        List<ImageCopy> copies,
        List<BlobRef> blobs,
        List<ImageEntry> referrers) {

    public ImageEntry {
        platforms = platforms == null ? List.of() : List.copyOf(platforms);
        foundIn = foundIn == null ? List.of() : List.copyOf(foundIn);
        copies = copies == null ? List.of() : List.copyOf(copies);
        blobs = blobs == null ? List.of() : List.copyOf(blobs);
        referrers = referrers == null ? List.of() : List.copyOf(referrers);
    }
}
