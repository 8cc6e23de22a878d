package dev.layercake.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * DEMO ONLY: builds the sample's images into the {@link DemoRegistry} without a daemon, as a build would push
 * them: uncompressed OCI tar layers written here (fixed times and owners, so every run gives the same digests),
 * a config and a manifest. The base images the sample's Dockerfiles name (golang, distroless, node, nginx,
 * python, redis) cannot be pulled here: they are small stand-ins, labelled as such, that share an "os" layer the
 * way real images built on one distribution do. The service images ({@code shop/api}, {@code shop/web},
 * {@code shop/worker}) are their runtime base's layers plus one layer of the service's files from {@code src/}
 * (source, not a compiled program: these images do not run). So layers are shared between images, which is
 * what the backup de-duplicates and the report draws.
 */
public final class DemoImages {

    public static final String LAYER = "application/vnd.oci.image.layer.v1.tar";
    public static final String CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";

    /** One built image: repository, tag, manifest digest, its layers' digests. */
    public record Built(String repository, String tag, String digest, List<String> layers) {
    }

    private final DemoRegistry registry;
    private final List<Built> built = new ArrayList<>();
    private final Map<String, List<byte[]>> layersOf = new LinkedHashMap<>();

    public DemoImages(DemoRegistry registry) {
        this.registry = registry;
    }

    /** Builds every image the sample names, from the sample's files under {@code sample} (the repository's src/). */
    public List<Built> buildSample(Path sample) {
        byte[] alpine = layer(Map.of("etc/os-release", text("NAME=\"layercake demo stand-in for Alpine Linux\"\n"),
                "usr/share/layercake-demo/os-alpine.bin", filler("alpine", 320 * 1024)));
        byte[] debian = layer(Map.of("etc/os-release", text("NAME=\"layercake demo stand-in for Debian 12\"\n"),
                "usr/share/layercake-demo/os-debian.bin", filler("debian", 480 * 1024)));
        base("library/golang", "1.22.5-bookworm", debian, 900 * 1024);
        base("distroless/static-debian12", "nonroot", debian, 40 * 1024);
        base("library/node", "20.15-alpine", alpine, 600 * 1024);
        base("nginxinc/nginx-unprivileged", "1.27-alpine", alpine, 160 * 1024);
        base("library/python", "3.12-slim", debian, 700 * 1024);
        base("library/redis", "7.2-alpine", alpine, 200 * 1024);
        service("shop/api", "1.4.2", "distroless/static-debian12", sample.resolve("services/api"), "api");
        service("shop/web", "1.4.2", "nginxinc/nginx-unprivileged", sample.resolve("services/web"), "usr/share/nginx/html");
        service("shop/worker", "1.4.2", "library/python", sample.resolve("services/worker"), "app");
        return List.copyOf(built);
    }

    private void base(String repository, String tag, byte[] os, int ownBytes) {
        String name = repository + ":" + tag;
        byte[] own = layer(Map.of("usr/share/layercake-demo/" + repository.replace('/', '_') + ".txt",
                text("layercake demo stand-in for " + name + ": not the real image, it cannot be pulled here.\n"),
                "usr/share/layercake-demo/" + repository.replace('/', '_') + ".bin", filler(name, ownBytes)));
        push(repository, tag, List.of(os, own), "stand-in for " + name);
    }

    private void service(String repository, String tag, String runtimeBase, Path dir, String into) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                files.put(into + "/" + dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the sample service " + dir, e);
        }
        if (files.isEmpty()) {
            throw new IllegalStateException("the sample service " + dir + " has no files");
        }
        List<byte[]> layers = new ArrayList<>(layersOf.get(runtimeBase));
        layers.add(layer(files));
        push(repository, tag, layers, "the sample's " + repository + " (demo build: its files on " + runtimeBase + ")");
    }

    private void push(String repository, String tag, List<byte[]> layers, String description) {
        layersOf.put(repository, layers);
        StringBuilder layerJson = new StringBuilder();
        StringBuilder diffIds = new StringBuilder();
        List<String> digests = new ArrayList<>();
        for (byte[] l : layers) {
            String d = registry.putBlob(l);
            digests.add(d);
            layerJson.append(layerJson.isEmpty() ? "" : ",").append("{\"mediaType\":\"").append(LAYER).append("\",\"digest\":\"")
                    .append(d).append("\",\"size\":").append(l.length).append('}');
            diffIds.append(diffIds.isEmpty() ? "" : ",").append('"').append(d).append('"'); // uncompressed: diff id = digest
        }
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2026-01-01T00:00:00Z\",\"config\":{\"Labels\":"
                + "{\"dev.layercake.demo\":\"" + description + "\"}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + diffIds + "]}}")
                .getBytes(StandardCharsets.UTF_8);
        String configDigest = registry.putBlob(config);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MANIFEST + "\",\"config\":{\"mediaType\":\"" + CONFIG
                + "\",\"digest\":\"" + configDigest + "\",\"size\":" + config.length + "},\"layers\":[" + layerJson + "]}")
                .getBytes(StandardCharsets.UTF_8);
        built.add(new Built(repository, tag, registry.putManifest(repository, tag, manifest, MANIFEST), digests));
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Deterministic bytes that do not compress (a SHA-256 chain): stands in for a base image's contents. */
    static byte[] filler(String seed, int size) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] out = new byte[size];
            byte[] block = sha.digest(seed.getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < size; i += block.length) {
                System.arraycopy(block, 0, out, i, Math.min(block.length, size - i));
                block = sha.digest(block);
            }
            return out;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A POSIX ustar archive of the files (sorted by path, mode 0644, owner 0:0, mtime 0): the same bytes every run. */
    static byte[] layer(Map<String, byte[]> files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String path : files.keySet().stream().sorted().toList()) {
            byte[] content = files.get(path);
            byte[] header = new byte[512];
            byte[] name = path.getBytes(StandardCharsets.UTF_8);
            if (name.length > 100) {
                throw new IllegalArgumentException("path too long for the demo's tar writer: " + path);
            }
            System.arraycopy(name, 0, header, 0, name.length);
            octal(header, 100, 8, 0644);
            octal(header, 108, 8, 0);
            octal(header, 116, 8, 0);
            octal(header, 124, 12, content.length);
            octal(header, 136, 12, 0);
            for (int i = 148; i < 156; i++) {
                header[i] = ' ';
            }
            header[156] = '0';
            System.arraycopy("ustar\u000000".getBytes(StandardCharsets.US_ASCII), 0, header, 257, 8);
            long sum = 0;
            for (byte b : header) {
                sum += b & 0xff;
            }
            octal(header, 148, 7, sum);
            out.writeBytes(header);
            out.writeBytes(content);
            out.writeBytes(new byte[(512 - content.length % 512) % 512]);
        }
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    private static void octal(byte[] header, int offset, int length, long value) {
        String s = Long.toOctalString(value);
        String padded = "0".repeat(Math.max(0, length - 1 - s.length())) + s;
        byte[] b = padded.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, header, offset, Math.min(b.length, length - 1));
        header[offset + length - 1] = 0;
    }
}
