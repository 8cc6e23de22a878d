package dev.layercake.api.request;

import dev.layercake.api.request.StoreLocation;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One restore drill of a release. {@code imagesTo}: push the images to this scratch REGISTRY/PREFIX and
 * check them there; without it, every backup-registry copy is checked blob by blob. {@code kubernetes}:
 * restore the objects into scratch namespaces ({@code namespaceMapping}, default {@code <ns>-drill-<id>})
 * on this cluster. {@code keep}: leave the scratch objects in place. {@code signingKey}: signs the record.
 */
public record DrillRequest(StoreLocation store, String app, String release,
                           Path publicKey, Path signingKey,
                           String imagesTo, List<String> insecureRegistries,
                           boolean kubernetes, String kubeconfig, String context, Map<String, String> namespaceMapping,
                           String encryptionKeyFile, String encryptionKeyEnv,
                           Duration timeout, boolean keep) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    public DrillRequest {
        Objects.requireNonNull(store, "store");
        insecureRegistries = insecureRegistries == null ? List.of() : List.copyOf(insecureRegistries);
        namespaceMapping = namespaceMapping == null ? Map.of() : Map.copyOf(namespaceMapping);
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        kubernetes = kubernetes || kubeconfig != null || context != null || !namespaceMapping.isEmpty();
    }
}
