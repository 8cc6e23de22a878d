package dev.layercake.store;

import dev.layercake.LayercakeException;
import dev.layercake.model.BlobRef;
import dev.layercake.model.Digest;
import dev.layercake.model.Json;
import dev.layercake.model.Manifest;
import dev.layercake.model.Names;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The release store: content-addressed blobs shared by every release of every app, and one manifest per
 * release, written last and never rewritten.
 *
 * <pre>
 * blobs/sha256/&lt;hex&gt;                       every object, once
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

    public ReleaseStore(ObjectStore objects, StoreLocation location) {
        this.objects = objects;
        this.location = location;
    }

    public static ReleaseStore open(StoreLocation location) {
        return new ReleaseStore(ObjectStores.open(location), location);
    }

    /** Opens a store with S3 credentials from {@code env} when it has them (the engine's environment). */
    public static ReleaseStore open(StoreLocation location, Map<String, String> env) {
        return new ReleaseStore(ObjectStores.open(location, env), location);
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
        String key = StoreKeys.blob(expected);
        Optional<ObjectInfo> existing = objects.stat(key);
        if (existing.isPresent()) {
            stats.skipped(existing.get().size());
            return new BlobRef(expected, existing.get().size(), mediaType);
        }
        try (DigestingInputStream in = new DigestingInputStream(content.open())) {
            boolean created = objects.create(key, in, expectedSize, () -> {
                Digest actual = in.digest();
                if (!actual.equals(expected)) {
                    throw LayercakeException.corrupt("content for " + expected + " hashes to " + actual + "; not stored");
                }
                if (expectedSize >= 0 && in.count() != expectedSize) {
                    throw LayercakeException.corrupt("content for " + expected + " is " + in.count()
                            + " bytes, expected " + expectedSize + "; not stored");
                }
            });
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

    /** Stores bytes already in memory (small documents: Kubernetes objects, OCI manifests). */
    public BlobRef putBytes(byte[] bytes, String mediaType) {
        return putBlob(Digest.of(bytes), bytes.length, mediaType, () -> new ByteArrayInputStream(bytes));
    }

    /**
     * Stores many small documents at once, {@code parallelism} at a time, skipping those already stored;
     * returns their refs in order. A folder store makes the batch durable together (see
     * {@link FileSystemObjectStore#createAll}), which is what makes a capture of thousands of Kubernetes
     * objects cheap.
     */
    public List<BlobRef> putAllBytes(List<byte[]> documents, String mediaType, int parallelism) {
        List<BlobRef> refs = new ArrayList<>(documents.size());
        Map<String, byte[]> unique = new LinkedHashMap<>();
        for (byte[] doc : documents) {
            Digest digest = Digest.of(doc);
            refs.add(new BlobRef(digest, doc.length, mediaType));
            if (unique.putIfAbsent(StoreKeys.blob(digest), doc) != null) {
                stats.skipped(doc.length); // the same document twice in one batch is stored once
            }
        }
        // Existence checks in parallel too: on S3 each is a request.
        Map<String, byte[]> missing = new ConcurrentHashMap<>();
        Parallel.forEach(unique.entrySet(), parallelism, "layercake-store-stat", e -> {
            Optional<ObjectInfo> existing = objects.stat(e.getKey());
            if (existing.isPresent()) {
                stats.skipped(existing.get().size());
            } else {
                missing.put(e.getKey(), e.getValue());
            }
        });
        Set<String> created = objects.createAll(missing, parallelism);
        missing.forEach((key, doc) -> {
            if (created.contains(key)) {
                stats.written(doc.length);
            } else {
                stats.skipped(doc.length);
            }
        });
        return refs;
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
