package dev.layercake.api.result;

import java.util.List;

/**
 * What garbage collection did (or, with {@code dryRun}, would do), for --json. {@code deferred} is true when
 * a backup was running: nothing was collected and {@code inFlight} names the leases seen.
 * {@code abandonedWritesRemoved} counts leftovers of killed writes (a folder store's {@code .tmp/*.part})
 * that were (or would be) removed: those untouched for the grace period and at least an hour.
 * {@code collected} names at most the first 10,000 collected blobs (by digest); {@code blobsCollected} counts them all.
 */
public record GcResult(String store, String grace, boolean dryRun, boolean deferred, List<String> inFlight,
                       int releases, int blobsScanned, int blobsReferenced, int blobsTooYoung,
                       int blobsCollected, long bytesCollected, List<String> collected, int abandonedWritesRemoved) {
}
