package dev.layercake.images;

import dev.layercake.registry.DockerConfigCredentials;
import dev.layercake.registry.RegistryOptions;

import java.util.List;
import java.util.Map;

/**
 * How the engine reaches registries: credentials from the docker/podman config files named by the
 * environment (DOCKER_CONFIG, REGISTRY_AUTH_FILE, HOME), TLS verified except for the hosts given with
 * {@code --insecure-registry}.
 */
public final class RegistryAccess {

    private RegistryAccess() {
    }

    public static RegistryOptions options(Map<String, String> env, List<String> insecureRegistries) {
        return RegistryOptions.defaults()
                .withCredentials(DockerConfigCredentials.fromEnvironment(env))
                .withInsecure(insecureRegistries);
    }
}
