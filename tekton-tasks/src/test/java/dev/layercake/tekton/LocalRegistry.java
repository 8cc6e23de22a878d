package dev.layercake.tekton;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's docker-registry serving on a free 127.0.0.1 port, plus podman to build and push FROM-scratch
 * images to it (plain HTTP, so --tls-verify=false). Stopped by close().
 */
final class LocalRegistry implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path dir;

    private LocalRegistry(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    static LocalRegistry start(Path dir) throws IOException, InterruptedException {
        Path binary = Services.require("docker-registry", "docker-registry");
        Services.require("podman", "podman");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Files.createDirectories(dir.resolve("storage"));
        Path config = dir.resolve("config.yml");
        Files.writeString(config, """
                version: 0.1
                log:
                  level: warn
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:%d
                """.formatted(dir.resolve("storage"), port));
        Process p = new ProcessBuilder(binary.toString(), "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        LocalRegistry registry = new LocalRegistry(p, port, dir);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return registry;
            } catch (IOException notYet) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("docker-registry exited: " + Files.readString(dir.resolve("registry.log")));
                }
                Thread.sleep(100);
            }
        }
        registry.close();
        throw new IllegalStateException("docker-registry did not listen on " + port + " within 30 s");
    }

    String host() {
        return "127.0.0.1:" + port;
    }

    /** Builds a FROM-scratch image holding one file and pushes it as host()/repository:tag. */
    String buildAndPush(String repository, String tag, String fileContent) throws IOException {
        Path context = Files.createDirectories(dir.resolve("build-" + repository.replace('/', '-') + "-" + tag));
        Files.writeString(context.resolve("payload.txt"), fileContent);
        Files.writeString(context.resolve("Containerfile"), "FROM scratch\nCOPY payload.txt /payload.txt\n");
        String local = "localhost/layercake-tekton-test/" + repository + ":" + tag;
        String remote = host() + "/" + repository + ":" + tag;
        run("podman", "build", "-q", "--format", "oci", "-t", local, context.toString());
        try {
            run("podman", "push", "-q", "--tls-verify=false", local, "docker://" + remote);
        } finally {
            run("podman", "rmi", "-f", local);
        }
        return remote;
    }

    /** The manifest digest the registry serves for repository:tag. */
    String digest(String repository, String tag) throws IOException, InterruptedException {
        HttpResponse<Void> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://" + host() + "/v2/" + repository + "/manifests/" + tag))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .header("Accept", "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json,"
                        + " application/vnd.docker.distribution.manifest.v2+json")
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding());
        return response.headers().firstValue("Docker-Content-Digest").orElseThrow();
    }

    private static void run(String... command) throws IOException {
        try {
            Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
