package dev.layercake.store.pack;

import dev.layercake.model.Digest;
import dev.layercake.model.PackLocation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Writes many small documents (Kubernetes objects) as packs: documents back to back in one blob, each found by its
 * {@link PackLocation} (pack digest, offset, size). A pack has no header and no index: the manifest that names the
 * documents records where each one is, and every document is checked against its own digest when read.
 */
public final class PackWriter {

    /** The media type of a pack: small objects back to back, each found by its {@link PackLocation}. */
    public static final String MEDIA_TYPE = "application/vnd.layercake.pack.v1";
    /** A pack is cut at this size; a capture of thousands of objects is a few MiB. */
    public static final int LIMIT = 32 * 1024 * 1024;
    /**
     * An old pack is pointed into only while at least this share of its bytes is still named by the new capture;
     * below it, the unchanged objects are packed anew, so a pack kept alive by a few objects never holds on to
     * much that no release names any more (prune and gc can then remove it).
     */
    public static final double REUSE_MIN_LIVE = 0.5;

    private final PackedBlobs blobs;

    public PackWriter(PackedBlobs blobs) {
        this.blobs = blobs;
    }

    /**
     * Stores {@code documents}: those {@code known} already (where an earlier release stored them, in a pack that
     * still exists and that this batch still mostly names) are not stored again; the others are written back to
     * back into new packs, each pack one blob. Returns each document's location, in order.
     */
    public List<PackLocation> put(List<byte[]> documents, Map<Digest, PackLocation> known) {
        List<Digest> digests = new ArrayList<>(documents.size());
        for (byte[] doc : documents) {
            digests.add(Digest.of(doc));
        }
        Set<Digest> reusable = reusablePacks(documents, digests, known);
        Map<Digest, PackLocation> located = new HashMap<>();
        List<List<Integer>> packs = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        long currentSize = 0;
        Set<Digest> pending = new HashSet<>();
        for (int i = 0; i < documents.size(); i++) {
            byte[] doc = documents.get(i);
            Digest digest = digests.get(i);
            PackLocation old = known.get(digest);
            if (old != null && reusable.contains(old.digest())) {
                located.put(digest, old);
                blobs.skipped(doc.length);
            } else if (!pending.add(digest)) {
                blobs.skipped(doc.length); // the same document twice in one batch is stored once
            } else {
                if (!current.isEmpty() && currentSize + doc.length > LIMIT) {
                    packs.add(current);
                    current = new ArrayList<>();
                    currentSize = 0;
                }
                current.add(i);
                currentSize += doc.length;
            }
        }
        if (!current.isEmpty()) {
            packs.add(current);
        }
        for (List<Integer> members : packs) {
            long size = 0;
            for (int i : members) {
                size += documents.get(i).length;
            }
            byte[] pack = new byte[Math.toIntExact(size)];
            List<long[]> slices = new ArrayList<>(members.size());
            int offset = 0;
            for (int i : members) {
                byte[] doc = documents.get(i);
                System.arraycopy(doc, 0, pack, offset, doc.length);
                slices.add(new long[] {offset, doc.length});
                offset += doc.length;
            }
            Digest packDigest = blobs.write(pack);
            for (int k = 0; k < members.size(); k++) {
                located.put(digests.get(members.get(k)), new PackLocation(packDigest, slices.get(k)[0], slices.get(k)[1]));
            }
        }
        List<PackLocation> out = new ArrayList<>(documents.size());
        for (Digest d : digests) {
            out.add(located.get(d));
        }
        return out;
    }

    /** The known packs this batch may point into: they exist, hold what is recorded, and are mostly still named. */
    private Set<Digest> reusablePacks(List<byte[]> documents, List<Digest> digests, Map<Digest, PackLocation> known) {
        Map<Digest, Long> liveBytes = new HashMap<>();
        Map<Digest, Long> recordedEnd = new HashMap<>();
        Set<Digest> counted = new HashSet<>();
        for (int i = 0; i < documents.size(); i++) {
            PackLocation old = known.get(digests.get(i));
            if (old != null && old.size() == documents.get(i).length && counted.add(digests.get(i))) {
                liveBytes.merge(old.digest(), old.size(), Long::sum);
                recordedEnd.merge(old.digest(), old.offset() + old.size(), Math::max);
            }
        }
        Set<Digest> reusable = new HashSet<>();
        for (Map.Entry<Digest, Long> e : liveBytes.entrySet()) {
            Optional<Long> pack = blobs.size(e.getKey());
            if (pack.isPresent() && pack.get() >= recordedEnd.get(e.getKey())
                    && e.getValue() >= REUSE_MIN_LIVE * pack.get()) {
                reusable.add(e.getKey());
            }
        }
        return reusable;
    }
}
