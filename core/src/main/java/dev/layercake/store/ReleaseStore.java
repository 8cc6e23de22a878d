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
import dev.layercake.store.pack.PackReader;
import dev.layercake.store.pack.PackWriter;
import dev.layercake.store.pack.PackedBlobs;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The release store: content-addressed blobs shared by every release of every app, and one manifest per
 * release, written last and never rewritten.
 *
 * <pre>
 * blobs/sha256/&lt;hex&gt;                       every object, once (small objects: in packs, see {@link #putPacked})
 * releases/&lt;app&gt;/&lt;release&gt;/manifest.json   a release exists once this exists
 * </pre>
 * Beside the manifest: its signature and signature policies ({@link Signatures}), the frozen marker
 * ({@link FrozenReleases}), drill records ({@link DrillRecordsStore}); under {@code locks/} the leases and locks
 * ({@link Locks}). The layout itself is {@link StoreKeys}'s; callers outside this package use these typed
 * operations, never raw keys.
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
    private final PackedBlobs packedBlobs = new PackedBlobs() {
        @Override
        public Optional<Long> size(Digest digest) {
            return statBlob(digest).map(ObjectInfo::size);
        }

        @Override
        public byte[] read(Digest digest) {
            return readBlob(digest);
        }

        @Override
        public Digest write(byte[] pack) {
            return putBytes(pack, PackWriter.MEDIA_TYPE).digest();
        }

        @Override
        public void skipped(long bytes) {
            stats.skipped(bytes);
        }
    };
    private final PackReader packs = new PackReader(packedBlobs);
    private final Signatures signatures = new Signatures(this);
    private final FrozenReleases frozenReleases = new FrozenReleases(this);
    private final Locks locks = new Locks(this);
    private final DrillRecordsStore drillRecords = new DrillRecordsStore(this);
    private final ReleaseFiles releaseFiles = new ReleaseFiles(this);

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

    /**
     * The raw backend. Only the store package and tests use it: everything else goes through the typed
     * operations below ({@link #signatures()}, {@link #frozenReleases()}, {@link #locks()}, {@link #drillRecords()},
     * {@link #releaseFiles()}, {@link #deleteRelease}, {@link #listBlobs}), so the key layout stays in {@link StoreKeys}.
     */
    public ObjectStore objects() {
        return objects;
    }

    public StoreLocation location() {
        return location;
    }

    /** Where this store is, for messages; never includes credentials. */
    public String describe() {
        return objects.describe();
    }

    /** The store as results name it: the location's URI when opened from one, else the backend's description. */
    public String where() {
        return location == null ? objects.describe() : location.uri();
    }

    public StoreCapabilities capabilities() {
        return objects.capabilities();
    }

    /** Manifest signatures and signature policies. */
    public Signatures signatures() {
        return signatures;
    }

    /** Frozen markers, and making a release immutable. */
    public FrozenReleases frozenReleases() {
        return frozenReleases;
    }

    /** Backup leases and garbage-collection locks. */
    public Locks locks() {
        return locks;
    }

    /** Drill records of releases. */
    public DrillRecordsStore drillRecords() {
        return drillRecords;
    }

    /** The files beside a manifest that travel with it (copy, export, import). */
    public ReleaseFiles releaseFiles() {
        return releaseFiles;
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
            boolean created = objects.createWithDigest(key, in, expectedSize, expected, deferred, check);
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
    public static final String PACK_MEDIA_TYPE = PackWriter.MEDIA_TYPE;
    /** A pack is cut at this size (see {@link PackWriter#LIMIT}). */
    static final int PACK_LIMIT = PackWriter.LIMIT;

    /**
     * Stores many small documents (Kubernetes objects) as packs ({@link PackWriter}): those {@code known} already
     * (where an earlier release stored them, in a pack that still exists and that this capture still mostly names)
     * are not stored again; the others are written back to back into new packs, each pack one blob. Thousands of
     * objects cost one write and one flush instead of thousands, on a folder store and on S3 alike. Returns each
     * document's location, in order.
     *
     * <p>Safe against garbage collection like any skipped blob: a backup holds its lease while it names packs of
     * earlier releases, and a known pack is checked to exist (and to be long enough) before it is reused.
     */
    public List<PackLocation> putPacked(List<byte[]> documents, Map<Digest, PackLocation> known) {
        return new PackWriter(packedBlobs).put(documents, known);
    }

    /** A pack's bytes, checked against its digest on first read and kept while this store is open ({@link PackReader}). */
    public byte[] pack(Digest digest) {
        return packs.pack(digest);
    }

    /** Reads a pack from the store itself, never from memory (verify), and keeps what it read for the objects in it. */
    public byte[] readPack(Digest digest) {
        return packs.readPack(digest);
    }

    /** Reads an object stored in a pack and checks it against its own digest (see {@link #pack}). */
    public byte[] readPacked(Digest digest, PackLocation where) {
        return packs.readPacked(digest, where);
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

    /**
     * Removes a release: its manifest first (the release disappears at once, as writing it made it appear), then its
     * signature. Blobs stay until garbage collection finds them unnamed. Only prune calls this.
     */
    public void deleteRelease(String app, String release) {
        objects.delete(StoreKeys.manifest(app, release));
        objects.delete(StoreKeys.signature(app, release));
    }

    /** When the store wrote a release's manifest (its last-modified); empty when the release does not exist. */
    public Optional<Instant> manifestWritten(String app, String release) {
        return objects.stat(StoreKeys.manifest(app, release)).map(ObjectInfo::lastModified);
    }

    /** Every blob, sorted by name (garbage collection; needs {@link StoreCapabilities#listsBlobs()}). */
    public List<BlobEntry> listBlobs() {
        List<BlobEntry> out = new ArrayList<>();
        for (ObjectInfo o : objects.list(StoreKeys.BLOBS)) {
            out.add(new BlobEntry(o.key().substring(StoreKeys.BLOBS.length()), o.size(), o.lastModified()));
        }
        return out;
    }

    /**
     * Every blob, given to {@code each} as the store lists it, in no particular order and without holding the
     * listing (garbage collection; needs {@link StoreCapabilities#listsBlobs()}).
     */
    public void forEachBlob(Consumer<BlobEntry> each) {
        objects.forEach(StoreKeys.BLOBS, o -> {
            if (o.key().startsWith(StoreKeys.BLOBS) && o.key().length() > StoreKeys.BLOBS.length()) {
                each.accept(new BlobEntry(o.key().substring(StoreKeys.BLOBS.length()), o.size(), o.lastModified()));
            }
        });
    }

    /**
     * Every release that has a manifest, as {@code (app, release)}, given to {@code each} as the store lists them, in
     * no particular order and without holding the listing (garbage collection).
     */
    public void forEachRelease(BiConsumer<String, String> each) {
        objects.forEach(StoreKeys.RELEASES, o -> {
            String[] parts = o.key().split("/");
            if (parts.length == 4 && parts[3].equals(StoreKeys.MANIFEST)) {
                each.accept(parts[1], parts[2]);
            }
        });
    }

    /** Removes a blob listed by {@link #listBlobs}. Only garbage collection calls this. */
    public void deleteBlob(BlobEntry blob) {
        objects.delete(StoreKeys.BLOBS + blob.name());
    }

    /** See {@link ObjectStore#removeAbandonedWrites}. Only garbage collection calls this. */
    public int removeAbandonedWrites(Instant before, boolean dryRun) {
        return objects.removeAbandonedWrites(before, dryRun);
    }

    /**
     * Writes a manifest's exact bytes (copy, import) once; false when the release exists (nothing changed). Unlike
     * {@link #writeManifest}, the caller checks the blobs it names first.
     */
    public boolean createManifestBytes(String app, String release, byte[] bytes) {
        return create(StoreKeys.manifest(app, release), bytes);
    }

    /** Creates a small key from bytes in memory; false when it existed. */
    boolean create(String key, byte[] bytes) {
        return objects.create(key, new ByteArrayInputStream(bytes), bytes.length, () -> { });
    }

    /** At most {@code maxBytes} of a key; UNAVAILABLE ("cannot read {@code what}: ...") when it cannot be read. */
    byte[] readAtMost(String key, int maxBytes, String what) {
        try (InputStream in = objects.open(key)) {
            return maxBytes == Integer.MAX_VALUE ? in.readAllBytes() : in.readNBytes(maxBytes);
        } catch (IOException e) {
            throw new LayercakeException(LayercakeException.Kind.UNAVAILABLE, "cannot read " + what + ": " + e.getMessage(), e);
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

    /**
     * The stored bytes of a manifest a listing just named, in one read without the existence check first (a listing
     * reads every manifest: on S3 that is one request a release instead of two); NOT_FOUND when it went since.
     */
    public byte[] readListedManifestBytes(String app, String release) {
        String key = StoreKeys.manifest(app, release);
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
