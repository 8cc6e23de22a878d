package dev.layercake.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Builds real images with {@code podman} (FROM scratch, one layer per file, no network) and pushes them
 * to loopback registries. Podman runs with its own storage folder and the flags that work as root in a
 * container without systemd (vfs storage, cgroupfs, file events), so no machine setup is relied on.
 * Under {@code CI=true} a missing podman fails the test; elsewhere it skips.
 */
public final class PodmanImages implements AutoCloseable {

    private static final String PODMAN = "/usr/bin/podman";
    private static final String SKOPEO = "/usr/bin/skopeo";
    private final Path dir;
    private int contexts;

    private PodmanImages(Path dir) {
        this.dir = dir;
    }

    public static PodmanImages create() {
        RegistryFixture.requireBinary(PODMAN, "podman");
        try {
            return new PodmanImages(Files.createTempDirectory("layercake-podman-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The global flags that make podman independent of machine state (see FINDINGS: podman as root). */
    public List<String> globalFlags() {
        return List.of("--root", dir.resolve("root").toString(), "--runroot", dir.resolve("run").toString(),
                "--storage-driver", "vfs", "--cgroup-manager", "cgroupfs", "--events-backend", "file",
                "--tmpdir", dir.resolve("tmp").toString());
    }

    /**
     * Builds {@code tag} from {@code from} ("scratch" or a local image) with one layer per file (in order),
     * for {@code platform} (null: the host's).
     */
    public void build(String tag, String from, String platform, Map<String, byte[]> files) {
        Path ctx = dir.resolve("ctx-" + (++contexts));
        try {
            Files.createDirectories(ctx);
            StringBuilder containerfile = new StringBuilder("FROM ").append(from).append('\n');
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                Files.write(ctx.resolve(f.getKey()), f.getValue());
                containerfile.append("COPY ").append(f.getKey()).append(" /").append(f.getKey()).append('\n');
            }
            Files.writeString(ctx.resolve("Containerfile"), containerfile.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> args = new ArrayList<>(List.of("build", "--pull=never", "-q", "-t", tag));
        if (platform != null) {
            args.addAll(List.of("--platform", platform));
        }
        args.addAll(List.of("-f", ctx.resolve("Containerfile").toString(), ctx.toString()));
        podman(args.toArray(String[]::new));
    }

    /** Files with the given names and deterministic pseudo-random content of {@code size} bytes each. */
    public static Map<String, byte[]> files(String seed, int size, String... names) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (String name : names) {
            out.put(name, content(seed + "/" + name, size));
        }
        return out;
    }

    /** Incompressible-ish deterministic bytes (a sha256 chain), so layer sizes are what they say. */
    public static byte[] content(String seed, int size) {
        byte[] out = new byte[size];
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] block = sha.digest(seed.getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < size; i += block.length) {
                System.arraycopy(block, 0, out, i, Math.min(block.length, size - i));
                block = sha.digest(block);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** Pushes a local image to {@code ref} (on a loopback registry, plain HTTP). */
    public void push(String local, String ref) {
        podman("push", "-q", "--tls-verify=false", local, "docker://" + ref);
    }

    /** Pushes to a registry that needs basic auth. The password goes on podman's command line: test use only. */
    public void push(String local, String ref, String user, String password) {
        podman("push", "-q", "--tls-verify=false", "--creds", user + ":" + password, local, "docker://" + ref);
    }

    /** Makes a manifest list of local images (each built for its platform) and pushes it with every platform. */
    public void pushManifestList(String list, List<String> images, String ref) {
        podman("manifest", "create", list);
        for (String image : images) {
            podman("manifest", "add", list, "containers-storage:" + image);
        }
        podman("manifest", "push", "-q", "--all", "--tls-verify=false", list, "docker://" + ref);
    }

    /** The digest of what a registry serves for {@code ref}, as skopeo sees it (sha256 of the raw manifest). */
    public static String skopeoDigest(String ref) {
        return skopeoDigest("docker://" + ref, true);
    }

    /** The same for any skopeo transport reference ({@code oci:DIR:NAME}, {@code docker://REF}). */
    public static String skopeoDigest(String transportRef, boolean registry) {
        RegistryFixture.requireBinary(SKOPEO, "skopeo");
        List<String> cmd = new ArrayList<>(List.of(SKOPEO, "inspect", "--raw"));
        if (registry) {
            cmd.add("--tls-verify=false");
        }
        cmd.add(transportRef);
        byte[] raw = runBytes(cmd);
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code skopeo inspect} output (JSON) of {@code ref}, for the platform {@code arch} when it is an index. */
    public static String skopeoInspect(String ref, String arch) {
        List<String> cmd = new ArrayList<>(List.of(SKOPEO));
        if (arch != null) {
            cmd.addAll(List.of("--override-arch", arch, "--override-os", "linux"));
        }
        cmd.addAll(List.of("inspect", "--tls-verify=false", "docker://" + ref));
        return new String(runBytes(cmd), StandardCharsets.UTF_8);
    }

    public String podman(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(PODMAN);
        cmd.addAll(globalFlags());
        cmd.addAll(List.of(args));
        try {
            Files.createDirectories(dir.resolve("tmp"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new String(runBytes(cmd), StandardCharsets.UTF_8).trim();
    }

    static byte[] runBytes(List<String> cmd) {
        try {
            Path err = Files.createTempFile("layercake-cmd-", ".err");
            try {
                Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
                byte[] out = p.getInputStream().readAllBytes();
                if (!p.waitFor(5, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("timed out: " + String.join(" ", cmd));
                }
                if (p.exitValue() != 0) {
                    throw new IllegalStateException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + Files.readString(err));
                }
                return out;
            } finally {
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        RegistryFixture.deleteTree(dir);
    }
}
