package dev.layercake.registry;

/**
 * One layer of the registry transport, after go-containerregistry's {@code pkg/v1/remote/transport}:
 * {@link HttpTransport} (one exchange) under {@link SchemeAndTrust} (http or https, TLS trust) under
 * {@link RetryTransport} (transient failures) under {@link AuthTransport} (challenges, tokens), with
 * {@link Redirects} for blob downloads; {@link RegistryClient} speaks the distribution API on top.
 *
 * <p>A layer answers with the response (the caller closes it) or throws: {@link java.io.UncheckedIOException}
 * for a failed exchange (below the retry layer), {@link RegistryException} for a failure a layer decided on.
 */
@FunctionalInterface
interface Transport {

    Response send(Request request);
}
