package dev.layercake.api.access;

import dev.layercake.LayercakeException;
import dev.layercake.registry.CredentialProvider;
import dev.layercake.registry.Credentials;
import dev.layercake.registry.ImageRef;
import dev.layercake.registry.DockerConfigCredentials;
import dev.layercake.registry.RegistryOptions;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How the engine reaches what it works on, typed: the store's AWS credentials, the registries' credentials and
 * CA certificates, named secrets (the Secret encryption key), and the plain environment (PATH for renderers, HOME
 * and KUBECONFIG for the kubeconfig, the CI system's build variables). Credentials travel only through the typed
 * accessors; no engine code reads {@code AWS_*} or docker config files out of the environment map.
 *
 * <p>The CLI builds it with {@link #fromEnvironment(Map)} (the process's environment: the AWS chain's variables,
 * DOCKER_CONFIG / REGISTRY_AUTH_FILE, {@value #REGISTRY_CA_ENV}); the Jenkins plugin builds it from tracked
 * credentials with the {@code with...} methods, without faking environment variables or writing config files.
 * Immutable; {@link #toString()} names no value.
 */
public final class Access {

    /** PEM files (path-separator separated) of the registries' private CA, besides the JVM's CAs. */
    public static final String REGISTRY_CA_ENV = "LAYERCAKE_REGISTRY_CA";

    private final Map<String, String> environment;
    private final AwsCredentialsProvider storeCredentials;
    private final CredentialProvider registryCredentials;
    private final List<Path> registryCertificates;
    private final Map<String, String> secrets;

    private Access(Map<String, String> environment, AwsCredentialsProvider storeCredentials, CredentialProvider registryCredentials,
                   List<Path> registryCertificates, Map<String, String> secrets) {
        this.environment = Map.copyOf(environment);
        this.storeCredentials = storeCredentials;
        this.registryCredentials = registryCredentials;
        this.registryCertificates = List.copyOf(registryCertificates);
        this.secrets = Map.copyOf(secrets);
    }

    /**
     * Everything from one environment (the process's, or a test's stand-in): AWS_ACCESS_KEY_ID /
     * AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN when set (else the AWS default chain), the docker/podman config
     * files it names, the registry CA files, and its variables as named secrets (a Secret key given by
     * variable name).
     */
    public static Access fromEnvironment(Map<String, String> env) {
        Map<String, String> copy = withoutNulls(env);
        return new Access(copy, staticKeys(copy.get("AWS_ACCESS_KEY_ID"), copy.get("AWS_SECRET_ACCESS_KEY"),
                copy.get("AWS_SESSION_TOKEN")), DockerConfigCredentials.fromEnvironment(copy), certificatePaths(copy), copy);
    }

    /** No credentials at all and an empty environment: anonymous registries, the AWS default chain. */
    public static Access none() {
        return new Access(Map.of(), null, CredentialProvider.ANONYMOUS, List.of(), Map.of());
    }

    /** The plain environment: PATH, HOME, KUBECONFIG, CI build variables. Never read credentials from it. */
    public Map<String, String> environment() {
        return environment;
    }

    /** The store's AWS credentials; empty: the AWS default chain. */
    public Optional<AwsCredentialsProvider> storeCredentials() {
        return Optional.ofNullable(storeCredentials);
    }

    public CredentialProvider registryCredentials() {
        return registryCredentials;
    }

    /** The registries' CA files; each must be readable (checked here, when a registry is about to be reached). */
    public List<Path> registryCertificates() {
        for (Path p : registryCertificates) {
            if (!Files.isReadable(p)) {
                throw LayercakeException.usage(REGISTRY_CA_ENV + " names " + p + ", which is not a readable file"
                        + " (PEM CA certificates of the registries' private CA)");
            }
        }
        return registryCertificates;
    }

    /** A named secret (e.g. the variable named by {@code encryptionKeyEnv}); empty when not given. */
    public Optional<String> secret(String name) {
        String value = name == null ? null : secrets.get(name);
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    /** How the registry client reaches registries: these credentials and CAs, plain HTTP for {@code insecureRegistries}. */
    public RegistryOptions registryOptions(List<String> insecureRegistries) {
        return RegistryOptions.defaults()
                .withCredentials(registryCredentials)
                .withInsecure(insecureRegistries == null ? List.of() : insecureRegistries)
                .withTrustedCertificates(registryCertificates());
    }

    public Access withEnvironment(Map<String, String> env) {
        return new Access(withoutNulls(env), storeCredentials, registryCredentials, registryCertificates, secrets);
    }

    public Access withStoreCredentials(AwsCredentialsProvider credentials) {
        return new Access(environment, credentials, registryCredentials, registryCertificates, secrets);
    }

    /** Static store keys (an access key id, its secret, and the session token of temporary keys, or null). */
    public Access withStoreKeys(String accessKeyId, String secretAccessKey, String sessionToken) {
        AwsCredentialsProvider keys = staticKeys(accessKeyId, secretAccessKey, sessionToken);
        if (keys == null) {
            throw LayercakeException.usage("store credentials need both an access key id and a secret access key");
        }
        return withStoreCredentials(keys);
    }

    public Access withRegistryCredentials(CredentialProvider credentials) {
        return new Access(environment, storeCredentials, credentials == null ? CredentialProvider.ANONYMOUS : credentials,
                registryCertificates, secrets);
    }

    /** These credentials first, then the ones already set. */
    public Access withRegistryCredentialsFirst(CredentialProvider credentials) {
        return withRegistryCredentials(credentials.orElse(registryCredentials));
    }

    /**
     * A login (username and password or token) for the given registries ({@code host[:port]}; Docker Hub under any
     * of its names), tried before the credentials already set, which keep serving every other registry.
     */
    public Access withRegistryLogin(Collection<String> registries, String username, String password) {
        if (username == null || password == null) {
            throw LayercakeException.usage("a registry login needs both a username and a password");
        }
        Set<String> hosts = new HashSet<>();
        for (String r : registries) {
            hosts.add(normalizeRegistry(r));
        }
        Credentials login = new Credentials(username, password);
        return withRegistryCredentialsFirst(host -> hosts.contains(normalizeRegistry(host)) ? Optional.of(login) : Optional.empty());
    }

    private static String normalizeRegistry(String host) {
        String h = host == null ? "" : host.trim().replaceFirst("^[a-z]+://", "");
        while (h.endsWith("/")) {
            h = h.substring(0, h.length() - 1);
        }
        if (h.endsWith("/v1")) {
            h = h.substring(0, h.length() - 3);
        }
        return switch (h) {
            case "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com" -> ImageRef.DOCKER_HUB;
            default -> h;
        };
    }

    public Access withRegistryCertificates(List<Path> certificates) {
        return new Access(environment, storeCredentials, registryCredentials, certificates, secrets);
    }

    public Access withSecret(String name, String value) {
        Map<String, String> next = new HashMap<>(secrets);
        if (value == null) {
            next.remove(name);
        } else {
            next.put(name, value);
        }
        return new Access(environment, storeCredentials, registryCredentials, registryCertificates, next);
    }

    @Override
    public String toString() {
        return "Access[store credentials " + (storeCredentials == null ? "default chain" : "given")
                + ", registry CAs " + registryCertificates.size() + ", secrets " + secrets.size() + " (values hidden)]";
    }

    private static AwsCredentialsProvider staticKeys(String id, String secret, String token) {
        if (id == null || id.isBlank() || secret == null || secret.isBlank()) {
            return null;
        }
        return StaticCredentialsProvider.create(token == null || token.isBlank()
                ? AwsBasicCredentials.create(id, secret) : AwsSessionCredentials.create(id, secret, token));
    }

    private static Map<String, String> withoutNulls(Map<String, String> env) {
        Map<String, String> out = new HashMap<>();
        if (env != null) {
            env.forEach((k, v) -> {
                if (k != null && v != null) {
                    out.put(k, v);
                }
            });
        }
        return out;
    }

    /** The CA files {@value #REGISTRY_CA_ENV} names; read only when a registry is reached, so a stale one fails only there. */
    private static List<Path> certificatePaths(Map<String, String> env) {
        String value = env.get(REGISTRY_CA_ENV);
        List<Path> files = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return files;
        }
        for (String part : value.split(File.pathSeparator)) {
            if (!part.isBlank()) {
                files.add(Path.of(part.trim()));
            }
        }
        return files;
    }
}
