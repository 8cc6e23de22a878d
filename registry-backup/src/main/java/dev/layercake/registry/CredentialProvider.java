package dev.layercake.registry;

import java.util.Optional;

/** Finds the credentials for a registry host ({@code host[:port]}); empty means anonymous. */
@FunctionalInterface
public interface CredentialProvider {

    CredentialProvider ANONYMOUS = host -> Optional.empty();

    Optional<Credentials> credentials(String registry);

    /** Tries this provider, then {@code other}. */
    default CredentialProvider orElse(CredentialProvider other) {
        return host -> {
            Optional<Credentials> c = credentials(host);
            return c.isPresent() ? c : other.credentials(host);
        };
    }
}
