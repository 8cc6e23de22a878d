package dev.layercake.jenkins;

import dev.layercake.api.Layercake;
import dev.layercake.api.access.Access;

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
 * On the agent, for one step: the engine's {@link Access}, built from the agent's environment and the build's
 * ({@code withEnv}, build variables), then the step's credentials as typed credentials: the store's AWS keys
 * ({@code withStoreKeys}), the registry login for exactly the registries the step names ({@code withRegistryLogin};
 * every other registry keeps the agent's own logins), the encryption key as a named secret ({@code withSecret}).
 * No {@code AWS_*} variable is set and no Docker config is written. Only the kubeconfig becomes a file (fabric8
 * reads a kubeconfig from a file), owner-only under the workspace's {@code @tmp} folder and deleted on close.
 */
final class AgentWorkspace implements AutoCloseable {

    /** Docker Hub as {@code docker login} names it; {@link Access#withRegistryLogin} takes any of its names. */
    static final String DOCKER_HUB = "https://index.docker.io/v1/";

    /**
     * The name the encryption key from {@code encryptionKeyCredentialsId} goes to the engine under (as
     * {@code encryptionKeyEnv}); a named secret of the {@link Access}, never an environment variable or a file.
     */
    static final String ENCRYPTION_KEY_SECRET = "encryptionKeyCredentialsId";

    private final Access access;
    private final Path dir;
    private final String kubeconfigFile;
    private final boolean encryptionKey;
    private boolean closed;

    private AgentWorkspace(Access access, Path dir, String kubeconfigFile, boolean encryptionKey) {
        this.access = access;
        this.dir = dir;
        this.kubeconfigFile = kubeconfigFile;
        this.encryptionKey = encryptionKey;
    }

    /**
     * @param tmpRoot       the workspace's temporary folder
     * @param buildEnv      the step's environment (build variables, {@code withEnv}...)
     * @param registryHosts registries the registry credentials are for
     */
    static AgentWorkspace prepare(File tmpRoot, Map<String, String> buildEnv, AgentSecrets secrets,
                                  Collection<String> registryHosts) throws IOException {
        return prepare(tmpRoot, System.getenv(), buildEnv, secrets, registryHosts);
    }

    /** With the agent's environment given (tests). */
    static AgentWorkspace prepare(File tmpRoot, Map<String, String> agentEnv, Map<String, String> buildEnv,
                                  AgentSecrets secrets, Collection<String> registryHosts) throws IOException {
        Map<String, String> env = new HashMap<>(agentEnv);
        env.putAll(buildEnv);
        Access access = Access.fromEnvironment(env);
        if (secrets.hasAws()) {
            access = access.withStoreKeys(secrets.awsAccessKeyId, secrets.awsSecretAccessKey, secrets.awsSessionToken);
        }
        if (secrets.hasRegistry() && !registryHosts.isEmpty()) {
            access = access.withRegistryLogin(registryHosts, secrets.registryUsername, secrets.registryPassword);
        }
        if (secrets.encryptionKey != null) {
            access = access.withSecret(ENCRYPTION_KEY_SECRET, keyText(secrets.encryptionKey));
        }
        if (secrets.kubeconfig == null) {
            return new AgentWorkspace(access, null, null, secrets.encryptionKey != null);
        }
        Path dir = createDir(tmpRoot);
        try {
            Path file = dir.resolve("kubeconfig");
            if (posix()) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            Files.write(file, secrets.kubeconfig.getBytes(StandardCharsets.UTF_8));
            return new AgentWorkspace(access, dir, file.toString(), secrets.encryptionKey != null);
        } catch (IOException | RuntimeException e) {
            delete(dir);
            throw e;
        }
    }

    /**
     * The key as the engine reads a named key: base64 text. A secret file of 32 bytes is the raw key; anything else
     * (secret text, a file of base64) is passed as text, and the engine says when it is not a key.
     */
    static String keyText(byte[] key) {
        return key.length == 32 ? Base64.getEncoder().encodeToString(key) : new String(key, StandardCharsets.US_ASCII).trim();
    }

    /** What the engine reaches the store, the registries and the Secret key with. */
    Access access() {
        return access;
    }

    /** The engine, with {@link #access()}. */
    Layercake layercake() {
        return Layercake.with(access);
    }

    /** The kubeconfig from {@code kubeconfigCredentialsId}, or null. */
    String kubeconfigFile() {
        return kubeconfigFile;
    }

    /**
     * The key source for the engine's {@code encryptionKeyEnv}: the credential's named secret when the step has
     * {@code encryptionKeyCredentialsId} (it wins over a variable, as a key file did), else the step's variable.
     */
    String encryptionKeyEnv(String fromStep) {
        return encryptionKey ? ENCRYPTION_KEY_SECRET : fromStep;
    }

    private static Path createDir(File tmpRoot) throws IOException {
        Files.createDirectories(tmpRoot.toPath());
        return posix()
                ? Files.createTempDirectory(tmpRoot.toPath(), "layercake", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
                : Files.createTempDirectory(tmpRoot.toPath(), "layercake");
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

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (dir == null || closed) {
            return;
        }
        closed = true;
        delete(dir);
    }
}
