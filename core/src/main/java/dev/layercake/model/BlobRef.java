package dev.layercake.model;

/** One stored blob: its digest, size and, for OCI content, media type. */
public record BlobRef(Digest digest, long size, String mediaType) {
}
