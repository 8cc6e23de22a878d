package dev.layercake.store;

import dev.layercake.api.access.Access;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.LayercakeException;
import dev.layercake.model.BlobRef;
import dev.layercake.model.Digest;
import dev.layercake.model.Json;
import dev.layercake.model.Manifest;
import dev.layercake.model.Names;
import dev.layercake.model.PackLocation;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The release store: content-addressed blobs shared by every release of every app, and one manifest per
 * release, written last and never rewritten.
 *
 * <pre>
 * blobs/sha256/&lt;hex&gt;                       every object, once (small objects: in packs, see {@link #putPacked})
 * releases/&lt;app&gt;/&lt;release&gt;/manifest.json   a release exists once this exists
 * </pre>
 */
public final class ReleaseStore implements Closeable {

    /** Opens the content of a blob only when it must be stored, so an existing blob costs no transfer. */
    @FunctionalInterface
    public interface ContentSource {
        InputStream open() throws IOException;
    }

    private final ObjectStore objects;
    private final StoreLocation location;
    private final TransferStats stats = new TransferStats();
    private final Map<Digest, byte[]> packCache = new LinkedHashMap<>();

    public ReleaseStore(ObjectStore objects, StoreLocation location) {
        this.objects = objects;
        this.location = location;
    }

    public static ReleaseStore open(StoreLocation location) {
        return new ReleaseStore(ObjectStores.open(location), location);
    }

    /** Opens a store with S3 credentials from {@code access} when it has them (the engine's environment). */
    public static ReleaseStore open(StoreLocation location, Access access) {
        return new ReleaseStore(ObjectStores.open(location, access), location);
    }

    /**
     * Opens a store as {@link #open(StoreLocation, Map)}, an {@code oci://} store also reached over plain HTTP when
     * its registry is one of {@code insecureRegistries} (the commands' {@code --insecure-registry}).
     */
    public static ReleaseStore open(StoreLocation location, Access access, java.util.List<String> insecureRegistries) {
        return new ReleaseStore(ObjectStores.open(location, access, insecureRegistries), location);
    }

    public ObjectStore objects() {
        return objects;
    }

    public StoreLocation location() {
        return location;
    }

    public TransferStats stats() {
        return stats;
    }

    public boolean hasBlob(Digest digest) {
        return objects.stat(StoreKeys.blob(digest)).isPresent();
    }

    public Optional<ObjectInfo> statBlob(Digest digest) {
        return objects.stat(StoreKeys.blob(digest));
    }

    public InputStream openBlob(Digest digest) {
        return objects.open(StoreKeys.blob(digest));
    }

    public byte[] readBlob(Digest digest) {
        try (InputStream in = openBlob(digest)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new LayercakeException(LayercakeException.Kind.UNAVAILABLE, "cannot read blob " + digest + ": " + e.getMessage(), e);
        }
    }

    /**
     * Stores a blob whose digest is known beforehand (registry layers, say). Skipped without opening the
     * content when it exists; otherwise streamed and checked: a digest or size mismatch stores nothing.
     */
    public BlobRef putBlob(Digest expected, long expectedSize, String mediaType, ContentSource content) {
        return putBlob(expected, expectedSize, mediaType, content, false);
    }

    /**
     * {@link #putBlob(Digest, long, String, ContentSource)}, with {@code deferred}: the blob need only be durable
     * and visible after the next {@link #barrier} (one flush for many blobs where the backend allows it). A
     * caller that defers calls {@link #barrier} before it writes anything naming the blob; {@link #writeManifest}
     * calls it itself.
     */
    public BlobRef putBlob(Digest expected, long expectedSize, String mediaType, ContentSource content, boolean deferred) {
        String key = StoreKeys.blob(expected);
        Optional<ObjectInfo> existing = objects.stat(key);
        if (existing.isPresent()) {
            stats.skipped(existing.get().size());
            return new BlobRef(expected, existing.get().size(), mediaType);
        }
        try (DigestingInputStream in = new DigestingInputStream(content.open())) {
            Runnable check = () -> {
                Digest actual = in.digest();
                if (!actual.equals(expected)) {
                    throw LayercakeException.corrupt("content for " + expected + " hashes to " + actual + "; not stored");
                }
                if (expectedSize >= 0 && in.count() != expectedSize) {
                    throw LayercakeException.corrupt("content for " + expected + " is " + in.count()
                            + " bytes, expected " + expectedSize + "; not stored");
                }
            };
            boolean created = deferred ? objects.createDeferred(key, in, expectedSize, check) : objects.create(key, in, expectedSize, check);
            if (created) {
                stats.written(in.count());
            } else {
                stats.skipped(in.count());
            }
            return new BlobRef(expected, in.count(), mediaType);
        } catch (IOException e) {
            throw new LayercakeException(LayercakeException.Kind.UNAVAILABLE,
                    "cannot read the content of " + expected + ": " + e.getMessage(), e);
        }
    }

    /** Makes every blob stored with {@code deferred} durable and visible (one flush for all of them where the backend allows). */
    public void barrier() {
        objects.barrier();
    }

    /** Stores bytes already in memory (small documents: Kubernetes objects, OCI manifests). */
    public BlobRef putBytes(byte[] bytes, String mediaType) {
        return putBlob(Digest.of(bytes), bytes.length, mediaType, () -> new ByteArrayInputStream(bytes));
    }

    /** The media type of a pack: small objects back to back, each found by its {@link PackLocation}. */
    public static final String PACK_MEDIA_TYPE = "application/vnd.layercake.pack.v1";
    /** A pack is cut at this size; a capture of thousands of objects is a few MiB. */
    static final int PACK_LIMIT = 32 * 1024 * 1024;
    /**
     * An old pack is pointed into only while at least this share of its bytes is still named by the new capture;
     * below it, the unchanged objects are packed anew, so a pack kept alive by a few objects never holds on to
     * much that no release names any more (prune and gc can then remove it).
     */
    static final double PACK_REUSE_MIN_LIVE = 0.5;
    /** Packs kept in memory while the store is open (restore, verify, diff read every object of a capture). */
    private static final long PACK_CACHE_BYTES = 64L * 1024 * 1024;

    /**
     * Stores many small documents (Kubernetes objects) as packs: those {@code known} already (where an earlier
     * release stored them, in a pack that still exists and that this capture still mostly names) are not stored
     * again; the others are written back to back into new packs, each pack one blob. Thousands of objects cost one
     * write and one flush instead of thousands, on a folder store and on S3 alike. Returns each document's
     * location, in order.
     *
     * <p>Safe against garbage collection like any skipped blob: a backup holds its lease while it names packs of
     * earlier releases, and a known pack is checked to exist (and to be long enough) before it is reused.
     */
    public List<PackLocation> putPacked(List<byte[]> documents, Map<Digest, PackLocation> known) {
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
                stats.skipped(doc.length);
            } else if (!pending.add(digest)) {
                stats.skipped(doc.length); // the same document twice in one batch is stored once
            } else {
                if (!current.isEmpty() && currentSize + doc.length > PACK_LIMIT) {
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
            BlobRef ref = putBytes(pack, PACK_MEDIA_TYPE);
            for (int k = 0; k < members.size(); k++) {
                located.put(digests.get(members.get(k)), new PackLocation(ref.digest(), slices.get(k)[0], slices.get(k)[1]));
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
            Optional<ObjectInfo> pack = statBlob(e.getKey());
            if (pack.isPresent() && pack.get().size() >= recordedEnd.get(e.getKey())
                    && e.getValue() >= PACK_REUSE_MIN_LIVE * pack.get().size()) {
                reusable.add(e.getKey());
            }
        }
        return reusable;
    }

    /**
     * A pack's bytes, checked against its digest on first read and kept while this store is open (up to
     * {@link #PACK_CACHE_BYTES}; beyond, the oldest are dropped).
     */
    public byte[] pack(Digest digest) {
        synchronized (packCache) {
            byte[] cached = packCache.get(digest);
            if (cached != null) {
                return cached;
            }
        }
        return readPack(digest);
    }

    /** Reads a pack from the store itself, never from memory (verify), and keeps what it read for the objects in it. */
    public byte[] readPack(Digest digest) {
        byte[] bytes = readBlob(digest);
        Digest actual = Digest.of(bytes);
        if (!actual.equals(digest)) {
            synchronized (packCache) {
                packCache.remove(digest);
            }
            throw LayercakeException.corrupt("pack " + digest + " hashes to " + actual + "; run verify");
        }
        synchronized (packCache) {
            packCache.put(digest, bytes);
            long total = packCache.values().stream().mapToLong(b -> b.length).sum();
            var it = packCache.entrySet().iterator();
            while (total > PACK_CACHE_BYTES && packCache.size() > 1 && it.hasNext()) {
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

    /** Reads an object stored in a pack and checks it against its own digest (see {@link #pack}). */
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

    /**
     * Stores a stream whose digest is not known beforehand: it is spooled to a local temporary file while
     * hashed, then stored under its digest (or skipped when that digest exists).
     */
    public BlobRef putStream(InputStream content, String mediaType) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile("layercake-", ".blob");
            Digest digest;
            long size;
            try (DigestingInputStream in = new DigestingInputStream(content); OutputStream out = Files.newOutputStream(tmp)) {
                in.transferTo(out);
                digest = in.digest();
                size = in.count();
            }
            Path file = tmp;
            return putBlob(digest, size, mediaType, () -> Files.newInputStream(file));
        } catch (IOException e) {
            throw new LayercakeException(LayercakeException.Kind.FAILED, "cannot spool content to a temporary file: " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // temp file clean-up is best effort
                }
            }
        }
    }

    public boolean releaseExists(String app, String release) {
        return objects.stat(StoreKeys.manifest(app, release)).isPresent();
    }

    /** Fails early, before any work, when a release id is taken. */
    public void requireReleaseAbsent(String app, String release) {
        if (releaseExists(app, release)) {
            throw LayercakeException.conflict("release " + app + "/" + release + " already exists in " + objects.describe()
                    + "; releases are never overwritten: choose another --release");
        }
    }

    /**
     * Writes the manifest, the last write of a backup: only after every blob it names is present, with the
     * size the manifest records for it (source files, the git bundle and image blobs record one; Kubernetes
     * objects only a digest). Otherwise it fails as corrupt and writes nothing. Exclusive: an existing release
     * is never overwritten.
     *
     * @return the manifest's digest
     */
    public Digest writeManifest(Manifest manifest) {
        barrier(); // every deferred blob durable and visible before the manifest that names them
        Map<Digest, Long> sizes = manifest.recordedBlobSizes();
        List<String> missing = new ArrayList<>();
        List<String> wrongSize = new ArrayList<>();
        for (Map.Entry<Digest, String> e : manifest.referencedBlobs().entrySet()) {
            Optional<ObjectInfo> stored = statBlob(e.getKey());
            Long recorded = sizes.get(e.getKey());
            if (stored.isEmpty()) {
                missing.add(e.getValue() + " (" + e.getKey() + ")");
            } else if (recorded != null && recorded >= 0 && stored.get().size() != recorded) {
                wrongSize.add(e.getValue() + " (" + e.getKey() + "): " + stored.get().size() + " bytes stored, "
                        + recorded + " recorded");
            }
        }
        if (!missing.isEmpty()) {
            throw LayercakeException.corrupt("refusing to write the manifest of " + manifest.app() + "/" + manifest.release()
                    + ": " + missing.size() + " named blob(s) are not in the store, first: " + missing.get(0));
        }
        if (!wrongSize.isEmpty()) {
            throw LayercakeException.corrupt("refusing to write the manifest of " + manifest.app() + "/" + manifest.release()
                    + ": " + wrongSize.size() + " named blob(s) do not have the size it records, first: " + wrongSize.get(0));
        }
        byte[] bytes = Json.write(manifest);
        String key = StoreKeys.manifest(manifest.app(), manifest.release());
        boolean created = objects.create(key, new ByteArrayInputStream(bytes), bytes.length, () -> { });
        if (!created) {
            throw LayercakeException.conflict("release " + manifest.app() + "/" + manifest.release() + " already exists in "
                    + objects.describe() + "; releases are never overwritten: choose another --release");
        }
        return Digest.of(bytes);
    }

    /** The manifest's stored bytes, exactly as written (their sha256 is the manifest digest). */
    public byte[] readManifestBytes(String app, String release) {
        String key = StoreKeys.manifest(app, release);
        if (objects.stat(key).isEmpty()) {
            throw LayercakeException.notFound("release " + app + "/" + release + " does not exist in " + objects.describe()
                    + (listReleases(app).isEmpty() ? "" : "; releases of " + app + ": " + String.join(", ", listReleases(app))));
        }
        try (InputStream in = objects.open(key)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new LayercakeException(LayercakeException.Kind.UNAVAILABLE, "cannot read " + key + ": " + e.getMessage(), e);
        }
    }

    public Manifest readManifest(String app, String release) {
        return Json.read(readManifestBytes(app, release), Manifest.class, "manifest of " + app + "/" + release);
    }

    public List<String> listApps() {
        TreeSet<String> apps = new TreeSet<>();
        for (ObjectInfo o : objects.list(StoreKeys.RELEASES)) {
            String[] parts = o.key().split("/");
            if (parts.length == 4 && parts[3].equals(StoreKeys.MANIFEST)) {
                apps.add(parts[1]);
            }
        }
        return List.copyOf(apps);
    }

    /** Release ids of an app that have a manifest, oldest first by manifest time. */
    public List<String> listReleases(String app) {
        Names.checkSegment("app", app);
        List<ObjectInfo> manifests = new ArrayList<>();
        for (ObjectInfo o : objects.list(StoreKeys.RELEASES + app + "/")) {
            String[] parts = o.key().split("/");
            if (parts.length == 4 && parts[3].equals(StoreKeys.MANIFEST)) {
                manifests.add(o);
            }
        }
        manifests.sort((a, b) -> a.lastModified().compareTo(b.lastModified()) != 0
                ? a.lastModified().compareTo(b.lastModified()) : a.key().compareTo(b.key()));
        return manifests.stream().map(o -> o.key().split("/")[2]).toList();
    }

    @Override
    public void close() {
        objects.close();
    }
}
