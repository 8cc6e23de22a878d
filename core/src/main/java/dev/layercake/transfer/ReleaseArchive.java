package dev.layercake.transfer;

import dev.layercake.api.result.ExportResult;
import dev.layercake.api.result.CopyResult;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.layercake.LayercakeException;
import dev.layercake.model.Digest;
import dev.layercake.model.Json;
import dev.layercake.model.Manifest;
import dev.layercake.model.Names;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.store.DigestingInputStream;
import dev.layercake.store.ReleaseStore;
import dev.layercake.store.StoreKeys;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One release as one tar, to carry across an air gap:
 *
 * <pre>
 * oci-layout, index.json, blobs/sha256/&lt;hex&gt;   an OCI image layout: every blob the release names, its manifest
 *                                              bytes, and one artifact manifest (as in an oci:// store) naming them
 * layercake/releases/&lt;app&gt;/&lt;release&gt;/manifest.json          the release manifest, byte for byte
 * layercake/releases/&lt;app&gt;/&lt;release&gt;/manifest.json.sig      its signature, when signed
 * layercake/releases/&lt;app&gt;/&lt;release&gt;/drills/&lt;name&gt;.json   its drill records
 * </pre>
 *
 * <p>Import reads the whole tar into a staging folder first, refusing anything but regular files of exactly
 * these names (no '..', absolute paths, links or devices, no name twice, no member shorter than its header
 * says), checking every blob against its name's digest and that every blob the manifest names is there. Only
 * then does it write to the store: blobs (checked again), signature and drill records, the manifest last.
 * A refused tar leaves the store as it was.
 */
public final class ReleaseArchive {

    static final String LAYOUT = "oci-layout";
    static final String INDEX = "index.json";
    static final String BLOBS = "blobs/sha256/";
    static final String RELEASES = "layercake/releases/";
    public static final String ARTIFACT_TYPE = "application/vnd.layercake.release.v1";
    private static final Pattern BLOB = Pattern.compile("blobs/sha256/([0-9a-f]{64})");
    private static final Pattern RELEASE_FILE = Pattern.compile(
            "layercake/releases/([^/]+)/([^/]+)/(manifest\\.json|manifest\\.json\\.sig|drills/[A-Za-z0-9][A-Za-z0-9._-]{0,127}\\.json)");
    private static final long SMALL_LIMIT = 16 * 1024 * 1024;


    // ---- export -------------------------------------------------------------------------------------

    public ExportResult export(ReleaseStore store, String app, String release, Path tar, ProgressListener listener) {
        byte[] manifestBytes = store.readManifestBytes(app, release);
        Manifest manifest = Json.read(manifestBytes, Manifest.class, "manifest of " + app + "/" + release);
        Map<Digest, String> named = new TreeMap<>(Comparator.comparing(Digest::toString));
        named.putAll(manifest.referencedBlobs());
        Path tmp = tar.toAbsolutePath().resolveSibling(tar.getFileName() + ".part");
        listener.phase("export");
        long bytes = 0;
        try {
            if (tar.getParent() != null) {
                Files.createDirectories(tar.toAbsolutePath().getParent());
            }
            try (OutputStream file = Files.newOutputStream(tmp); TarArchiveOutputStream out = new TarArchiveOutputStream(file)) {
                out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                put(out, LAYOUT, "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                int n = 0;
                for (Digest d : named.keySet()) {
                    bytes += putBlob(out, store, d);
                    listener.progress("export", ++n, named.size(), "blobs");
                }
                Digest manifestDigest = Digest.of(manifestBytes);
                if (!named.containsKey(manifestDigest)) {
                    put(out, BLOBS + manifestDigest.hex(), manifestBytes);
                }
                byte[] artifact = artifactManifest(manifest, manifestBytes, named, store);
                put(out, BLOBS + Digest.of(artifact).hex(), artifact);
                put(out, INDEX, index(app, release, artifact));
                String dir = RELEASES + app + "/" + release + "/";
                put(out, dir + StoreKeys.MANIFEST, manifestBytes);
                for (String key : ReleaseCopier.extras(store, app, release)) {
                    String rel = key.substring(StoreKeys.releaseDir(app, release).length());
                    try (InputStream in = store.objects().open(key)) {
                        put(out, dir + rel, in.readNBytes((int) SMALL_LIMIT));
                    }
                }
                out.finish();
            }
            Files.move(tmp, tar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new LayercakeException(LayercakeException.Kind.UNAVAILABLE, "cannot write " + tar + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // only our own partial file
            }
        }
        return new ExportResult(app, release, Digest.of(manifestBytes).toString(), tar, named.size(), bytes);
    }

    private static void put(TarArchiveOutputStream out, String name, byte[] bytes) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(bytes.length);
        e.setModTime(0);
        out.putArchiveEntry(e);
        out.write(bytes);
        out.closeArchiveEntry();
    }

    /** Spools a blob (checked against its digest) to learn its size, then writes it as one entry. */
    private static long putBlob(TarArchiveOutputStream out, ReleaseStore store, Digest d) throws IOException {
        Path spool = Files.createTempFile("layercake-export-", ".blob");
        try {
            try (DigestingInputStream in = new DigestingInputStream(store.openBlob(d)); OutputStream o = Files.newOutputStream(spool)) {
                in.transferTo(o);
                if (!in.digest().equals(d)) {
                    throw LayercakeException.corrupt("blob " + d + " in " + store.objects().describe() + " hashes to " + in.digest()
                            + "; run verify. Nothing exported");
                }
            }
            TarArchiveEntry e = new TarArchiveEntry(BLOBS + d.hex());
            long size = Files.size(spool);
            e.setSize(size);
            e.setModTime(0);
            out.putArchiveEntry(e);
            Files.copy(spool, out);
            out.closeArchiveEntry();
            return size;
        } finally {
            Files.deleteIfExists(spool);
        }
    }

    private static byte[] artifactManifest(Manifest manifest, byte[] manifestBytes, Map<Digest, String> named, ReleaseStore store) {
        ObjectNode m = Json.mapper().createObjectNode();
        m.put("schemaVersion", 2);
        m.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        m.put("artifactType", ARTIFACT_TYPE);
        ObjectNode config = m.putObject("config");
        config.put("mediaType", "application/vnd.layercake.manifest.v1+json");
        config.put("digest", Digest.of(manifestBytes).toString());
        config.put("size", manifestBytes.length);
        var layers = m.putArray("layers");
        for (Digest d : named.keySet()) {
            ObjectNode l = layers.addObject();
            l.put("mediaType", "application/vnd.layercake.blob.v1");
            l.put("digest", d.toString());
            l.put("size", store.statBlob(d).map(o -> o.size()).orElse(-1L));
        }
        ObjectNode a = m.putObject("annotations");
        a.put("dev.layercake.app", manifest.app());
        a.put("dev.layercake.release", manifest.release());
        a.put("dev.layercake.images", String.join(",", manifest.images().stream().map(i -> i.ref()).toList()));
        return Json.write(m);
    }

    private static byte[] index(String app, String release, byte[] artifact) {
        ObjectNode idx = Json.mapper().createObjectNode();
        idx.put("schemaVersion", 2);
        idx.put("mediaType", "application/vnd.oci.image.index.v1+json");
        ObjectNode d = idx.putArray("manifests").addObject();
        d.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        d.put("artifactType", ARTIFACT_TYPE);
        d.put("digest", Digest.of(artifact).toString());
        d.put("size", artifact.length);
        d.putObject("annotations").put("org.opencontainers.image.ref.name", app + "." + release);
        return Json.write(idx);
    }

    // ---- import -------------------------------------------------------------------------------------

    public CopyResult importTar(Path tar, ReleaseStore store, ProgressListener listener) {
        Path staging = null;
        try (InputStream file = Files.newInputStream(tar)) {
            staging = Files.createTempDirectory("layercake-import-");
            listener.phase("import");
            Staged staged = stage(file, staging, tar.toString());
            return write(staged, store, listener);
        } catch (java.nio.file.NoSuchFileException e) {
            throw LayercakeException.notFound(tar + " does not exist");
        } catch (IOException e) {
            throw new LayercakeException(LayercakeException.Kind.UNAVAILABLE, "cannot read " + tar + ": " + e.getMessage(), e);
        } finally {
            if (staging != null) {
                deleteTree(staging);
            }
        }
    }

    /** The checked content of a tar: blobs in the staging folder, the release's own files in memory. */
    private record Staged(String app, String release, Map<Digest, Path> blobs, Map<String, byte[]> files) {
    }

    private static Staged stage(InputStream file, Path staging, String what) throws IOException {
        Map<Digest, Path> blobs = new LinkedHashMap<>();
        Map<String, byte[]> files = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        String app = null;
        String release = null;
        try (TarArchiveInputStream in = new TarArchiveInputStream(file)) {
            TarArchiveEntry e;
            while (true) {
                try {
                    e = in.getNextEntry();
                } catch (IOException ex) {
                    throw refuse(what, "its headers cannot be read (" + ex.getMessage() + "); it is damaged or truncated");
                }
                if (e == null) {
                    break;
                }
                String name = e.getName();
                if (name.startsWith("/") || name.matches("^[A-Za-z]:.*")) {
                    throw refuse(what, "it has an absolute path '" + name + "'");
                }
                if (name.startsWith("./")) {
                    name = name.substring(2);
                }
                for (String seg : name.split("/")) {
                    if (seg.equals("..")) {
                        throw refuse(what, "the entry '" + name + "' leads out of the archive ('..')");
                    }
                }
                if (e.isSymbolicLink() || e.isLink()) {
                    throw refuse(what, "the entry '" + name + "' is a link (to '" + e.getLinkName() + "'); a release tar has only files");
                }
                if (e.isDirectory()) {
                    continue; // directories carry nothing; the files below them are checked by name
                }
                if (!e.isFile()) {
                    throw refuse(what, "the entry '" + name + "' is not a regular file");
                }
                if (!seen.add(name)) {
                    throw refuse(what, "the name '" + name + "' appears twice; which one is meant cannot be told");
                }
                Matcher blob = BLOB.matcher(name);
                Matcher rel = RELEASE_FILE.matcher(name);
                if (blob.matches()) {
                    Digest d = Digest.parse("sha256:" + blob.group(1));
                    Path target = staging.resolve(d.hex());
                    try (OutputStream out = Files.newOutputStream(target)) {
                        DigestingInputStream din = new DigestingInputStream(in);
                        long n = din.transferTo(out);
                        if (n != e.getSize()) {
                            throw refuse(what, "the member '" + name + "' is " + n + " bytes, its header says " + e.getSize() + " (truncated)");
                        }
                        if (!din.digest().equals(d)) {
                            throw refuse(what, "the member '" + name + "' hashes to " + din.digest());
                        }
                    } catch (IOException ex) {
                        throw refuse(what, "the member '" + name + "' cannot be read in full (" + ex.getMessage() + "); truncated");
                    }
                    blobs.put(d, target);
                } else if (rel.matches() || name.equals(LAYOUT) || name.equals(INDEX)) {
                    if (e.getSize() > SMALL_LIMIT) {
                        throw refuse(what, "the member '" + name + "' is " + e.getSize() + " bytes; at most " + SMALL_LIMIT + " are read");
                    }
                    byte[] bytes;
                    try {
                        bytes = in.readAllBytes();
                    } catch (IOException ex) {
                        throw refuse(what, "the member '" + name + "' cannot be read in full (" + ex.getMessage() + "); truncated");
                    }
                    if (bytes.length != e.getSize()) {
                        throw refuse(what, "the member '" + name + "' is " + bytes.length + " bytes, its header says " + e.getSize() + " (truncated)");
                    }
                    if (rel.matches()) {
                        String a = Names.checkSegment("app", rel.group(1));
                        String r = Names.checkSegment("release id", rel.group(2));
                        if (app != null && (!app.equals(a) || !release.equals(r))) {
                            throw refuse(what, "it holds more than one release (" + app + "/" + release + " and " + a + "/" + r + ")");
                        }
                        app = a;
                        release = r;
                        files.put(rel.group(3), bytes);
                    }
                } else {
                    throw refuse(what, "the entry '" + name + "' is not part of a release tar (oci-layout, index.json,"
                            + " blobs/sha256/<hex>, layercake/releases/<app>/<release>/...)");
                }
            }
        }
        if (app == null || !files.containsKey(StoreKeys.MANIFEST)) {
            throw refuse(what, "it holds no layercake/releases/<app>/<release>/manifest.json");
        }
        Manifest manifest = Json.read(files.get(StoreKeys.MANIFEST), Manifest.class, "the manifest in " + what);
        if (!app.equals(manifest.app()) || !release.equals(manifest.release())) {
            throw refuse(what, "its manifest is that of " + manifest.app() + "/" + manifest.release() + ", stored as " + app + "/" + release);
        }
        List<String> absent = new ArrayList<>();
        for (Map.Entry<Digest, String> b : manifest.referencedBlobs().entrySet()) {
            if (!blobs.containsKey(b.getKey())) {
                absent.add(b.getValue() + " (" + b.getKey() + ")");
            }
        }
        if (!absent.isEmpty()) {
            throw refuse(what, "its manifest names " + absent.size() + " blob(s) the tar does not hold, first: " + absent.get(0));
        }
        return new Staged(app, release, blobs, files);
    }

    private static CopyResult write(Staged staged, ReleaseStore store, ProgressListener listener) {
        String app = staged.app();
        String release = staged.release();
        byte[] manifestBytes = staged.files().get(StoreKeys.MANIFEST);
        ReleaseCopier.requireSameOrAbsent(store, app, release, manifestBytes);
        boolean present = store.releaseExists(app, release);
        Manifest manifest = Json.read(manifestBytes, Manifest.class, "the imported manifest");
        Map<Digest, Long> sizes = manifest.recordedBlobSizes();
        long blobsBefore = store.stats().blobsWritten();
        long skippedBefore = store.stats().blobsSkipped();
        long bytesBefore = store.stats().bytesWritten();
        int n = 0;
        Set<Digest> named = manifest.referencedBlobs().keySet();
        for (Digest d : named) {
            Path p = staged.blobs().get(d);
            store.putBlob(d, sizes.getOrDefault(d, -1L), null, () -> Files.newInputStream(p));
            listener.progress("import", ++n, named.size(), "blobs");
        }
        List<String> extras = new ArrayList<>();
        for (Map.Entry<String, byte[]> f : staged.files().entrySet()) {
            if (f.getKey().equals(StoreKeys.MANIFEST)) {
                continue;
            }
            String key = StoreKeys.releaseDir(app, release) + f.getKey();
            if (store.objects().create(key, new ByteArrayInputStream(f.getValue()), f.getValue().length, () -> { })) {
                extras.add(key);
            }
        }
        if (!present) {
            ReleaseCopier.writeManifestBytes(store, app, release, manifestBytes);
        }
        listener.info((present ? app + "/" + release + " was already in the store with the same manifest"
                : "imported " + app + "/" + release) + " into " + store.objects().describe());
        return new CopyResult("tar", store.objects().describe(), List.of(new CopyResult.Copied(app, release,
                Digest.of(manifestBytes).toString(), present ? "present" : "copied", store.stats().blobsWritten() - blobsBefore,
                store.stats().blobsSkipped() - skippedBefore, store.stats().bytesWritten() - bytesBefore, extras)));
    }

    private static LayercakeException refuse(String what, String why) {
        return LayercakeException.corrupt("refusing to import " + what + ": " + why + "; nothing was written to the store");
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // a staging folder under the temp dir; removal is best effort
        }
    }
}
