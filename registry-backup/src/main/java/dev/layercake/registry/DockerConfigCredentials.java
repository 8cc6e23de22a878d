package dev.layercake.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Credentials the way docker and podman keep them: {@code $DOCKER_CONFIG/config.json} (default
 * {@code ~/.docker/config.json}) with {@code auths.<host>.auth} (base64 user:password) or
 * {@code identitytoken}, and {@code credHelpers.<host>} / {@code credsStore} naming a
 * {@code docker-credential-<name>} program asked with {@code get}. Also podman's
 * {@code $REGISTRY_AUTH_FILE}. A missing file means anonymous.
 */
public final class DockerConfigCredentials implements CredentialProvider {

    /** Built when a config is first read: every command builds this provider, few read a config. */
    private static final class Mapper {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }
    private final List<Path> files;
    private final Path helperDirectory;
    private final Map<String, Optional<Credentials>> cache = new ConcurrentHashMap<>();

    public DockerConfigCredentials(List<Path> files) {
        this(files, null);
    }

    /** {@code helperDirectory}: where {@code docker-credential-*} programs are; null looks them up on PATH. */
    public DockerConfigCredentials(List<Path> files, Path helperDirectory) {
        this.files = List.copyOf(files);
        this.helperDirectory = helperDirectory;
    }

    /** The files docker and podman would read, given an environment (DOCKER_CONFIG, REGISTRY_AUTH_FILE, HOME). */
    public static DockerConfigCredentials fromEnvironment(Map<String, String> env) {
        java.util.ArrayList<Path> files = new java.util.ArrayList<>();
        if (env.get("REGISTRY_AUTH_FILE") != null) {
            files.add(Path.of(env.get("REGISTRY_AUTH_FILE")));
        }
        if (env.get("DOCKER_CONFIG") != null) {
            files.add(Path.of(env.get("DOCKER_CONFIG"), "config.json"));
        } else {
            String home = env.getOrDefault("HOME", System.getProperty("user.home"));
            if (home != null) {
                files.add(Path.of(home, ".docker", "config.json"));
            }
        }
        return new DockerConfigCredentials(files);
    }

    @Override
    public Optional<Credentials> credentials(String registry) {
        return cache.computeIfAbsent(registry, this::lookup);
    }

    private Optional<Credentials> lookup(String registry) {
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                continue;
            }
            JsonNode config;
            try {
                config = Mapper.MAPPER.readTree(file.toFile());
            } catch (IOException e) {
                throw new RegistryException(RegistryException.Kind.INVALID, "the credentials file " + file
                        + " is not valid JSON: " + e.getMessage());
            }
            String helper = config.path("credHelpers").path(registry).asText(null);
            if (helper == null && !config.path("auths").has(registry) && !config.path("auths").has(hubAlias(registry))) {
                helper = config.path("credsStore").asText(null);
            }
            if (helper != null && !helper.isEmpty()) {
                Optional<Credentials> c = fromHelper(helper, registry);
                if (c.isPresent()) {
                    return c;
                }
            }
            for (String key : List.of(registry, hubAlias(registry), "https://" + registry, "http://" + registry)) {
                JsonNode entry = config.path("auths").path(key);
                if (entry.isObject()) {
                    Optional<Credentials> c = fromAuthEntry(entry, file);
                    if (c.isPresent()) {
                        return c;
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static String hubAlias(String registry) {
        return registry.equals(ImageRef.DOCKER_HUB) ? "https://index.docker.io/v1/" : registry;
    }

    private static Optional<Credentials> fromAuthEntry(JsonNode entry, Path file) {
        String token = entry.path("identitytoken").asText(null);
        String auth = entry.path("auth").asText(null);
        if (auth != null && !auth.isEmpty()) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new RegistryException(RegistryException.Kind.INVALID, "an 'auth' entry in " + file + " is not base64");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new RegistryException(RegistryException.Kind.INVALID, "an 'auth' entry in " + file + " is not user:password");
            }
            String user = decoded.substring(0, colon);
            return Optional.of(new Credentials(user, token != null && !token.isEmpty() ? token : decoded.substring(colon + 1)));
        }
        if (entry.hasNonNull("username") && entry.hasNonNull("password")) {
            return Optional.of(new Credentials(entry.path("username").asText(), entry.path("password").asText()));
        }
        return Optional.empty();
    }

    /** Runs {@code docker-credential-<helper> get}, host on stdin, JSON {Username, Secret} on stdout. */
    private Optional<Credentials> fromHelper(String helper, String registry) {
        String program = helperDirectory == null ? "docker-credential-" + helper
                : helperDirectory.resolve("docker-credential-" + helper).toString();
        try {
            Process p = new ProcessBuilder(program, "get").redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(registry.getBytes(StandardCharsets.UTF_8));
            }
            byte[] out;
            try (InputStream stdout = p.getInputStream()) {
                out = stdout.readAllBytes();
            }
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new RegistryException(RegistryException.Kind.AUTH, program + " did not answer within 30 s for " + registry);
            }
            if (p.exitValue() != 0) {
                return Optional.empty(); // helpers exit non-zero for "credentials not found"
            }
            JsonNode json = Mapper.MAPPER.readTree(out);
            String user = json.path("Username").asText(null);
            String secret = json.path("Secret").asText(null);
            if (secret == null || secret.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Credentials(user == null || user.equals("<token>") ? "<token>" : user, secret));
        } catch (IOException e) {
            // A helper named in the config but not installed: the registry may still allow anonymous access.
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
