package dev.layercake.jenkins;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * On the agent, for one step: the engine's environment (the agent's, then the build's, then the secrets) and
 * the secrets that the engine reads from files (kubeconfig, encryption key, registry auth as a Docker
 * {@code config.json} that keeps the agent's other logins), written owner-only under the workspace's {@code @tmp} folder and deleted on close.
 */
final class AgentWorkspace implements AutoCloseable {

    static final String DOCKER_HUB = "https://index.docker.io/v1/";

    private final Map<String, String> env;
    private Path dir;
    private String kubeconfigFile;
    private String encryptionKeyFile;

    private AgentWorkspace(Map<String, String> env) {
        this.env = env;
    }

    /**
     * @param tmpRoot       the workspace's temporary folder
     * @param buildEnv      the step's environment (build variables, {@code withEnv}...)
     * @param registryHosts registries the registry credentials are for
     */
    static AgentWorkspace prepare(File tmpRoot, Map<String, String> buildEnv, AgentSecrets secrets,
                                  Collection<String> registryHosts) throws IOException {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(buildEnv);
        AgentWorkspace w = new AgentWorkspace(env);
        try {
            if (secrets.hasAws()) {
                env.put("AWS_ACCESS_KEY_ID", secrets.awsAccessKeyId);
                env.put("AWS_SECRET_ACCESS_KEY", secrets.awsSecretAccessKey);
                if (secrets.awsSessionToken != null) {
                    env.put("AWS_SESSION_TOKEN", secrets.awsSessionToken);
                } else {
                    env.remove("AWS_SESSION_TOKEN");
                }
            }
            if (secrets.kubeconfig != null) {
                w.kubeconfigFile = w.write("kubeconfig", secrets.kubeconfig.getBytes(StandardCharsets.UTF_8), tmpRoot).toString();
            }
            if (secrets.encryptionKey != null) {
                w.encryptionKeyFile = w.write("encryption.key", secrets.encryptionKey, tmpRoot).toString();
            }
            if (secrets.hasRegistry()) {
                Path config = w.write("docker/config.json", dockerConfig(secrets, registryHosts, env), tmpRoot);
                env.put("DOCKER_CONFIG", config.getParent().toString());
            }
            return w;
        } catch (IOException | RuntimeException e) {
            w.close();
            throw e;
        }
    }

    /** The environment the engine runs with. */
    Map<String, String> env() {
        return env;
    }

    /** The kubeconfig from {@code kubeconfigCredentialsId}, or null. */
    String kubeconfigFile() {
        return kubeconfigFile;
    }

    /** The encryption key from {@code encryptionKeyCredentialsId}, or null. */
    String encryptionKeyFile() {
        return encryptionKeyFile;
    }

    private Path write(String name, byte[] content, File tmpRoot) throws IOException {
        if (dir == null) {
            Files.createDirectories(tmpRoot.toPath());
            dir = posix()
                    ? Files.createTempDirectory(tmpRoot.toPath(), "layercake", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
                    : Files.createTempDirectory(tmpRoot.toPath(), "layercake");
        }
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        if (posix()) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.write(file, content);
        return file;
    }

    /**
     * The agent's Docker config ({@code DOCKER_CONFIG} or {@code ~/.docker/config.json}, when there is one) with
     * the registry credentials set for each host the step names, so other registries keep their logins. A
     * credential helper configured for one of those hosts is dropped: it would take precedence over the login.
     */
    static byte[] dockerConfig(AgentSecrets secrets, Collection<String> hosts, Map<String, String> env) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = json.createObjectNode();
        Path existing = existingDockerConfig(env);
        if (existing != null) {
            JsonNode read = json.readTree(existing.toFile());
            if (read instanceof ObjectNode o) {
                config = o;
            }
        }
        String auth = Base64.getEncoder().encodeToString(
                (secrets.registryUsername + ":" + secrets.registryPassword).getBytes(StandardCharsets.UTF_8));
        ObjectNode auths = config.get("auths") instanceof ObjectNode o ? o : config.putObject("auths");
        JsonNode helpers = config.get("credHelpers");
        for (String host : hosts) {
            auths.putObject(host).put("auth", auth);
            if (helpers instanceof ObjectNode h) {
                h.remove(host);
            }
        }
        return json.writeValueAsBytes(config);
    }

    private static Path existingDockerConfig(Map<String, String> env) {
        String dir = env.get("DOCKER_CONFIG");
        Path file = dir != null && !dir.isBlank() ? Path.of(dir, "config.json")
                : Path.of(System.getProperty("user.home"), ".docker", "config.json");
        return Files.isRegularFile(file) ? file : null;
    }

    /**
     * The registries the registry credentials are for: the host of each image reference (Docker's rule: a first
     * component with a dot or a colon, or localhost, is a host; otherwise Docker Hub) and of each
     * registry/prefix target (always its first component).
     */
    static Set<String> registryHosts(Collection<String> images, Collection<String> targets) {
        Set<String> hosts = new LinkedHashSet<>();
        for (String ref : images) {
            String r = strip(ref);
            if (r != null) {
                int slash = r.indexOf('/');
                String first = slash < 0 ? r : r.substring(0, slash);
                boolean host = slash >= 0 && (first.contains(".") || first.contains(":") || first.equals("localhost"));
                hosts.add(host ? first : DOCKER_HUB);
            }
        }
        for (String target : targets) {
            String t = strip(target);
            if (t != null) {
                int slash = t.indexOf('/');
                hosts.add(slash < 0 ? t : t.substring(0, slash));
            }
        }
        return hosts;
    }

    private static String strip(String value) {
        return value == null || value.isBlank() ? null : value.trim().replaceFirst("^[a-z]+://", "");
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    @Override
    public void close() throws IOException {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
        dir = null;
    }
}
