package dev.layercake.retention;

import dev.layercake.api.result.PruneResult;
import dev.layercake.LayercakeException;
import dev.layercake.freeze.ReleaseFreezer;
import dev.layercake.model.Json;
import dev.layercake.model.Manifest;
import dev.layercake.model.Names;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.store.ReleaseStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes release manifests by rule: beyond the newest {@code keep}, and/or older than {@code olderThan}
 * (both given: a release must match both). Frozen releases are never removed: they are reported as refused.
 * Only manifests (and their signatures) go; the blobs stay until {@link GarbageCollector} finds them unnamed.
 * Removing the manifest first makes the release disappear at once, as writing it made it appear.
 */
public final class Pruner {

    private final Clock clock;

    public Pruner() {
        this(Clock.systemUTC());
    }

    public Pruner(Clock clock) {
        this.clock = clock;
    }

    public static PruneResult prune(ReleaseStore store, String app, Integer keep, Duration olderThan, boolean dryRun,
                                    ProgressListener listener) {
        return new Pruner().run(store, app, keep, olderThan, dryRun, listener);
    }

    public PruneResult run(ReleaseStore store, String app, Integer keep, Duration olderThan, boolean dryRun,
                           ProgressListener listener) {
        Names.checkSegment("app", app);
        if (keep == null && olderThan == null) {
            throw LayercakeException.usage("prune needs --keep N and/or --older-than AGE (e.g. --keep 10, --older-than 90d)");
        }
        if (keep != null && keep < 0) {
            throw LayercakeException.usage("--keep must be 0 or more, not " + keep);
        }
        listener.phase("prune");
        List<String> releases = store.listReleases(app); // oldest first
        Instant cutoff = olderThan == null ? null : clock.instant().minus(olderThan);
        int protectedNewest = keep == null ? 0 : Math.min(keep, releases.size());
        List<String> pruned = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (int i = 0; i < releases.size(); i++) {
            String release = releases.get(i);
            boolean beyondKeep = keep == null || i < releases.size() - protectedNewest;
            boolean oldEnough = cutoff == null || createdAt(store, app, release).isBefore(cutoff);
            if (!beyondKeep || !oldEnough) {
                kept.add(release);
            } else if (ReleaseFreezer.isFrozen(store, app, release)) {
                refused.add(release);
                kept.add(release);
            } else {
                if (!dryRun) {
                    store.deleteRelease(app, release);
                }
                pruned.add(release);
            }
        }
        if (!refused.isEmpty()) {
            listener.warn("not pruning " + refused.size() + " frozen release(s) of " + app + ": " + String.join(", ", refused)
                    + "; frozen releases are never pruned");
        }
        listener.info((dryRun ? "would prune " : "pruned ") + pruned.size() + " release(s) of " + app
                + (pruned.isEmpty() ? "" : ": " + String.join(", ", pruned)) + "; kept " + kept.size()
                + (pruned.isEmpty() || dryRun ? "" : "; run gc to free the blobs no release names any more"));
        return new PruneResult(app, keep, olderThan == null ? null : olderThan.toString(), dryRun, pruned, kept, refused);
    }

    private static Instant createdAt(ReleaseStore store, String app, String release) {
        Manifest m = Json.read(store.readManifestBytes(app, release), Manifest.class, "manifest of " + app + "/" + release);
        try {
            return Instant.parse(m.createdAt());
        } catch (DateTimeParseException | NullPointerException e) {
            return store.manifestWritten(app, release).orElseThrow();
        }
    }
}
