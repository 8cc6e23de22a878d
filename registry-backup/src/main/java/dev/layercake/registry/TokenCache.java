package dev.layercake.registry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer tokens per registry and exact scope (a pull token is never sent for a push), each used until
 * shortly before it expires: {@code expires_in} of the token response, 60 seconds when it names none
 * (the distribution token spec's default). An expired token is fetched again before the request, not
 * after the registry refused it, so a blob body is not sent twice for want of a fresh token.
 */
final class TokenCache {

    /** The token spec's lifetime of a token whose response names none. */
    static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(60);
    /** A token is not used in the last tenth of its life (at most 10 s): the request must arrive before it expires. */
    private static final Duration MAX_MARGIN = Duration.ofSeconds(10);

    private record Token(String value, Instant usableUntil) {
    }

    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private final Clock clock;

    TokenCache(Clock clock) {
        this.clock = clock;
    }

    Optional<String> get(String registry, String scope) {
        Token t = tokens.get(registry + " " + scope);
        if (t == null || !clock.instant().isBefore(t.usableUntil())) {
            return Optional.empty();
        }
        return Optional.of(t.value());
    }

    /** Keeps {@code token} for {@code lifetime} (null or not positive: the default). */
    void put(String registry, String scope, String token, Duration lifetime) {
        Duration life = lifetime == null || lifetime.isNegative() || lifetime.isZero() ? DEFAULT_LIFETIME : lifetime;
        Duration margin = life.dividedBy(10).compareTo(MAX_MARGIN) > 0 ? MAX_MARGIN : life.dividedBy(10);
        tokens.put(registry + " " + scope, new Token(token, clock.instant().plus(life).minus(margin)));
    }
}
