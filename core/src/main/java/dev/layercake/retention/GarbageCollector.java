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

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

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
 *
 * <p>Memory does not grow with the store: the blob listing and the manifests are read as the store lists them
 * (a folder's walk, S3's pages), the listed blobs and the marked digests go into sorted runs in a temporary
 * directory once {@link #MEMORY_RECORDS} of each are held ({@link ExternalSort}), and the sweep merges the two
 * sorted streams one record at a time. The result names at most {@link #MAX_LISTED} collected blobs.
 */
public final class GarbageCollector {

    public static final Duration DEFAULT_GRACE = Duration.ofHours(24);

    /**
     * An unfinished write (a folder store's {@code .tmp/*.part}) is removed only when untouched for the grace
     * period and at least this long, whatever the grace: a write in progress keeps touching its file, and one
     * by a tool that takes no lease (a backup's own lease, a signature) must not lose it to a short --grace.
     */
    public static final Duration ABANDONED_WRITE_MIN_AGE = Duration.ofHours(1);

    /**
     * Listed blobs and marked digests held in memory, each, before they are spilled to sorted runs on disk
     * (about 70 and 50 bytes a record): what bounds gc's memory whatever the number of blobs and releases.
     */
    static final int MEMORY_RECORDS = 8192;

    /** At most this many collected blob ids are named in the result ({@link GcResult#blobsCollected()} counts them all). */
    static final int MAX_LISTED = 10_000;

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
        return collect(store, grace, dryRun, listener, MEMORY_RECORDS);
    }

    /** As {@link #collect(ReleaseStore, Duration, boolean, ProgressListener)}, holding at most {@code memoryRecords} records of each kind. */
    static GcResult collect(ReleaseStore store, Duration grace, boolean dryRun, ProgressListener listener, int memoryRecords) {
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
            Sweep sweep;
            try (WorkingFiles work = new WorkingFiles(memoryRecords)) {
                // 1. the listing first (a blob written after it is not collected this time), spilled in sorted runs
                store.forEachBlob(work::listed);
                // 2. mark what every manifest names; one that cannot be read stops here, before any delete
                int[] releases = {0};
                store.forEachRelease((app, release) -> {
                    byte[] bytes;
                    try {
                        bytes = store.readListedManifestBytes(app, release);
                    } catch (LayercakeException e) {
                        if (e.kind() == LayercakeException.Kind.NOT_FOUND) {
                            return; // pruned since the listing: it names nothing any more
                        }
                        throw e;
                    }
                    Manifest m = Json.read(bytes, Manifest.class, "manifest of " + app + "/" + release);
                    for (Digest d : m.referencedBlobs().keySet()) {
                        work.marked(d);
                    }
                    releases[0]++;
                });
                // 3. sweep: the sorted listing merged with the sorted marks, one record of each at a time
                sweep = work.sweep(store, now.minus(g), dryRun, lock, listener);
                sweep.releases = releases[0];
            }
            int referenced = sweep.referenced;
            int young = sweep.young;
            long bytes = sweep.bytes;
            List<String> collected = sweep.collected;
            Duration partAge = g.compareTo(ABANDONED_WRITE_MIN_AGE) > 0 ? g : ABANDONED_WRITE_MIN_AGE;
            int abandoned = store.removeAbandonedWrites(now.minus(partAge), dryRun);
            if (abandoned > 0) {
                listener.info((dryRun ? "would remove " : "removed ") + abandoned + " unfinished write(s) of killed processes"
                        + " untouched for over " + partAge);
            }
            listener.info((dryRun ? "would collect " : "collected ") + sweep.count + " blob(s), " + bytes + " bytes; "
                    + referenced + " named by " + sweep.releases + " release(s), " + young + " younger than the grace period " + g);
            if (sweep.count > collected.size()) {
                listener.info("the result lists the first " + collected.size() + " of the " + sweep.count + " collected blobs");
            }
            return new GcResult(where, g.toString(), dryRun, false, List.of(), sweep.releases, sweep.scanned, referenced, young,
                    sweep.count, bytes, collected, abandoned);
        }
    }

    /** What the sweep found. */
    private static final class Sweep {
        int releases;
        int scanned;
        int referenced;
        int young;
        int count;
        long bytes;
        final List<String> collected = new ArrayList<>();
    }

    /**
     * The blob listing and the marks, each an {@link ExternalSort} in a private temporary directory removed on close.
     * A listed blob is a record of its digest (32 bytes), size (8), and last-modified seconds (8) and nanoseconds (4);
     * a name under blobs/sha256/ that is not a digest (put there by something else) is kept apart, in a file of its
     * own: no manifest can name it.
     */
    private static final class WorkingFiles implements AutoCloseable {
        private static final int BLOB_RECORD = 32 + 8 + 8 + 4;
        private final Path dir;
        private final ExternalSort listing;
        private final ExternalSort marks;
        private final Path othersFile;
        private DataOutputStream others;
        private int otherCount;
        private int scanned;

        WorkingFiles(int memoryRecords) {
            try {
                dir = Files.createTempDirectory("layercake-gc-");
            } catch (IOException e) {
                throw new LayercakeException(LayercakeException.Kind.UNAVAILABLE, "cannot create garbage collection's working"
                        + " directory in " + System.getProperty("java.io.tmpdir") + ": " + e.getMessage(), e);
            }
            listing = new ExternalSort(dir, "blob listing", BLOB_RECORD, 32, memoryRecords, false);
            marks = new ExternalSort(dir, "marked digests", 32, 32, memoryRecords, true);
            othersFile = dir.resolve("other-names");
        }

        void listed(BlobEntry blob) {
            scanned++;
            byte[] raw = raw(blob.name());
            if (raw == null) {
                try {
                    if (others == null) {
                        others = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(othersFile)));
                    }
                    others.writeUTF(blob.name());
                    others.writeLong(blob.size());
                    others.writeLong(blob.lastModified().getEpochSecond());
                    others.writeInt(blob.lastModified().getNano());
                    otherCount++;
                } catch (IOException e) {
                    throw unavailable(e);
                }
                return;
            }
            ByteBuffer b = ByteBuffer.allocate(BLOB_RECORD);
            b.put(raw).putLong(blob.size()).putLong(blob.lastModified().getEpochSecond()).putInt(blob.lastModified().getNano());
            listing.add(b.array());
        }

        void marked(Digest d) {
            marks.add(HexFormat.of().parseHex(d.hex()));
        }

        Sweep sweep(ReleaseStore store, Instant youngest, boolean dryRun, StoreLocks.Lock lock, ProgressListener listener) {
            Sweep s = new Sweep();
            s.scanned = scanned;
            ExternalSort.Cursor blobs = listing.sorted();
            ExternalSort.Cursor marked = marks.sorted();
            byte[] mark = marked.next();
            for (byte[] r = blobs.next(); r != null; r = blobs.next()) {
                while (mark != null && Arrays.compareUnsigned(mark, 0, 32, r, 0, 32) < 0) {
                    mark = marked.next();
                }
                ByteBuffer b = ByteBuffer.wrap(r, 32, BLOB_RECORD - 32);
                BlobEntry blob = new BlobEntry(HexFormat.of().formatHex(r, 0, 32), b.getLong(),
                        Instant.ofEpochSecond(b.getLong(), b.getInt()));
                boolean isMarked = mark != null && Arrays.compareUnsigned(mark, 0, 32, r, 0, 32) == 0;
                if (!visit(store, blob, isMarked, youngest, dryRun, lock, listener, s)) {
                    return s;
                }
            }
            if (otherCount > 0) {
                try {
                    others.close();
                    others = null;
                    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(othersFile)))) {
                        for (int i = 0; i < otherCount; i++) {
                            BlobEntry blob = new BlobEntry(in.readUTF(), in.readLong(), Instant.ofEpochSecond(in.readLong(), in.readInt()));
                            if (!visit(store, blob, false, youngest, dryRun, lock, listener, s)) {
                                return s;
                            }
                        }
                    }
                } catch (IOException e) {
                    throw unavailable(e);
                }
            }
            return s;
        }

        /** One blob of the sweep; false when the collection must stop (close to the lock's lifetime). */
        private static boolean visit(ReleaseStore store, BlobEntry blob, boolean marked, Instant youngest, boolean dryRun,
                                     StoreLocks.Lock lock, ProgressListener listener, Sweep s) {
            if (marked) {
                s.referenced++;
            } else if (!blob.lastModified().isBefore(youngest)) {
                s.young++;
            } else {
                if (!dryRun) {
                    if (Duration.between(lock.since(), lock.storeNow()).compareTo(StoreLocks.GC_LOCK_TTL.minusMinutes(5)) > 0) {
                        listener.warn("collection stopped: it ran close to its lock's lifetime; run gc again");
                        return false;
                    }
                    store.deleteBlob(blob);
                }
                s.count++;
                if (s.collected.size() < MAX_LISTED) {
                    s.collected.add(blob.id());
                }
                s.bytes += blob.size();
            }
            return true;
        }

        /** The 32 bytes of a 64-lowercase-hex name, or null when the name is anything else. */
        private static byte[] raw(String name) {
            if (name.length() != 64) {
                return null;
            }
            for (int i = 0; i < 64; i++) {
                char c = name.charAt(i);
                if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                    return null;
                }
            }
            return HexFormat.of().parseHex(name);
        }

        private LayercakeException unavailable(IOException e) {
            return new LayercakeException(LayercakeException.Kind.UNAVAILABLE, "cannot write garbage collection's working"
                    + " files in " + dir + ": " + e.getMessage(), e);
        }

        @Override
        public void close() {
            if (others != null) {
                try {
                    others.close();
                } catch (IOException ignored) {
                    // removed with the directory
                }
            }
            listing.close();
            marks.close();
            try (var files = Files.list(dir)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(p);
                }
                Files.deleteIfExists(dir);
            } catch (IOException ignored) {
                // a temporary directory: best effort
            }
        }
    }
}
