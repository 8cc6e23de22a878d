package dev.layercake.registry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * How to reach registries. {@code insecureRegistries}: hosts spoken to over plain HTTP (everything else is
 * HTTPS with verified TLS). {@code maxAttempts}/{@code initialBackoff}: retries on 408, 429, 5xx and
 * connection failures, the wait doubling each time. {@code parallelism}: blob transfers at once.
 * {@code trustedCertificates}: PEM files of CA certificates trusted besides the JVM's own (a private CA).
 */
public record RegistryOptions(List<String> insecureRegistries, CredentialProvider credentials, int maxAttempts,
                              Duration initialBackoff, int parallelism, Duration connectTimeout, List<Path> trustedCertificates) {

    public RegistryOptions {
        insecureRegistries = insecureRegistries == null ? List.of()
                : insecureRegistries.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
        credentials = credentials == null ? CredentialProvider.ANONYMOUS : credentials;
        maxAttempts = Math.max(1, maxAttempts);
        initialBackoff = initialBackoff == null ? Duration.ofMillis(250) : initialBackoff;
        parallelism = Math.max(1, parallelism);
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(20) : connectTimeout;
        trustedCertificates = trustedCertificates == null ? List.of() : List.copyOf(trustedCertificates);
    }

    public static RegistryOptions defaults() {
        return new RegistryOptions(List.of(), CredentialProvider.ANONYMOUS, 5, Duration.ofMillis(250), 6, Duration.ofSeconds(20), List.of());
    }

    public RegistryOptions withInsecure(List<String> hosts) {
        return new RegistryOptions(hosts, credentials, maxAttempts, initialBackoff, parallelism, connectTimeout, trustedCertificates);
    }

    public RegistryOptions withCredentials(CredentialProvider provider) {
        return new RegistryOptions(insecureRegistries, provider, maxAttempts, initialBackoff, parallelism, connectTimeout, trustedCertificates);
    }

    public RegistryOptions withRetries(int attempts, Duration backoff) {
        return new RegistryOptions(insecureRegistries, credentials, attempts, backoff, parallelism, connectTimeout, trustedCertificates);
    }

    public RegistryOptions withParallelism(int n) {
        return new RegistryOptions(insecureRegistries, credentials, maxAttempts, initialBackoff, n, connectTimeout, trustedCertificates);
    }

    public RegistryOptions withTrustedCertificates(List<Path> pemFiles) {
        return new RegistryOptions(insecureRegistries, credentials, maxAttempts, initialBackoff, parallelism, connectTimeout, pemFiles);
    }

    public boolean isInsecure(String registry) {
        return insecureRegistries.contains(registry.toLowerCase(Locale.ROOT));
    }
}
