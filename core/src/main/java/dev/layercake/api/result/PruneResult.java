package dev.layercake.api.result;

import java.util.List;

/**
 * What prune did (or, with {@code dryRun}, would do), for --json: the release ids removed, kept, and those
 * that the rules selected but that are frozen and so were refused.
 */
public record PruneResult(String app, Integer keep, String olderThan, boolean dryRun, List<String> pruned,
                          List<String> kept, List<String> refusedFrozen) {
}
