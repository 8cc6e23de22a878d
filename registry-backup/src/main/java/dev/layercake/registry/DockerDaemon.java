package dev.layercake.registry;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Images that exist only in a local Docker Engine (or podman's Docker-compatible API), exported with
 * {@code docker save} through docker-java and turned into OCI content. {@code dockerHost} is like
 * {@code DOCKER_HOST}: {@code unix:///var/run/docker.sock} or {@code tcp://host:2375}.
 */
public final class DockerDaemon implements Closeable {

    /** The prefix that marks a reference as a daemon image, as skopeo names that transport. */
    public static final String PREFIX = "docker-daemon:";
    public static final String DEFAULT_HOST = "unix:///var/run/docker.sock";

    private final String host;
    private final DockerHttpClient http;
    private final DockerClient client;

    private DockerDaemon(String host) {
        this.host = host;
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host).build();
        this.http = new ZerodepDockerHttpClient.Builder().dockerHost(URI.create(host))
                .connectionTimeout(Duration.ofSeconds(10)).responseTimeout(Duration.ofMinutes(30)).build();
        this.client = DockerClientImpl.getInstance(config, http);
    }

    /** Connects to {@code DOCKER_HOST} from {@code env}, or the default socket. */
    public static DockerDaemon connect(Map<String, String> env) {
        String h = env.get("DOCKER_HOST");
        return connect(h == null || h.isBlank() ? DEFAULT_HOST : h);
    }

    public static DockerDaemon connect(String host) {
        return new DockerDaemon(host);
    }

    public static boolean isDaemonRef(String text) {
        return text != null && text.startsWith(PREFIX);
    }

    /** The image name after the prefix, parsed as a reference (used for naming copies). */
    public static ImageRef nameOf(String text) {
        return ImageRef.parse(text.substring(PREFIX.length()));
    }

    /** Exports {@code name} ({@code repo[:tag]} as the daemon knows it) into {@code writer}. */
    public DockerArchive.Exported export(String name, DockerArchive.BlobWriter writer) {
        String repo = name;
        String tag = null;
        int slash = name.lastIndexOf('/');
        int colon = name.lastIndexOf(':');
        if (colon > slash) {
            repo = name.substring(0, colon);
            tag = name.substring(colon + 1);
        }
        try (InputStream tar = (tag == null ? client.saveImageCmd(repo) : client.saveImageCmd(repo).withTag(tag)).exec()) {
            return DockerArchive.read(tar, writer, name + " from the Docker daemon at " + host);
        } catch (NotFoundException e) {
            throw new RegistryException(RegistryException.Kind.NOT_FOUND, "image " + name + " does not exist in the Docker daemon at " + host);
        } catch (DockerException e) {
            throw new RegistryException(RegistryException.Kind.UNAVAILABLE, "the Docker daemon at " + host + " failed to export "
                    + name + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            if (e instanceof RegistryException re) {
                throw re;
            }
            throw new RegistryException(RegistryException.Kind.UNAVAILABLE, "cannot export " + name + " from the Docker daemon at "
                    + host + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException ignored) {
            // closing a client
        }
    }
}
