package dev.layercake.store.pack;

import dev.layercake.LayercakeException;
import dev.layercake.model.Digest;
import dev.layercake.model.PackLocation;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads documents out of packs (see {@link PackWriter}). A pack is checked against its digest on first read and
 * kept in memory while its reader lives (up to {@link #CACHE_BYTES}; beyond, the oldest are dropped): restore,
 * verify and diff read every object of a capture.
 */
public final class PackReader {

    /** Packs kept in memory (restore, verify, diff read every object of a capture). */
    public static final long CACHE_BYTES = 64L * 1024 * 1024;

    private final PackedBlobs blobs;
    private final Map<Digest, byte[]> cache = new LinkedHashMap<>();

    public PackReader(PackedBlobs blobs) {
        this.blobs = blobs;
    }

    /** A pack's bytes, from memory when read before, else from the store (checked). */
    public byte[] pack(Digest digest) {
        synchronized (cache) {
            byte[] cached = cache.get(digest);
            if (cached != null) {
                return cached;
            }
        }
        return readPack(digest);
    }

    /** Reads a pack from the store itself, never from memory (verify), and keeps what it read for the objects in it. */
    public byte[] readPack(Digest digest) {
        byte[] bytes = blobs.read(digest);
        Digest actual = Digest.of(bytes);
        if (!actual.equals(digest)) {
            synchronized (cache) {
                cache.remove(digest);
            }
            throw LayercakeException.corrupt("pack " + digest + " hashes to " + actual + "; run verify");
        }
        synchronized (cache) {
            cache.put(digest, bytes);
            long total = cache.values().stream().mapToLong(b -> b.length).sum();
            var it = cache.entrySet().iterator();
            while (total > CACHE_BYTES && cache.size() > 1 && it.hasNext()) {
                var eldest = it.next();
                if (eldest.getKey().equals(digest)) {
                    continue;
                }
                total -= eldest.getValue().length;
                it.remove();
            }
        }
        return bytes;
    }

    /** Reads a document stored in a pack and checks it against its own digest (see {@link #pack}). */
    public byte[] readPacked(Digest digest, PackLocation where) {
        byte[] pack = pack(where.digest());
        if (where.offset() > pack.length || where.size() > pack.length - where.offset()) {
            throw LayercakeException.corrupt("pack " + where.digest() + " is " + pack.length + " bytes; "
                    + digest + " is recorded at " + where.offset() + "+" + where.size());
        }
        byte[] bytes = Arrays.copyOfRange(pack, (int) where.offset(), (int) (where.offset() + where.size()));
        Digest actual = Digest.of(bytes);
        if (!actual.equals(digest)) {
            throw LayercakeException.corrupt("the bytes at " + where.offset() + "+" + where.size() + " of pack " + where.digest()
                    + " hash to " + actual + ", not " + digest);
        }
        return bytes;
    }
}
