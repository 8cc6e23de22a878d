package dev.layercake.store;

import dev.layercake.api.access.Access;
import dev.layercake.api.request.StoreLocation;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.layercake.LayercakeException;
import dev.layercake.model.Digest;
import dev.layercake.model.ImageEntry;
import dev.layercake.model.Json;
import dev.layercake.model.Manifest;
import dev.layercake.model.Names;
import dev.layercake.registry.Descriptor;
import dev.layercake.registry.ImageRef;
import dev.layercake.registry.ManifestDoc;
import dev.layercake.registry.MediaTypes;
import dev.layercake.registry.RegistryClient;
import dev.layercake.registry.RegistryException;
import dev.layercake.registry.RegistryOptions;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A store in one repository of an OCI registry ({@code oci://REGISTRY/REPOSITORY}), spoken to with
 * registry-backup's {@link RegistryClient} (plain HTTP only for hosts named with {@code --insecure-registry} or in
 * {@value #INSECURE_ENV}; the same
 * docker/podman credential files as image backups).
 *
 * <ul>
 * <li>{@code blobs/sha256/<hex>}: the registry's own blob of that digest (the registry checks the digest).</li>
 * <li>every other key (a release manifest, its signature, frozen marker, drill records, leases): one OCI
 *     artifact manifest of {@code artifactType} {@value #ARTIFACT_TYPE} (release manifests:
 *     {@value #RELEASE_ARTIFACT_TYPE}) whose config blob is the key's bytes, tagged by {@link #tagOf}. A release
 *     manifest's artifact lists the blobs it names as its layers, so the registry's gc keeps them, and is annotated
 *     with its app, release and images.</li>
 * </ul>
 *
 * <p>Create-only, but not exclusive ({@link StoreCapabilities#exclusiveCreate()} false): registries have no
 * conditional PUT, so a create checks that the tag is absent, pushes, and reads the tag back; a writer that finds
 * another's manifest there reports that the key existed. Two writers inside the same few milliseconds can both
 * read back their own manifest before the later PUT lands: then the tag holds the later one, and the earlier
 * backup's reported manifest digest no longer matches what {@code verify} and {@code show} report (a signed
 * release also fails its signature check). Leases are not taken and {@code list("blobs/")} is refused: garbage
 * collection is the registry's own ({@code registry garbage-collect}), never Layercake's.
 */
public final class OciObjectStore implements ObjectStore {

    /** Comma-separated registry hosts spoken to over plain HTTP, as with {@code --insecure-registry}. */
    public static final String INSECURE_ENV = "LAYERCAKE_INSECURE_REGISTRIES";
    public static final String ARTIFACT_TYPE = "application/vnd.layercake.object.v1";
    public static final String RELEASE_ARTIFACT_TYPE = "application/vnd.layercake.release.v1";
    public static final String CONFIG_TYPE = "application/vnd.layercake.object.v1+octet-stream";
    public static final String RELEASE_CONFIG_TYPE = "application/vnd.layercake.manifest.v1+json";
    public static final String BLOB_TYPE = "application/vnd.layercake.blob.v1";
    public static final String KEY_ANNOTATION = "dev.layercake.key";
    static final String WRITE_ANNOTATION = "dev.layercake.write";
    static final String CREATED_ANNOTATION = "org.opencontainers.image.created";
    static final String APP_ANNOTATION = "dev.layercake.app";
    static final String RELEASE_ANNOTATION = "dev.layercake.release";
    static final String IMAGES_ANNOTATION = "dev.layercake.images";
    /** {@code REF@DIGEST,...}: the release's images, each pullable by digest from this same repository. */
    public static final String IMAGE_DIGESTS_ANNOTATION = "dev.layercake.image-digests";
    private static final int MAX_TAG = 128;
    private static final int MAX_MANIFEST_OBJECT = 64 * 1024 * 1024;
    private static final StoreCapabilities CAPABILITIES = new StoreCapabilities(false, false, false);

    private final RegistryClient client;
    private final String registry;
    private final String repository;

    public OciObjectStore(RegistryClient client, String registry, String repository) {
        this.client = client;
        this.registry = registry;
        this.repository = repository;
    }

    public static OciObjectStore open(StoreLocation location, Access access) {
        return open(location, access, List.of());
    }

    /**
     * Opens the store with the docker/podman credentials of {@code access}; plain HTTP for the hosts in
     * {@code insecureRegistries} (the commands' {@code --insecure-registry}) and in {@value #INSECURE_ENV}.
     */
    public static OciObjectStore open(StoreLocation location, Access access, List<String> insecureRegistries) {
        List<String> insecure = new ArrayList<>(insecureRegistries == null ? List.of() : insecureRegistries);
        String value = access.environment().get(INSECURE_ENV);
        if (value != null) {
            for (String h : value.split(",")) {
                if (!h.isBlank()) {
                    insecure.add(h.trim());
                }
            }
        }
        return new OciObjectStore(new RegistryClient(access.registryOptions(insecure)), location.endpoint(), location.prefix());
    }

    public static OciObjectStore open(StoreLocation location, RegistryOptions options) {
        return new OciObjectStore(new RegistryClient(options), location.endpoint(), location.prefix());
    }

    @Override
    public String describe() {
        return "oci://" + registry + "/" + repository;
    }

    @Override
    public StoreCapabilities capabilities() {
        return CAPABILITIES;
    }

    // ---- key <-> tag --------------------------------------------------------------------------------

    /**
     * The tag of a non-blob key. {@code releases/APP/RELEASE/manifest.json} is {@code APP.RELEASE}; other files
     * of a release are {@code APP.RELEASE.FILE...}; any other key is {@code _SEG.SEG...}. Within a segment letters,
     * digits and '-' stay, '_' is {@code __}, '.' is {@code _d} and any other byte {@code _xHH}: so the mapping is
     * one-to-one and a tag decodes back to its key. A key whose tag would pass 128 characters is refused.
     */
    public static String tagOf(String key) {
        StoreKeys.check(key);
        String[] seg = key.split("/");
        StringBuilder tag = new StringBuilder();
        if (seg.length >= 4 && seg[0].equals("releases") && isName(seg[1]) && isName(seg[2])) {
            tag.append(escape(seg[1])).append('.').append(escape(seg[2]));
            if (!(seg.length == 4 && seg[3].equals(StoreKeys.MANIFEST))) {
                for (int i = 3; i < seg.length; i++) {
                    tag.append('.').append(escape(seg[i]));
                }
            }
        } else {
            tag.append('_');
            for (int i = 0; i < seg.length; i++) {
                tag.append(i == 0 ? "" : ".").append(escape(seg[i]));
            }
        }
        if (tag.length() > MAX_TAG) {
            throw LayercakeException.usage("the store key '" + key + "' needs the tag '" + tag + "', longer than the "
                    + MAX_TAG + " characters a registry allows; use shorter app and release names");
        }
        return tag.toString();
    }

    /** The key a tag stands for, or empty when the tag is not one {@link #tagOf} makes (an image's tag, say). */
    public static Optional<String> keyOf(String tag) {
        try {
            String key;
            if (tag.startsWith("_")) {
                String[] parts = tag.substring(1).split("\\.", -1);
                StringBuilder k = new StringBuilder();
                for (int i = 0; i < parts.length; i++) {
                    k.append(i == 0 ? "" : "/").append(unescape(parts[i]));
                }
                key = k.toString();
            } else {
                String[] parts = tag.split("\\.", -1);
                if (parts.length < 2) {
                    return Optional.empty();
                }
                StringBuilder k = new StringBuilder(StoreKeys.RELEASES).append(unescape(parts[0])).append('/').append(unescape(parts[1]));
                if (parts.length == 2) {
                    k.append('/').append(StoreKeys.MANIFEST);
                } else {
                    for (int i = 2; i < parts.length; i++) {
                        k.append('/').append(unescape(parts[i]));
                    }
                }
                key = k.toString();
            }
            StoreKeys.check(key);
            return tagOf(key).equals(tag) ? Optional.of(key) : Optional.empty();
        } catch (LayercakeException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static boolean isName(String s) {
        try {
            Names.checkSegment("name", s);
            return true;
        } catch (LayercakeException e) {
            return false;
        }
    }

    private static String escape(String segment) {
        StringBuilder out = new StringBuilder();
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || c == '-')) {
                out.append(c);
            } else if (c == '_') {
                out.append("__");
            } else if (c == '.') {
                out.append("_d");
            } else {
                out.append("_x").append(String.format("%02x", b & 0xff));
            }
        }
        return out.toString();
    }

    private static String unescape(String part) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c != '_') {
                out.write(c);
                continue;
            }
            if (i + 1 >= part.length()) {
                throw new IllegalArgumentException("dangling escape");
            }
            char n = part.charAt(++i);
            if (n == '_') {
                out.write('_');
            } else if (n == 'd') {
                out.write('.');
            } else if (n == 'x' && i + 2 < part.length()) {
                out.write(Integer.parseInt(part.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                throw new IllegalArgumentException("bad escape");
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean isBlobKey(String key) {
        return key.startsWith(StoreKeys.BLOBS) && key.substring(StoreKeys.BLOBS.length()).matches("[0-9a-f]{64}");
    }

    private static String blobDigest(String key) {
        return "sha256:" + key.substring(StoreKeys.BLOBS.length());
    }

    // ---- reads --------------------------------------------------------------------------------------

    /** A Layercake artifact as read from its tag: its manifest, its config descriptor and when it was written. */
    private record Artifact(ManifestDoc doc, Descriptor config, Instant created) {
    }

    /**
     * The artifact a key's tag points at, checked to be Layercake's and to be that key's; empty when the tag is
     * absent. A tag holding anything else (an image, another tool's artifact) is refused as CORRUPT, never read.
     */
    private Optional<Artifact> artifact(String key) {
        String tag = tagOf(key);
        ManifestDoc doc;
        try {
            doc = client.getManifest(ref(tag));
        } catch (RegistryException e) {
            if (e.kind() == RegistryException.Kind.NOT_FOUND) {
                return Optional.empty();
            }
            throw translate(e, "read tag '" + tag + "'");
        }
        String type = doc.descriptor().artifactType();
        Descriptor config = doc.isIndex() ? null : doc.config();
        String recordedKey = doc.descriptor().annotations().get(KEY_ANNOTATION);
        if (!ARTIFACT_TYPE.equals(type) && !RELEASE_ARTIFACT_TYPE.equals(type) || config == null || !key.equals(recordedKey)) {
            throw LayercakeException.corrupt("the tag '" + tag + "' of " + describe() + " (Layercake's key " + key
                    + ") points at " + (type == null ? "an artifact of media type " + doc.mediaType() : "an artifact of type " + type)
                    + (recordedKey == null || key.equals(recordedKey) ? "" : " recorded for the key " + recordedKey)
                    + ", not a Layercake object; the repository holds something else under that tag: use another"
                    + " repository for the store or another release id");
        }
        Instant created = Instant.EPOCH;
        String at = doc.descriptor().annotations().get(CREATED_ANNOTATION);
        if (at != null) {
            try {
                created = Instant.parse(at);
            } catch (DateTimeParseException ignored) {
                // a missing or odd time sorts first; the object itself is still read and checked
            }
        }
        return Optional.of(new Artifact(doc, config, created));
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        StoreKeys.check(key);
        if (isBlobKey(key)) {
            try {
                var size = client.blobSize(registry, repository, blobDigest(key));
                // A redirecting registry does not say the size on HEAD: the blob exists, its size is unknown (-1).
                return size.isPresent() ? Optional.of(new ObjectInfo(key, size.getAsLong(), Instant.EPOCH)) : Optional.empty();
            } catch (RegistryException e) {
                throw translate(e, "stat " + key);
            }
        }
        return artifact(key).map(a -> new ObjectInfo(key, a.config().size(), a.created()));
    }

    @Override
    public InputStream open(String key) {
        StoreKeys.check(key);
        try {
            if (isBlobKey(key)) {
                var size = client.blobSize(registry, repository, blobDigest(key));
                if (size.isEmpty()) {
                    throw LayercakeException.notFound(key + " does not exist in " + describe());
                }
                return client.openBlob(registry, repository, Descriptor.of(blobDigest(key), size.getAsLong(), BLOB_TYPE));
            }
            Artifact a = artifact(key).orElseThrow(() -> LayercakeException.notFound(key + " does not exist in " + describe()
                    + " (no tag '" + tagOf(key) + "')"));
            return client.openBlob(registry, repository, a.config());
        } catch (RegistryException e) {
            throw translate(e, "open " + key);
        }
    }

    // ---- writes -------------------------------------------------------------------------------------

    @Override
    public boolean create(String key, InputStream content, long length, Runnable beforeCommit) {
        StoreKeys.check(key);
        if (!isBlobKey(key) && artifact(key).isPresent()) {
            return false;
        }
        if (isBlobKey(key) && stat(key).isPresent()) {
            return false;
        }
        Path tmp = null;
        try {
            tmp = Files.createTempFile("layercake-oci-", ".part");
            var sha = Digest.newSha256();
            long size = 0;
            try (OutputStream out = Files.newOutputStream(tmp)) {
                byte[] buf = new byte[256 * 1024];
                int n;
                while ((n = content.read(buf)) >= 0) {
                    sha.update(buf, 0, n);
                    out.write(buf, 0, n);
                    size += n;
                }
            }
            beforeCommit.run();
            Digest digest = Digest.fromRaw(sha.digest());
            Path file = tmp;
            if (isBlobKey(key)) {
                if (!digest.toString().equals(blobDigest(key))) {
                    throw LayercakeException.corrupt("content for " + key + " hashes to " + digest + "; not stored");
                }
                client.pushBlob(registry, repository, Descriptor.of(digest.toString(), size, BLOB_TYPE), () -> Files.newInputStream(file));
                return true;
            }
            if (size > MAX_MANIFEST_OBJECT) {
                throw LayercakeException.usage(key + " is " + size + " bytes; an OCI store keeps objects other than blobs"
                        + " up to " + MAX_MANIFEST_OBJECT + " bytes");
            }
            byte[] bytes = Files.readAllBytes(file);
            return pushArtifact(key, bytes, digest);
        } catch (IOException e) {
            throw new LayercakeException(LayercakeException.Kind.UNAVAILABLE, "cannot spool " + key + " for " + describe()
                    + ": " + e.getMessage(), e);
        } catch (RegistryException e) {
            throw translate(e, "write " + key);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: a temporary file of this process
                }
            }
        }
    }

    /** Pushes the config blob, then the artifact manifest under the key's tag: absent before, ours after. */
    private boolean pushArtifact(String key, byte[] bytes, Digest digest) {
        boolean release = key.startsWith(StoreKeys.RELEASES) && key.endsWith("/" + StoreKeys.MANIFEST) && key.split("/").length == 4;
        String configType = release ? RELEASE_CONFIG_TYPE : CONFIG_TYPE;
        client.pushBlob(registry, repository, Descriptor.of(digest.toString(), bytes.length, configType), () -> new ByteArrayInputStream(bytes));

        ObjectNode m = Json.mapper().createObjectNode();
        m.put("schemaVersion", 2);
        m.put("mediaType", MediaTypes.OCI_MANIFEST);
        m.put("artifactType", release ? RELEASE_ARTIFACT_TYPE : ARTIFACT_TYPE);
        ObjectNode config = m.putObject("config");
        config.put("mediaType", configType);
        config.put("digest", digest.toString());
        config.put("size", bytes.length);
        ArrayNode layers = m.putArray("layers");
        ObjectNode annotations = Json.mapper().createObjectNode();
        annotations.put(KEY_ANNOTATION, key);
        annotations.put(CREATED_ANNOTATION, Instant.now().toString());
        // Each write's own id: two writers of equal bytes still make different manifests, so the read-back tells them apart.
        annotations.put(WRITE_ANNOTATION, UUID.randomUUID().toString());
        if (release) {
            Manifest manifest = Json.read(bytes, Manifest.class, "the manifest to store as " + key);
            annotations.put(APP_ANNOTATION, manifest.app());
            annotations.put(RELEASE_ANNOTATION, manifest.release());
            annotations.put(IMAGES_ANNOTATION, String.join(",", manifest.images().stream().map(ImageEntry::ref).toList()));
            List<String> pullable = pushImageManifests(manifest);
            if (!pullable.isEmpty()) {
                annotations.put(IMAGE_DIGESTS_ANNOTATION, String.join(",", pullable));
            }
            Map<Digest, String> named = new TreeMap<>(Comparator.comparing(Digest::toString));
            named.putAll(manifest.referencedBlobs());
            for (Digest d : named.keySet()) {
                var size = client.blobSize(registry, repository, d.toString());
                if (size.isEmpty()) {
                    throw LayercakeException.corrupt("refusing to tag " + key + ": the blob " + d + " it names is not in " + describe());
                }
                ObjectNode layer = layers.addObject();
                layer.put("mediaType", BLOB_TYPE);
                layer.put("digest", d.toString());
                layer.put("size", size.getAsLong());
            }
        }
        m.set("annotations", annotations);
        byte[] manifestBytes = Json.write(m);
        ManifestDoc doc = ManifestDoc.parse(manifestBytes, MediaTypes.OCI_MANIFEST, "the artifact of " + key);
        String tag = tagOf(key);
        if (artifactDigest(tag).isPresent()) {
            return false; // someone tagged it while we uploaded: never moved
        }
        client.putManifest(registry, repository, tag, doc);
        // Read back: with no conditional PUT, a racing writer may have tagged its own manifest in the meantime.
        return artifactDigest(tag).map(doc.digest()::equals).orElse(false);
    }

    /**
     * Makes every image the release keeps in this store a real image of this repository, pullable by digest: its
     * layers and configs are already the repository's blobs; its manifests (single-platform ones first, then
     * indexes, then attached referrers) are put by digest from their stored bytes, unchanged. The registry checks
     * that every blob a manifest names is there. Returns {@code REF@DIGEST} of each image made pullable.
     */
    private List<String> pushImageManifests(Manifest manifest) {
        List<String> pullable = new ArrayList<>();
        for (ImageEntry image : manifest.images()) {
            List<dev.layercake.model.BlobRef> manifests = new ArrayList<>();
            collectManifests(image, manifests);
            if (manifests.isEmpty() || image.digest() == null) {
                continue;
            }
            manifests.sort(Comparator.comparing(b -> MediaTypes.isIndex(b.mediaType()) ? 1 : 0));
            for (dev.layercake.model.BlobRef b : manifests) {
                String digest = b.digest().toString();
                if (client.headManifest(ImageRef.parse(registry + "/" + repository + "@" + digest)).isPresent()) {
                    continue;
                }
                byte[] bytes;
                try (InputStream in = client.openBlob(registry, repository, Descriptor.of(digest, b.size(), b.mediaType()))) {
                    bytes = in.readNBytes(MAX_MANIFEST_OBJECT + 1);
                } catch (IOException e) {
                    throw new LayercakeException(LayercakeException.Kind.UNAVAILABLE, "cannot read the image manifest " + digest
                            + " of " + image.ref() + " from " + describe() + ": " + e.getMessage(), e);
                }
                if (bytes.length > MAX_MANIFEST_OBJECT || !Digest.of(bytes).toString().equals(digest)) {
                    throw LayercakeException.corrupt("the image manifest " + digest + " of " + image.ref() + " in " + describe()
                            + " does not hash to its digest; run verify");
                }
                client.putManifest(registry, repository, digest, ManifestDoc.parse(bytes, b.mediaType(), "image manifest " + digest));
            }
            if (manifests.stream().anyMatch(b -> b.digest().equals(image.digest()))) {
                pullable.add(image.ref() + "@" + image.digest());
            }
        }
        return pullable;
    }

    private static void collectManifests(ImageEntry image, List<dev.layercake.model.BlobRef> out) {
        for (dev.layercake.model.BlobRef b : image.blobs()) {
            if (b.mediaType() != null && MediaTypes.isAnyManifest(b.mediaType()) && !MediaTypes.isSchema1(b.mediaType())) {
                out.add(b);
            }
        }
        for (ImageEntry r : image.referrers()) {
            collectManifests(r, out);
        }
    }

    private Optional<String> artifactDigest(String tag) {
        return client.headManifest(ref(tag)).map(Descriptor::digest);
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        String p = prefix == null ? "" : prefix;
        if (p.startsWith(StoreKeys.BLOBS) || StoreKeys.BLOBS.startsWith(p) && !p.isEmpty()) {
            throw new LayercakeException(LayercakeException.Kind.UNSUPPORTED, describe() + " cannot list blobs: a registry"
                    + " has no blob listing. Garbage collection of an OCI store is the registry's own (distribution:"
                    + " 'registry garbage-collect'); the release artifacts list the blobs they need as layers, so it keeps them");
        }
        List<String> tags;
        try {
            tags = client.tagsFirstPage(registry, repository).orElseThrow(() -> new LayercakeException(
                    LayercakeException.Kind.UNSUPPORTED, describe() + " has more than 1000 tags; an OCI store lists at most"
                    + " 1000 (one page): use another repository for further releases"));
        } catch (RegistryException e) {
            throw translate(e, "list tags");
        }
        List<ObjectInfo> out = new ArrayList<>();
        for (String tag : tags) {
            Optional<String> key = keyOf(tag);
            if (key.isEmpty() || !key.get().startsWith(p)) {
                continue;
            }
            try {
                artifact(key.get()).ifPresent(a -> out.add(new ObjectInfo(key.get(), a.config().size(), a.created())));
            } catch (LayercakeException e) {
                if (e.kind() != LayercakeException.Kind.CORRUPT) {
                    throw e;
                }
                // a tag of the same shape that is not Layercake's (an image tagged 'v1.2', say): not an object of the store
            }
        }
        out.sort(Comparator.comparing(ObjectInfo::key));
        return out;
    }

    /**
     * Deletes the key's artifact manifest (and so its tag); UNSUPPORTED with the fix when the registry does not
     * allow deletes. Blobs are never deleted here: the registry's gc removes those no manifest names.
     */
    @Override
    public void delete(String key) {
        StoreKeys.check(key);
        if (isBlobKey(key)) {
            throw new LayercakeException(LayercakeException.Kind.UNSUPPORTED, "an OCI store does not delete blobs ("
                    + key + "); the registry's own garbage collection removes those no manifest names");
        }
        String tag = tagOf(key);
        try {
            Optional<String> digest = artifactDigest(tag);
            if (digest.isEmpty()) {
                return;
            }
            artifact(key); // refuses to delete what is not Layercake's
            client.deleteManifest(registry, repository, digest.get());
        } catch (RegistryException e) {
            throw translate(e, "delete " + key);
        }
    }

    private ImageRef ref(String tag) {
        return ImageRef.parse(registry + "/" + repository + ":" + tag);
    }

    private LayercakeException translate(RegistryException e, String what) {
        LayercakeException.Kind kind = switch (e.kind()) {
            case INVALID -> LayercakeException.Kind.USAGE;
            case NOT_FOUND -> LayercakeException.Kind.NOT_FOUND;
            case AUTH -> LayercakeException.Kind.AUTH;
            case UNAVAILABLE -> LayercakeException.Kind.UNAVAILABLE;
            case CORRUPT -> LayercakeException.Kind.CORRUPT;
            case UNSUPPORTED -> LayercakeException.Kind.UNSUPPORTED;
        };
        return new LayercakeException(kind, "cannot " + what + " in " + describe() + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        client.close();
    }
}
