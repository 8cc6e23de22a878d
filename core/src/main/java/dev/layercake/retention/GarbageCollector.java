package dev.layercake.retention;

import dev.layercake.api.result.GcResult;
import dev.layercake.LayercakeException;
import dev.layercake.model.Digest;
import dev.layercake.model.Json;
import dev.layercake.model.Manifest;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.store.BlobEntry;
import dev.layercake.store.Locks;
import dev.layercake.store.ObjectInfo;
import dev.layercake.store.ReleaseStore;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Removes blobs that no remaining release names: mark and sweep.
 *
 * <ol>
 *   <li>Take the collection lock; if a backup holds a live lease, collect nothing ({@link StoreLocks}).</li>
 *   <li>List the blobs, then read every manifest of every app and mark what each names.</li>
 *   <li>Delete the unmarked blobs older than the grace period. A blob younger than {@code grace} is never
 *       collected, whoever wrote it; a manifest that cannot be read stops the collection before any delete.</li>
 *   <li>Remove what killed writes left behind (a folder store's {@code .tmp/*.part}) untouched for the grace
 *       period and at least {@link #ABANDONED_WRITE_MIN_AGE}; readers never see those.</li>
 * </ol>
 * Safe against a backup running at the same time: a backup holds a lease from before its first blob until
 * after its manifest, and waits while a collection holds the lock, so a collection never runs while a
 * backup is between "this blob exists, skip it" and writing the manifest that names it. The grace period is
 * a second guard (for blobs written by tools that take no lease, and clock-free: store times are used).
 */
public final class GarbageCollector {

    public static final Duration DEFAULT_GRACE = Duration.ofHours(24);

    /**
     * An unfinished write (a folder store's {@code .tmp/*.part}) is removed only when untouched for the grace
     * period and at least this long, whatever the grace: a write in progress keeps touching its file, and one
     * by a tool that takes no lease (a backup's own lease, a signature) must not lose it to a short --grace.
     */
    public static final Duration ABANDONED_WRITE_MIN_AGE = Duration.ofHours(1);

    private GarbageCollector() {
    }

    /** Leases and locks of killed processes (older than their lifetime) are removed, and said so. */
    private static void removeStale(ReleaseStore store, Instant now, ProgressListener listener) {
        for (ObjectInfo o : store.locks().stale(now, StoreLocks.BACKUP_LEASE_TTL, StoreLocks.GC_LOCK_TTL)) {
            listener.warn("removing " + o.key() + " from " + o.lastModified() + ": its process is presumed dead");
            store.locks().remove(o);
        }
    }

    public static GcResult collect(ReleaseStore store, Duration grace, boolean dryRun, ProgressListener listener) {
        Duration g = grace == null ? DEFAULT_GRACE : grace;
        if (g.isNegative()) {
            throw LayercakeException.usage("--grace must not be negative");
        }
        String where = store.where();
        if (!store.capabilities().listsBlobs()) {
            throw new LayercakeException(LayercakeException.Kind.UNSUPPORTED, where + " cannot be garbage-collected by"
                    + " Layercake: its blobs cannot be listed. Garbage collection there is the store's own (an OCI registry:"
                    + " 'registry garbage-collect' on distribution, the registry's retention elsewhere); prune removes the"
                    + " release tags, after which that gc frees the blobs no release names");
        }
        listener.phase("gc");
        try (StoreLocks.Lock lock = StoreLocks.acquireGcLock(store)) {
            Instant now = lock.since();
            List<String> inFlight = new ArrayList<>();
            store.locks().live(Locks.Kind.BACKUP, now, StoreLocks.BACKUP_LEASE_TTL)
                    .forEach(o -> inFlight.add(o.key()));
            store.locks().live(Locks.Kind.GC, now, StoreLocks.GC_LOCK_TTL).stream()
                    .filter(o -> !o.key().equals(lock.key())).forEach(o -> inFlight.add(o.key()));
            if (!inFlight.isEmpty()) {
                listener.warn("a backup or another collection is running (" + String.join(", ", inFlight)
                        + "); nothing collected, run gc again when it has finished");
                return new GcResult(where, g.toString(), dryRun, true, inFlight, 0, 0, 0, 0, 0, 0, List.of(), 0);
            }

            if (!dryRun) {
                removeStale(store, now, listener);
            }
            List<BlobEntry> blobs = store.listBlobs();
            Set<String> marked = new HashSet<>();
            int releases = 0;
            for (String app : store.listApps()) {
                for (String release : store.listReleases(app)) {
                    byte[] bytes;
                    try {
                        bytes = store.readManifestBytes(app, release);
                    } catch (LayercakeException e) {
                        if (e.kind() == LayercakeException.Kind.NOT_FOUND) {
                            continue; // pruned since the listing: it names nothing any more
                        }
                        throw e;
                    }
                    Manifest m = Json.read(bytes, Manifest.class, "manifest of " + app + "/" + release);
                    for (Digest d : m.referencedBlobs().keySet()) {
                        marked.add(d.hex());
                    }
                    releases++;
                }
            }

            Instant youngest = now.minus(g);
            int referenced = 0;
            int young = 0;
            long bytes = 0;
            List<String> collected = new ArrayList<>();
            for (BlobEntry blob : blobs) {
                if (marked.contains(blob.name())) {
                    referenced++;
                } else if (!blob.lastModified().isBefore(youngest)) {
                    young++;
                } else {
                    if (!dryRun) {
                        if (Duration.between(lock.since(), lock.storeNow()).compareTo(StoreLocks.GC_LOCK_TTL.minusMinutes(5)) > 0) {
                            listener.warn("collection stopped: it ran close to its lock's lifetime; run gc again");
                            break;
                        }
                        store.deleteBlob(blob);
                    }
                    collected.add(blob.id());
                    bytes += blob.size();
                }
            }
            Duration partAge = g.compareTo(ABANDONED_WRITE_MIN_AGE) > 0 ? g : ABANDONED_WRITE_MIN_AGE;
            int abandoned = store.removeAbandonedWrites(now.minus(partAge), dryRun);
            if (abandoned > 0) {
                listener.info((dryRun ? "would remove " : "removed ") + abandoned + " unfinished write(s) of killed processes"
                        + " untouched for over " + partAge);
            }
            listener.info((dryRun ? "would collect " : "collected ") + collected.size() + " blob(s), " + bytes + " bytes; "
                    + referenced + " named by " + releases + " release(s), " + young + " younger than the grace period " + g);
            return new GcResult(where, g.toString(), dryRun, false, List.of(), releases, blobs.size(), referenced, young,
                    collected.size(), bytes, collected, abandoned);
        }
    }
}
