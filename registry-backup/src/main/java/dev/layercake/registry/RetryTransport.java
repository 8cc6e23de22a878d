package dev.layercake.registry;

import java.io.UncheckedIOException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The retry layer: 408, 429 (honouring a {@code Retry-After} in seconds, at most a minute), 500, 502, 503,
 * 504 and failed exchanges (connection refused or reset) are sent again after an exponential, jittered
 * wait, at most {@code maxAttempts} times in all. Not retried: unknown hosts, content that does not match
 * its digest (CORRUPT), and requests marked not retryable (a streamed upload PUT: its caller opens a new
 * upload session instead, see {@link #backoff}). What still fails is an UNAVAILABLE {@link RegistryException}.
 */
final class RetryTransport implements Transport {

    private static final Set<Integer> RETRYABLE = Set.of(408, 429, 500, 502, 503, 504);

    /** How to wait; tests replace the sleep. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private final Transport next;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Sleeper sleeper;

    RetryTransport(Transport next, int maxAttempts, Duration initialBackoff) {
        this(next, maxAttempts, initialBackoff, Thread::sleep);
    }

    RetryTransport(Transport next, int maxAttempts, Duration initialBackoff, Sleeper sleeper) {
        this.next = next;
        this.maxAttempts = Math.max(1, maxAttempts);
        this.initialBackoff = initialBackoff;
        this.sleeper = sleeper;
    }

    static boolean isRetryable(int status) {
        return RETRYABLE.contains(status);
    }

    int maxAttempts() {
        return maxAttempts;
    }

    @Override
    public Response send(Request request) {
        int attempt = 0;
        while (true) {
            attempt++;
            Response r;
            try {
                r = next.send(request);
            } catch (UncheckedIOException e) {
                Throwable mismatch = RegistryException.findCause(e, Digests.ContentMismatchException.class);
                if (mismatch != null) {
                    throw new RegistryException(RegistryException.Kind.CORRUPT, mismatch.getMessage(), e);
                }
                boolean unknownHost = RegistryException.findCause(e, UnresolvedAddressException.class) != null
                        || RegistryException.findCause(e, UnknownHostException.class) != null;
                if (!request.retryable || unknownHost || attempt >= maxAttempts) {
                    throw new RegistryException(RegistryException.Kind.UNAVAILABLE, "cannot reach " + request.registry + " ("
                            + request.method + " " + request.what + ")" + (attempt > 1 ? " after " + attempt + " attempts" : "")
                            + ": " + RegistryException.describe(e), e);
                }
                backoff(attempt, null);
                continue;
            }
            if (request.retryable && isRetryable(r.status()) && attempt < maxAttempts) {
                String retryAfter = r.header("Retry-After");
                r.close();
                backoff(attempt, retryAfter);
                continue;
            }
            return r;
        }
    }

    /** Waits before attempt {@code attempt + 1}: the initial backoff doubled per attempt, plus up to 25% jitter. */
    void backoff(int attempt, String retryAfter) {
        long millis = initialBackoff.toMillis() << Math.min(attempt - 1, 6);
        if (retryAfter != null) {
            try {
                millis = Math.max(millis, Math.min(60_000, Long.parseLong(retryAfter.trim()) * 1000));
            } catch (NumberFormatException ignored) {
                // an HTTP-date Retry-After: keep the exponential wait
            }
        }
        millis += ThreadLocalRandom.current().nextLong(Math.max(1, millis / 4));
        try {
            sleeper.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(RegistryException.Kind.UNAVAILABLE, "interrupted while waiting to retry", e);
        }
    }
}
