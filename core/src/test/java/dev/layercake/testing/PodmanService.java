package dev.layercake.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code podman system service} serving the Docker Engine API on a unix socket, over the storage of a
 * {@link PodmanImages} (so images built there are visible to docker-java). Stopped on close.
 */
public final class PodmanService implements AutoCloseable {

    private final Process process;
    private final Path socket;

    private PodmanService(Process process, Path socket) {
        this.process = process;
        this.socket = socket;
    }

    public static PodmanService start(PodmanImages podman) {
        Path socket = podman.dir().resolve("docker.sock");
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/podman"));
        cmd.addAll(podman.globalFlags());
        cmd.addAll(List.of("system", "service", "--time=0", "unix://" + socket));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(podman.dir().resolve("service.log").toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!Files.exists(socket)) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    p.destroyForcibly();
                    throw new IllegalStateException("podman system service did not start: "
                            + Files.readString(podman.dir().resolve("service.log")));
                }
                RegistryFixture.sleep(50);
            }
            return new PodmanService(p, socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** For DOCKER_HOST. */
    public String dockerHost() {
        return "unix://" + socket;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
