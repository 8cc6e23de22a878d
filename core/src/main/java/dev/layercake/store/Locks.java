package dev.layercake.store;

import dev.layercake.LayercakeException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The small objects under {@code locks/} that keep garbage collection and backups apart: a lease per running
 * backup ({@code locks/backups/<id>.json}) and a lock per running collection ({@code locks/gc/<id>.json}).
 * The protocol (who waits for whom) is the {@code retention} package's; where they live and how they are taken,
 * listed and removed is the store's. Times are the store's own (the objects' last-modified).
 */
public final class Locks {

    /** The two kinds of lock, each under its own prefix. */
    public enum Kind {
        BACKUP(StoreKeys.BACKUP_LEASES), GC(StoreKeys.GC_LOCKS);

        private final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }

        /** The kind of a listed lock: GC under {@code locks/gc/}, BACKUP for anything else under {@code locks/}. */
        static Kind of(String key) {
            return key.startsWith(GC.prefix) ? GC : BACKUP;
        }
    }

    /** A lock just taken: its key (who holds it, for messages) and the store's time when it was written. */
    public record Held(String key, Instant since) {
    }

    private final ReleaseStore store;

    Locks(ReleaseStore store) {
        this.store = store;
    }

    /** Whether backups take leases here (only where Layercake's own gc runs; an OCI registry's gc is its own). */
    public boolean supported() {
        return store.objects().capabilities().leases();
    }

    /** Writes a new lock of {@code kind} holding {@code holder} (who took it) and reads back its store time. */
    public Held take(Kind kind, byte[] holder) {
        String key = kind.prefix + UUID.randomUUID() + ".json";
        store.create(key, holder);
        Instant since = store.objects().stat(key).map(ObjectInfo::lastModified).orElseThrow(() ->
                new LayercakeException(LayercakeException.Kind.UNAVAILABLE, "the lock " + key + " just written to "
                        + store.objects().describe() + " cannot be read back"));
        return new Held(key, since);
    }

    /** Removes a lock taken by {@link #take}; no-op when it is gone. */
    public void release(Held held) {
        store.objects().delete(held.key());
    }

    /** Locks of {@code kind} younger than {@code ttl} at store time {@code now}. */
    public List<ObjectInfo> live(Kind kind, Instant now, Duration ttl) {
        Instant oldest = now.minus(ttl);
        return store.objects().list(kind.prefix).stream().filter(o -> o.lastModified().isAfter(oldest)).toList();
    }

    /**
     * Locks of killed processes: older than their lifetime ({@code gcTtl} for collections, {@code backupTtl} for
     * leases and anything else under {@code locks/}) at store time {@code now}.
     */
    public List<ObjectInfo> stale(Instant now, Duration backupTtl, Duration gcTtl) {
        List<ObjectInfo> out = new ArrayList<>();
        for (ObjectInfo o : store.objects().list(StoreKeys.LOCKS)) {
            Duration ttl = Kind.of(o.key()) == Kind.GC ? gcTtl : backupTtl;
            if (o.lastModified().isBefore(now.minus(ttl))) {
                out.add(o);
            }
        }
        return out;
    }

    /** Removes a lock listed by {@link #stale} or {@link #live}. */
    public void remove(ObjectInfo lock) {
        if (!lock.key().startsWith(StoreKeys.LOCKS)) {
            throw new IllegalArgumentException(lock.key() + " is not a lock");
        }
        store.objects().delete(lock.key());
    }
}
