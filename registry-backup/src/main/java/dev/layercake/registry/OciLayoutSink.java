package dev.layercake.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes images as an OCI image layout directory ({@code oci-layout}, {@code index.json},
 * {@code blobs/sha256/<hex>}), readable by {@code skopeo copy oci:DIR:TAG} and {@code podman load}.
 * Call {@link #finish()} after the copies to write {@code index.json}, which names each root manifest
 * with {@code org.opencontainers.image.ref.name} = {@code registry/repository:tag} (or {@code @digest}).
 */
public final class OciLayoutSink implements ImageSink {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final Path dir;
    private final List<ObjectNode> entries = new ArrayList<>();

    public OciLayoutSink(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir.resolve("blobs/sha256"));
            Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        } catch (IOException e) {
            throw new RegistryException(RegistryException.Kind.UNAVAILABLE, "cannot create the OCI layout " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return "oci:" + dir;
    }

    @Override
    public boolean verifiesContent() {
        return true; // putBlob wraps the stream in a verifying one
    }

    @Override
    public String blobKey(ResolvedImage image, Descriptor blob) {
        return blob.digest();
    }

    @Override
    public long putBlob(ResolvedImage image, Descriptor blob, RegistryClient.ContentOpener content) {
        Path file = dir.resolve("blobs/sha256").resolve(blob.hex());
        if (Files.exists(file)) {
            return 0;
        }
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir.resolve("blobs/sha256"), ".part-", "");
            long n;
            try (InputStream in = Digests.verifying(content.open(), blob.digest(), blob.size(), "blob " + blob.digest())) {
                n = Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            return n;
        } catch (Digests.ContentMismatchException e) {
            throw new RegistryException(RegistryException.Kind.CORRUPT, e.getMessage() + "; not written", e);
        } catch (IOException | UncheckedIOException e) {
            throw new RegistryException(RegistryException.Kind.UNAVAILABLE, "cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }

    @Override
    public synchronized void putManifest(ResolvedImage image, ManifestDoc manifest, String tag) {
        byte[] bytes = manifest.bytes();
        putBlob(image, manifest.descriptor(), () -> new java.io.ByteArrayInputStream(bytes));
        if (manifest == image.root() && image.attachedBy() == null) {
            ObjectNode e = MAPPER.createObjectNode();
            e.put("mediaType", manifest.mediaType());
            e.put("digest", manifest.digest());
            e.put("size", manifest.size());
            String name = image.tag() != null ? image.ref().name() + ":" + image.tag() : image.ref().name() + "@" + manifest.digest();
            // The full name, not just the tag: one layout holds many images that may share a tag.
            e.putObject("annotations").put("org.opencontainers.image.ref.name", name).put("io.containerd.image.name", name);
            entries.add(e);
        }
    }

    /** Writes {@code index.json}; returns the layout directory. */
    public synchronized Path finish() {
        ObjectNode index = MAPPER.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", MediaTypes.OCI_INDEX);
        ArrayNode manifests = index.putArray("manifests");
        entries.forEach(manifests::add);
        try {
            Files.write(dir.resolve("index.json"), MAPPER.writeValueAsString(index).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new RegistryException(RegistryException.Kind.UNAVAILABLE, "cannot write " + dir.resolve("index.json"), e);
        }
        return dir;
    }
}
