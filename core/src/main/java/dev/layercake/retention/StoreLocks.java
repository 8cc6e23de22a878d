package dev.layercake.retention;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.layercake.LayercakeException;
import dev.layercake.model.Json;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.store.Locks;
import dev.layercake.store.ObjectInfo;
import dev.layercake.store.ReleaseStore;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Keeps garbage collection and backups apart, with two kinds of small objects under {@code locks/}:
 * a lease per running backup ({@code locks/backups/<id>.json}) and a lock per running collection
 * ({@code locks/gc/<id>.json}). Each side first writes its own object, then looks for the other's:
 * <ul>
 *   <li>a collection that sees a live backup lease collects nothing (it is deferred, and says so);</li>
 *   <li>a backup that sees a live collection lock waits for it to finish before it stores anything.</li>
 * </ul>
 * Because both write before they read, and the stores list what was written (S3 is strongly consistent),
 * at least one side always sees the other: a backup that re-uses a blob no release names any more can
 * never have it deleted under it. Times are the store's own (the objects' last-modified), so clock skew
 * between machines does not matter. A lease older than {@link #BACKUP_LEASE_TTL} or a lock older than
 * {@link #GC_LOCK_TTL} belongs to a process that died and is ignored.
 */
public final class StoreLocks {

    /** Backups are expected to finish within this; older leases are presumed dead. */
    public static final Duration BACKUP_LEASE_TTL = Duration.ofHours(24);
    /** A collection stops deleting before this; older locks are presumed dead. */
    public static final Duration GC_LOCK_TTL = Duration.ofHours(1);

    private StoreLocks() {
    }

    /** The content of a lease or lock: who holds it, for people looking at a stuck one. */
    @JsonPropertyOrder({"kind", "owner", "host", "pid", "startedAt"})
    public record Holder(String kind, String owner, String host, long pid, String startedAt) {
    }

    /** A held lease or lock; closing removes it. {@code since} is the store's time when it was written. */
    public static final class Lock implements AutoCloseable {
        private final Locks locks;
        private final Locks.Held held;
        private final long startedNanos = System.nanoTime();
        private boolean released;

        Lock(Locks locks, Locks.Held held) {
            this.locks = locks;
            this.held = held;
        }

        /** The lock's key, for messages; null for the lease not taken on a store without leases. */
        public String key() {
            return held.key();
        }

        public Instant since() {
            return held.since();
        }

        /** The store's time now, estimated from when the lock was written plus the time elapsed here. */
        public Instant storeNow() {
            return held.since().plusNanos(System.nanoTime() - startedNanos);
        }

        @Override
        public void close() {
            if (held.key() == null) {
                return; // a store whose gc is not Layercake's (OCI) takes no leases
            }
            if (!released) {
                released = true;
                locks.release(held);
            }
        }
    }

    /**
     * Takes a backup lease, waiting (up to {@code maxWait}) while a garbage collection runs. Hold it from
     * before the first blob is looked at until after the manifest is written.
     */
    public static Lock acquireBackupLease(ReleaseStore store, String app, ProgressListener listener, Duration maxWait,
                                          Duration poll) {
        Locks locks = store.locks();
        if (!locks.supported()) {
            // Leases guard blobs against Layercake's gc; where gc is the registry's own they guard nothing.
            return new Lock(locks, new Locks.Held(null, Instant.now()));
        }
        Lock lease = write(locks, Locks.Kind.BACKUP, "backup", app);
        boolean told = false;
        try {
            while (true) {
                List<ObjectInfo> collections = locks.live(Locks.Kind.GC, lease.storeNow(), GC_LOCK_TTL);
                if (collections.isEmpty()) {
                    return lease;
                }
                Duration waited = Duration.between(lease.since(), lease.storeNow());
                if (waited.compareTo(maxWait) >= 0) {
                    throw new LayercakeException(LayercakeException.Kind.UNAVAILABLE, "garbage collection "
                            + collections.get(0).key() + " has been running in " + store.describe() + " since "
                            + collections.get(0).lastModified() + "; waited " + waited.toSeconds() + "s. If no collection is"
                            + " running, that lock is left over from a killed one: delete it, or wait until it is "
                            + GC_LOCK_TTL.toMinutes() + " minutes old");
                }
                if (!told) {
                    listener.info("waiting for the garbage collection running in the store to finish (" + collections.get(0).key() + ")");
                    told = true;
                }
                Thread.sleep(poll.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            lease.close();
            throw new LayercakeException(LayercakeException.Kind.FAILED, "interrupted while waiting for garbage collection", e);
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    public static Lock acquireBackupLease(ReleaseStore store, String app, ProgressListener listener) {
        return acquireBackupLease(store, app, listener, GC_LOCK_TTL, Duration.ofSeconds(1));
    }

    static Lock acquireGcLock(ReleaseStore store) {
        return write(store.locks(), Locks.Kind.GC, "gc", "gc");
    }

    private static Lock write(Locks locks, Locks.Kind lockKind, String kind, String owner) {
        byte[] doc = Json.write(new Holder(kind, owner, host(), ProcessHandle.current().pid(),
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()));
        return new Lock(locks, locks.take(lockKind, doc));
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return ManagementFactory.getRuntimeMXBean().getName();
        }
    }
}
