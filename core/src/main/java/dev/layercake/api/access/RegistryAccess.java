package dev.layercake.api.access;

import dev.layercake.LayercakeException;
import dev.layercake.registry.DockerConfigCredentials;
import dev.layercake.registry.RegistryOptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How the engine reaches registries: credentials from the docker/podman config files named by the
 * environment (DOCKER_CONFIG, REGISTRY_AUTH_FILE, HOME), TLS verified except for the hosts given with
 * {@code --insecure-registry}, trusting the JVM's CAs plus those in the PEM files named by
 * {@value #CA_ENV} (several separated by the path separator), for registries of a private CA.
 */
public final class RegistryAccess {

    public static final String CA_ENV = "LAYERCAKE_REGISTRY_CA";

    private RegistryAccess() {
    }

    public static RegistryOptions options(Map<String, String> env, List<String> insecureRegistries) {
        return RegistryOptions.defaults()
                .withCredentials(DockerConfigCredentials.fromEnvironment(env))
                .withInsecure(insecureRegistries)
                .withTrustedCertificates(trustedCertificates(env));
    }

    private static List<Path> trustedCertificates(Map<String, String> env) {
        String value = env.get(CA_ENV);
        List<Path> files = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return files;
        }
        for (String part : value.split(File.pathSeparator)) {
            if (part.isBlank()) {
                continue;
            }
            Path p = Path.of(part.trim());
            if (!Files.isReadable(p)) {
                throw LayercakeException.usage(CA_ENV + " names " + p + ", which is not a readable file"
                        + " (PEM CA certificates of the registries' private CA)");
            }
            files.add(p);
        }
        return files;
    }
}
