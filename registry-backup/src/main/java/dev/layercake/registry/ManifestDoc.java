package dev.layercake.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A manifest or index exactly as the registry served it: the bytes are never re-serialized, so pushing
 * them again keeps the digest. Parsing only reads the descriptors it points to.
 */
public final class ManifestDoc {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final byte[] bytes;
    private final String mediaType;
    private final String digest;
    private final JsonNode json;

    private ManifestDoc(byte[] bytes, String mediaType, String digest, JsonNode json) {
        this.bytes = bytes;
        this.mediaType = mediaType;
        this.digest = digest;
        this.json = json;
    }

    /**
     * Wraps bytes; the media type is the document's own {@code mediaType} field when present, otherwise
     * {@code served} (the Content-Type), otherwise inferred from its shape.
     */
    public static ManifestDoc parse(byte[] bytes, String served, String what) {
        JsonNode json;
        try {
            json = MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new RegistryException(RegistryException.Kind.CORRUPT, what + " is not valid JSON: " + e.getMessage());
        }
        if (json == null || !json.isObject()) {
            throw new RegistryException(RegistryException.Kind.CORRUPT, what + " is not a JSON object");
        }
        String mediaType = json.path("mediaType").asText(null);
        if (mediaType == null || mediaType.isEmpty()) {
            mediaType = served != null && !served.isBlank() ? served.split(";")[0].trim() : null;
        }
        if (mediaType == null || !MediaTypes.isAnyManifest(mediaType) && !MediaTypes.isSchema1(mediaType)) {
            mediaType = json.has("manifests") ? MediaTypes.OCI_INDEX : json.has("layers") ? MediaTypes.OCI_MANIFEST : mediaType;
        }
        if (json.path("schemaVersion").asInt() == 1 || MediaTypes.isSchema1(mediaType)) {
            throw new RegistryException(RegistryException.Kind.UNSUPPORTED, what
                    + " is a Docker schema 1 manifest, which cannot be copied with its digest preserved; rebuild or re-push the image with a current tool");
        }
        if (!MediaTypes.isAnyManifest(mediaType)) {
            throw new RegistryException(RegistryException.Kind.UNSUPPORTED, what + " has media type '" + mediaType
                    + "', not an OCI/Docker manifest or index");
        }
        return new ManifestDoc(bytes.clone(), mediaType, Digests.sha256(bytes), json);
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public int size() {
        return bytes.length;
    }

    public String mediaType() {
        return mediaType;
    }

    public String digest() {
        return digest;
    }

    public boolean isIndex() {
        return MediaTypes.isIndex(mediaType);
    }

    public Descriptor descriptor() {
        return new Descriptor(digest, bytes.length, mediaType, null, artifactType(), annotations(json));
    }

    /** For an index: its manifests, each with its platform. */
    public List<Descriptor> manifests() {
        return descriptors(json.path("manifests"));
    }

    /** For an image manifest: the config blob. */
    public Descriptor config() {
        JsonNode c = json.path("config");
        return c.isObject() ? descriptor(c) : null;
    }

    /** For an image manifest: its layers (or an artifact's blobs). */
    public List<Descriptor> layers() {
        return descriptors(json.path("layers"));
    }

    /** The blobs an image manifest needs: config then layers (none for an index). */
    public List<Descriptor> blobs() {
        List<Descriptor> out = new ArrayList<>();
        if (!isIndex()) {
            Descriptor c = config();
            if (c != null) {
                out.add(c);
            }
            out.addAll(layers());
        }
        return out;
    }

    /** OCI 1.1 {@code subject}: the manifest this one is attached to (a signature's image), or null. */
    public String subject() {
        JsonNode s = json.path("subject");
        return s.isObject() ? s.path("digest").asText(null) : null;
    }

    /** OCI 1.1 {@code artifactType}, or the config media type for artifacts written the older way. */
    public String artifactType() {
        String t = json.path("artifactType").asText(null);
        if (t == null && !isIndex()) {
            Descriptor c = config();
            if (c != null && c.mediaType() != null && !c.mediaType().equals(MediaTypes.OCI_CONFIG)
                    && !c.mediaType().equals("application/vnd.docker.container.image.v1+json")) {
                t = c.mediaType();
            }
        }
        return t;
    }

    private static List<Descriptor> descriptors(JsonNode array) {
        List<Descriptor> out = new ArrayList<>();
        if (array.isArray()) {
            for (JsonNode d : array) {
                out.add(descriptor(d));
            }
        }
        return out;
    }

    static Descriptor descriptor(JsonNode d) {
        String digest = d.path("digest").asText(null);
        if (!Digests.isSha256(digest)) {
            throw new RegistryException(RegistryException.Kind.UNSUPPORTED, "a descriptor has digest '" + digest
                    + "'; only sha256 digests are supported");
        }
        JsonNode p = d.path("platform");
        String platform = null;
        if (p.isObject()) {
            platform = p.path("os").asText("") + "/" + p.path("architecture").asText("")
                    + (p.hasNonNull("variant") ? "/" + p.path("variant").asText() : "");
        }
        return new Descriptor(digest, d.path("size").asLong(-1), d.path("mediaType").asText(null), platform,
                d.path("artifactType").asText(null), annotations(d));
    }

    private static Map<String, String> annotations(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        node.path("annotations").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }
}
