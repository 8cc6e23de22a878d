package dev.layercake.api.result;

import dev.layercake.model.Digest;
import java.nio.file.Path;

/** What an export wrote. */
public record ExportResult(String app, String release, String manifestDigest, Path tar, int blobs, long bytes) {
}
