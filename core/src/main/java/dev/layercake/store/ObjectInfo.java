package dev.layercake.store;

import java.time.Instant;

/** A stored key, its size and when it was last written. */
public record ObjectInfo(String key, long size, Instant lastModified) {
}
