package dev.layercake.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@code docker save} stream (docker-archive: {@code manifest.json}, a config, layer tars; the
 * older layout and the OCI-style one of newer Docker) into OCI content: the config and the uncompressed
 * layers as blobs, and a new OCI image manifest naming them. Large entries are written as they stream
 * past, never held in memory; the archive is read once.
 */
public final class DockerArchive {

    /** Writes a blob whose digest is not known beforehand and returns its descriptor (digest, size). */
    @FunctionalInterface
    public interface BlobWriter {
        Descriptor write(InputStream content, String mediaType);
    }

    /** An exported image: its new OCI manifest, the blobs it names, its platform. */
    public record Exported(ManifestDoc manifest, List<Descriptor> blobs, String platform) {
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long IN_MEMORY_LIMIT = 1024 * 1024;

    private DockerArchive() {
    }

    /** Reads the archive of one image; {@code what} names it in messages. */
    public static Exported read(InputStream archive, BlobWriter writer, String what) {
        Map<String, Descriptor> stored = new HashMap<>();
        Map<String, byte[]> small = new HashMap<>();
        Map<String, String> links = new HashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(archive)) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                String name = normalize(e.getName());
                if (e.isSymbolicLink()) {
                    links.put(name, resolve(name, e.getLinkName()));
                } else if (e.isLink()) {
                    links.put(name, normalize(e.getLinkName()));
                } else if (e.isFile()) {
                    if (e.getSize() <= IN_MEMORY_LIMIT) {
                        small.put(name, tar.readAllBytes());
                    } else {
                        stored.put(name, writer.write(new NonClosing(tar), MediaTypes.OCI_LAYER_TAR));
                    }
                }
            }
        } catch (IOException ex) {
            throw new RegistryException(RegistryException.Kind.UNAVAILABLE, "reading the exported archive of " + what
                    + " failed: " + ex.getMessage(), ex);
        }
        byte[] manifestJson = small.get("manifest.json");
        if (manifestJson == null) {
            throw new RegistryException(RegistryException.Kind.CORRUPT, "the exported archive of " + what + " has no manifest.json");
        }
        JsonNode entries;
        try {
            entries = MAPPER.readTree(manifestJson);
        } catch (IOException ex) {
            throw new RegistryException(RegistryException.Kind.CORRUPT, "manifest.json of " + what + " is not JSON");
        }
        if (!entries.isArray() || entries.size() != 1) {
            throw new RegistryException(RegistryException.Kind.CORRUPT, "the exported archive of " + what + " holds "
                    + entries.size() + " images, expected 1");
        }
        JsonNode entry = entries.get(0);
        String configName = follow(normalize(entry.path("Config").asText()), links);
        byte[] config = small.get(configName);
        if (config == null) {
            throw new RegistryException(RegistryException.Kind.CORRUPT, "the config " + configName + " of " + what + " is missing or too large");
        }
        Descriptor configDesc = writer.write(new ByteArrayInputStream(config), MediaTypes.OCI_CONFIG);
        List<Descriptor> layers = new ArrayList<>();
        for (JsonNode l : entry.path("Layers")) {
            String layerName = follow(normalize(l.asText()), links);
            Descriptor d = stored.get(layerName);
            if (d == null && small.containsKey(layerName)) {
                d = writer.write(new ByteArrayInputStream(small.get(layerName)), MediaTypes.OCI_LAYER_TAR);
            }
            if (d == null) {
                throw new RegistryException(RegistryException.Kind.CORRUPT, "layer " + layerName + " of " + what + " is missing from the archive");
            }
            layers.add(Descriptor.of(d.digest(), d.size(), MediaTypes.OCI_LAYER_TAR));
        }
        ObjectNode m = MAPPER.createObjectNode();
        m.put("schemaVersion", 2);
        m.put("mediaType", MediaTypes.OCI_MANIFEST);
        ObjectNode c = m.putObject("config");
        c.put("mediaType", MediaTypes.OCI_CONFIG);
        c.put("digest", configDesc.digest());
        c.put("size", configDesc.size());
        ArrayNode ls = m.putArray("layers");
        for (Descriptor d : layers) {
            ObjectNode n = ls.addObject();
            n.put("mediaType", d.mediaType());
            n.put("digest", d.digest());
            n.put("size", d.size());
        }
        byte[] bytes;
        try {
            bytes = MAPPER.writeValueAsString(m).getBytes(StandardCharsets.UTF_8);
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
        ManifestDoc doc = ManifestDoc.parse(bytes, MediaTypes.OCI_MANIFEST, "manifest of " + what);
        List<Descriptor> blobs = new ArrayList<>();
        blobs.add(Descriptor.of(configDesc.digest(), configDesc.size(), MediaTypes.OCI_CONFIG));
        blobs.addAll(layers);
        String platform = null;
        try {
            JsonNode cfg = MAPPER.readTree(config);
            platform = cfg.path("os").asText("linux") + "/" + cfg.path("architecture").asText("amd64")
                    + (cfg.hasNonNull("variant") ? "/" + cfg.path("variant").asText() : "");
        } catch (IOException ignored) {
            // a config that is not JSON still copies; only the platform is unknown
        }
        return new Exported(doc, blobs, platform);
    }

    private static String normalize(String name) {
        String n = name.startsWith("./") ? name.substring(2) : name;
        return n.startsWith("/") ? n.substring(1) : n;
    }

    private static String resolve(String from, String target) {
        if (target.startsWith("/")) {
            return normalize(target);
        }
        List<String> parts = new ArrayList<>(List.of(from.split("/")));
        parts.remove(parts.size() - 1);
        for (String p : target.split("/")) {
            if (p.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.remove(parts.size() - 1);
                }
            } else if (!p.equals(".") && !p.isEmpty()) {
                parts.add(p);
            }
        }
        return String.join("/", parts);
    }

    private static String follow(String name, Map<String, String> links) {
        String n = name;
        for (int i = 0; i < 8 && links.containsKey(n); i++) {
            n = links.get(n);
        }
        return n;
    }

    /** The writer must not close the tar stream under us. */
    private static final class NonClosing extends FilterInputStream {
        NonClosing(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
        }
    }
}
