package dev.layercake.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Debian {@code docker-registry} (distribution 2.8) on 127.0.0.1 with a free port and its own
 * storage folder, optionally behind htpasswd basic auth. Stop and start it again on the same port and
 * storage to simulate an outage. Under {@code CI=true} a missing binary fails the test; elsewhere it skips.
 */
public final class RegistryFixture implements AutoCloseable {

    /** User and password of {@link #startWithAuth}; the hash is bcrypt of {@link #PASSWORD}. */
    public static final String USER = "alice";
    public static final String PASSWORD = "s3cret-pw";
    private static final String PASSWORD_BCRYPT = "$2a$12$WI6CDSAXBaVxaWsGocceiuZQvLFxGxLXaSHt9dIQOKEXheqJ.jr0K";
    private static final String BINARY = "/usr/bin/docker-registry";

    private final Path dir;
    private final int port;
    private final boolean auth;
    private boolean tls;
    private boolean deleteDisabled;
    private boolean accessLog;
    private Process process;

    private RegistryFixture(Path dir, int port, boolean auth) {
        this.dir = dir;
        this.port = port;
        this.auth = auth;
    }

    public static RegistryFixture start() {
        return start(false);
    }

    public static RegistryFixture startWithAuth() {
        return start(true);
    }

    private static RegistryFixture start(boolean auth) {
        requireBinary(BINARY, "docker-registry");
        try {
            RegistryFixture r = new RegistryFixture(Files.createTempDirectory("layercake-registry-"), freePort(), auth);
            r.writeConfig();
            r.startProcess();
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A registry that logs every request it serves (its access log, in {@code registry.log}): see
     * {@link #requests()} to count what a copy asked of it.
     */
    public static RegistryFixture startWithAccessLog() {
        requireBinary(BINARY, "docker-registry");
        try {
            RegistryFixture r = new RegistryFixture(Files.createTempDirectory("layercake-registry-"), freePort(), false);
            r.accessLog = true;
            r.writeConfig();
            r.startProcess();
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The requests logged so far by a registry started with {@link #startWithAccessLog}, each as
     * {@code METHOD /v2/path} (query left out), once the log has stopped growing (a request is logged just
     * after its response went out).
     */
    public List<String> requests() {
        if (!accessLog) {
            throw new IllegalStateException("this registry was started without its access log");
        }
        List<String> before = List.of();
        for (int i = 0; i < 50; i++) {
            List<String> now = parseRequests();
            if (i > 0 && now.size() == before.size()) {
                return now;
            }
            before = now;
            sleep(100);
        }
        return before;
    }

    private List<String> parseRequests() {
        java.util.regex.Pattern line = java.util.regex.Pattern.compile("\"(GET|HEAD|PUT|POST|PATCH|DELETE) (/v2/[^ ?\"]*)");
        List<String> out = new java.util.ArrayList<>();
        for (String l : log().split("\n")) {
            java.util.regex.Matcher m = line.matcher(l);
            if (m.find()) {
                out.add(m.group(1) + " " + m.group(2));
            }
        }
        return out;
    }

    /** A registry whose storage does not allow deletes (distribution's default): DELETE answers 405. */
    public static RegistryFixture startWithoutDelete() {
        requireBinary(BINARY, "docker-registry");
        try {
            RegistryFixture r = new RegistryFixture(Files.createTempDirectory("layercake-registry-"), freePort(), false);
            r.deleteDisabled = true;
            r.writeConfig();
            r.startProcess();
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A registry serving HTTPS with a self-signed certificate (made with openssl) whose subjectAltName is
     * {@code san}, e.g. {@code IP:127.0.0.1} or {@code DNS:registry.example.invalid}; see {@link #certificate()}.
     */
    public static RegistryFixture startWithTls(String san) {
        requireBinary(BINARY, "docker-registry");
        requireBinary("/usr/bin/openssl", "openssl");
        try {
            RegistryFixture r = new RegistryFixture(Files.createTempDirectory("layercake-registry-"), freePort(), false);
            r.tls = true;
            Process p = new ProcessBuilder("/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", r.dir.resolve("key.pem").toString(), "-out", r.certificate().toString(), "-days", "2",
                    "-subj", "/CN=layercake-test-" + r.port, "-addext", "subjectAltName=" + san)
                    .redirectErrorStream(true).redirectOutput(r.dir.resolve("openssl.log").toFile()).start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("openssl failed: " + Files.readString(r.dir.resolve("openssl.log")));
            }
            r.writeConfig();
            r.startProcess();
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The PEM certificate of a registry started with {@link #startWithTls}. */
    public Path certificate() {
        return dir.resolve("cert.pem");
    }

    /** Fails under CI=true when a service binary is missing; skips the test elsewhere. */
    public static void requireBinary(String path, String debianPackage) {
        if (!Files.isExecutable(Path.of(path))) {
            String message = path + " is missing: apt-get install " + debianPackage;
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(message);
            }
            Assumptions.assumeTrue(false, message);
        }
    }

    /** {@code 127.0.0.1:PORT}: the registry part of references. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    public Path storage() {
        return dir.resolve("data");
    }

    public boolean running() {
        return process != null && process.isAlive();
    }

    /** Stops the process (the storage stays): connections are refused until {@link #restart()}. */
    public void stop() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    public void restart() {
        stop();
        startProcess();
    }

    /** Removes a repository (its tags and manifest links) from the storage, as an operator would. */
    public void deleteRepository(String repository) {
        deleteTree(storage().resolve("docker/registry/v2/repositories").resolve(repository));
    }

    /**
     * Replaces the stored bytes of a blob (a manifest, say) with {@code bytes} while the registry keeps
     * serving them under the old digest: a registry whose content is corrupt.
     */
    public void overwriteBlob(String digest, byte[] bytes) {
        String hex = digest.substring("sha256:".length());
        Path data = storage().resolve("docker/registry/v2/blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex).resolve("data");
        try {
            Files.write(data, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public byte[] readBlob(String digest) {
        String hex = digest.substring("sha256:".length());
        try {
            return Files.readAllBytes(storage().resolve("docker/registry/v2/blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex).resolve("data"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        stop();
        deleteTree(dir);
    }

    private void writeConfig() throws IOException {
        StringBuilder yml = new StringBuilder()
                .append("version: 0.1\n")
                .append("log:\n  level: error\n  accesslog:\n    disabled: ").append(!accessLog).append('\n')
                .append("storage:\n  filesystem:\n    rootdirectory: ").append(storage()).append('\n')
                .append("  delete:\n    enabled: ").append(!deleteDisabled).append('\n')
                .append("http:\n  addr: 127.0.0.1:").append(port).append('\n');
        if (tls) {
            yml.append("  tls:\n    certificate: ").append(certificate()).append("\n    key: ").append(dir.resolve("key.pem")).append('\n');
        }
        if (auth) {
            Files.writeString(dir.resolve("htpasswd"), USER + ":" + PASSWORD_BCRYPT + "\n");
            yml.append("auth:\n  htpasswd:\n    realm: layercake-test\n    path: ").append(dir.resolve("htpasswd")).append('\n');
        }
        Files.writeString(dir.resolve("config.yml"), yml.toString());
    }

    private void startProcess() {
        try {
            process = new ProcessBuilder(BINARY, "serve", dir.resolve("config.yml").toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("registry.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("docker-registry exited: " + log());
            }
            if (tls) {
                // no trust in its certificate here: listening is enough
                try (java.net.Socket ignored = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
                    return;
                } catch (IOException notYet) {
                    sleep(50);
                    continue;
                }
            }
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create("http://" + host() + "/v2/").toURL().openConnection();
                c.setConnectTimeout(500);
                int code = c.getResponseCode();
                c.disconnect();
                if (code == 200 || code == 401) {
                    return;
                }
            } catch (IOException notYet) {
                // keep waiting
            }
            sleep(50);
        }
        throw new IllegalStateException("docker-registry did not answer on " + host() + " within 20 s: " + log());
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("registry.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log)";
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            List<Path> paths = s.sorted(Comparator.reverseOrder()).toList();
            for (Path p : paths) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
