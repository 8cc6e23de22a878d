package dev.layercake.api.result;

import dev.layercake.model.Digest;

/** The outcome and where its record was stored. */
public record DrillResult(DrillRecord record, String recordKey, Digest recordDigest, boolean signed) {
}
