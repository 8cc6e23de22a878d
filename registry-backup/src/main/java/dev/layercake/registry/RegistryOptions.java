package dev.layercake.registry;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * How to reach registries. {@code insecureRegistries}: hosts spoken to over plain HTTP (everything else is
 * HTTPS with verified TLS). {@code maxAttempts}/{@code initialBackoff}: retries on 408, 429, 5xx and
 * connection failures, the wait doubling each time. {@code parallelism}: blob transfers at once.
 */
public record RegistryOptions(List<String> insecureRegistries, CredentialProvider credentials, int maxAttempts,
                              Duration initialBackoff, int parallelism, Duration connectTimeout) {

    public RegistryOptions {
        insecureRegistries = insecureRegistries == null ? List.of()
                : insecureRegistries.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
        credentials = credentials == null ? CredentialProvider.ANONYMOUS : credentials;
        maxAttempts = Math.max(1, maxAttempts);
        initialBackoff = initialBackoff == null ? Duration.ofMillis(250) : initialBackoff;
        parallelism = Math.max(1, parallelism);
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(20) : connectTimeout;
    }

    public static RegistryOptions defaults() {
        return new RegistryOptions(List.of(), CredentialProvider.ANONYMOUS, 5, Duration.ofMillis(250), 6, Duration.ofSeconds(20));
    }

    public RegistryOptions withInsecure(List<String> hosts) {
        return new RegistryOptions(hosts, credentials, maxAttempts, initialBackoff, parallelism, connectTimeout);
    }

    public RegistryOptions withCredentials(CredentialProvider provider) {
        return new RegistryOptions(insecureRegistries, provider, maxAttempts, initialBackoff, parallelism, connectTimeout);
    }

    public RegistryOptions withRetries(int attempts, Duration backoff) {
        return new RegistryOptions(insecureRegistries, credentials, attempts, backoff, parallelism, connectTimeout);
    }

    public RegistryOptions withParallelism(int n) {
        return new RegistryOptions(insecureRegistries, credentials, maxAttempts, initialBackoff, n, connectTimeout);
    }

    public boolean isInsecure(String registry) {
        return insecureRegistries.contains(registry.toLowerCase(Locale.ROOT));
    }
}
