package dev.layercake.api.result;

import dev.layercake.model.Digest;
import dev.layercake.model.Manifest;

/**
 * One stored release as {@code show} presents it: the manifest's stored bytes (their sha256 is the manifest
 * digest), the parsed manifest, and the latest drill (null when none was recorded).
 */
public record ReleaseView(byte[] manifestBytes, Manifest manifest, Digest manifestDigest, DrillSummary latestDrill) {
}
