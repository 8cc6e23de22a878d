package dev.layercake.api.result;

import java.util.List;

/** What a copy or an import did, release by release. */
public record CopyResult(String from, String to, List<Copied> releases) {

    /**
     * One release: {@code status} is {@code copied}, or {@code present} when the destination already held the
     * identical manifest (then only what it lacked, a signature or drill record, was added).
     */
    public record Copied(String app, String release, String manifestDigest, String status, long blobsWritten,
                         long blobsSkipped, long bytesWritten, List<String> extras) {
    }
}
