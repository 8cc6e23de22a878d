package dev.layercake.registry;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Each transport layer on its own: stub layers below it, or a loopback HttpServer where the wire matters. */
class TransportLayersTest {

    private static final URI REG = URI.create("http://reg.test/v2/a/b/manifests/1");

    private static Response status(int status, Map<String, String> headers) {
        return new Response(status, headers::get, InputStream.nullInputStream());
    }

    private static Request pull() {
        return Request.to("GET", REG, "reg.test", "a/b", "pull", "a/b/manifests/1");
    }

    /** A clock the test moves. */
    private static final class MovingClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    // ---- token cache and auth --------------------------------------------------------------------

    @Test
    void tokensAreKeptPerExactScopeUntilShortlyBeforeTheyExpire() {
        MovingClock clock = new MovingClock();
        TokenCache cache = new TokenCache(clock);
        cache.put("reg.test", "repository:a/b:pull", "t1", Duration.ofSeconds(300));
        assertThat(cache.get("reg.test", "repository:a/b:pull")).contains("t1");
        assertThat(cache.get("reg.test", "repository:a/b:pull,push")).as("a pull token is not a push token").isEmpty();
        assertThat(cache.get("other.test", "repository:a/b:pull")).isEmpty();
        clock.now = clock.now.plusSeconds(289);
        assertThat(cache.get("reg.test", "repository:a/b:pull")).contains("t1");
        clock.now = clock.now.plusSeconds(1);
        assertThat(cache.get("reg.test", "repository:a/b:pull")).as("not used in its last 10 seconds").isEmpty();
        cache.put("reg.test", "s", "t2", null);
        clock.now = clock.now.plusSeconds(TokenCache.DEFAULT_LIFETIME.toSeconds());
        assertThat(cache.get("reg.test", "s")).as("no expires_in: the spec's 60 s").isEmpty();
    }

    @Test
    void anExpiredTokenIsFetchedAgainBeforeTheRequestNotAfterARefusal() {
        MovingClock clock = new MovingClock();
        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicInteger issued = new AtomicInteger();
        Transport below = r -> {
            if (r.uri.getPath().equals("/token")) {
                seen.add("token " + r.uri.getRawQuery());
                int n = issued.incrementAndGet();
                return new Response(200, h -> null, new ByteArrayInputStream(
                        ("{\"token\":\"tok-" + n + "\",\"expires_in\":120}").getBytes(StandardCharsets.UTF_8)));
            }
            String auth = r.headers.get("Authorization");
            seen.add(r.method + " " + auth);
            if (auth == null || !auth.equals("Bearer tok-" + issued.get())) {
                return status(401, Map.of("WWW-Authenticate", "Bearer realm=\"http://auth.test/token\",service=\"reg\""));
            }
            return status(200, Map.of());
        };
        AuthTransport auth = new AuthTransport(below, CredentialProvider.ANONYMOUS, new TokenCache(clock));
        auth.send(pull()).close();
        assertThat(seen).containsExactly("GET null", "token service=reg&scope=repository%3Aa%2Fb%3Apull", "GET Bearer tok-1");
        seen.clear();
        auth.send(pull()).close();
        assertThat(seen).as("cached").containsExactly("GET Bearer tok-1");
        seen.clear();
        clock.now = clock.now.plusSeconds(120);
        auth.send(pull()).close();
        assertThat(seen).as("expired: fetched first, no 401 round trip")
                .containsExactly("token service=reg&scope=repository%3Aa%2Fb%3Apull", "GET Bearer tok-2");
        seen.clear();
        auth.send(Request.to("PUT", REG, "reg.test", "a/b", "pull,push", "a/b/manifests/1")).close();
        assertThat(seen).as("another scope, another token")
                .containsExactly("token service=reg&scope=repository%3Aa%2Fb%3Apull%2Cpush", "PUT Bearer tok-3");
    }

    @Test
    void aRequestRefusedAfterTheChallengeIsAnAuthErrorAnd403IsDenied() {
        Transport always401 = r -> status(401, Map.of("WWW-Authenticate", "Basic realm=\"x\""));
        AuthTransport auth = new AuthTransport(always401, h -> Optional.of(new Credentials("u", "s3cret-pw")), new TokenCache(Clock.systemUTC()));
        RegistryException e = catchThrowableOfType(RegistryException.class, () -> auth.send(pull()));
        assertThat(e.kind()).isEqualTo(RegistryException.Kind.AUTH);
        assertThat(e.getMessage()).contains("reg.test").contains("a/b").doesNotContain("s3cret-pw");
        AuthTransport denied = new AuthTransport(r -> status(403, Map.of()), CredentialProvider.ANONYMOUS, new TokenCache(Clock.systemUTC()));
        assertThat(catchThrowableOfType(RegistryException.class, () -> denied.send(pull())).getMessage()).contains("denied GET on a/b");
        // Requests outside the registry's auth (token service, storage redirect) pass untouched.
        assertThat(denied.send(Request.plain("GET", REG, "reg.test", "x")).status()).isEqualTo(403);
    }

    // ---- retry -----------------------------------------------------------------------------------

    @Test
    void retriesTransientStatusesAndResetsWithinTheBound() {
        List<Long> waits = new ArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        Transport flaky = r -> switch (calls.incrementAndGet()) {
            case 1 -> status(503, Map.of());
            case 2 -> throw new UncheckedIOException(new SocketException("Connection reset"));
            case 3 -> status(429, Map.of("Retry-After", "2"));
            default -> status(200, Map.of());
        };
        RetryTransport retry = new RetryTransport(flaky, 5, Duration.ofMillis(100), waits::add);
        assertThat(retry.send(pull()).status()).isEqualTo(200);
        assertThat(calls.get()).isEqualTo(4);
        assertThat(waits).hasSize(3);
        assertThat(waits.get(0)).isBetween(100L, 125L);
        assertThat(waits.get(1)).isBetween(200L, 250L);
        assertThat(waits.get(2)).as("Retry-After: 2").isBetween(2000L, 2500L);

        calls.set(0);
        Transport down = r -> {
            calls.incrementAndGet();
            return status(502, Map.of());
        };
        assertThat(new RetryTransport(down, 3, Duration.ZERO, ms -> { }).send(pull()).status()).as("the last answer is returned").isEqualTo(502);
        assertThat(calls.get()).isEqualTo(3);
        calls.set(0);
        Transport reset = r -> {
            calls.incrementAndGet();
            throw new UncheckedIOException(new SocketException("Connection reset"));
        };
        RegistryException gaveUp = catchThrowableOfType(RegistryException.class,
                () -> new RetryTransport(reset, 3, Duration.ZERO, ms -> { }).send(pull()));
        assertThat(gaveUp.kind()).isEqualTo(RegistryException.Kind.UNAVAILABLE);
        assertThat(gaveUp.getMessage()).contains("cannot reach reg.test").contains("after 3 attempts");
        assertThat(calls.get()).isEqualTo(3);
    }

    @Test
    void doesNotRetryWhatARetryCannotMend() {
        AtomicInteger calls = new AtomicInteger();
        Transport reset = r -> {
            calls.incrementAndGet();
            throw new UncheckedIOException(new SocketException("Connection reset"));
        };
        RetryTransport retry = new RetryTransport(reset, 5, Duration.ZERO, ms -> { });
        catchThrowableOfType(RegistryException.class, () -> retry.send(pull().noRetry()));
        assertThat(calls.get()).as("a request marked not retryable (an upload PUT) goes once").isEqualTo(1);
        AtomicInteger busy = new AtomicInteger();
        assertThat(new RetryTransport(r -> {
            busy.incrementAndGet();
            return status(503, Map.of());
        }, 5, Duration.ZERO, ms -> { }).send(pull().noRetry()).status()).isEqualTo(503);
        assertThat(busy.get()).isEqualTo(1);
        calls.set(0);
        Transport unknown = r -> {
            calls.incrementAndGet();
            throw new UncheckedIOException(new UnknownHostException("nowhere.invalid"));
        };
        catchThrowableOfType(RegistryException.class, () -> new RetryTransport(unknown, 5, Duration.ZERO, ms -> { }).send(pull()));
        assertThat(calls.get()).as("an unknown host is not retried").isEqualTo(1);
        assertThat(catchThrowableOfType(RegistryException.class, () -> new RetryTransport(r -> {
            throw new UncheckedIOException(new Digests.ContentMismatchException("blob hashes to sha256:x"));
        }, 5, Duration.ZERO, ms -> { }).send(pull())).kind()).isEqualTo(RegistryException.Kind.CORRUPT);
    }

    @Test
    void anUploadCutMidBodyOpensANewSessionAndNeverResendsTheOldOne() throws IOException {
        byte[] blob = "some layer bytes, long enough to be cut".getBytes(StandardCharsets.UTF_8);
        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicInteger sessions = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v2/", ex -> {
            if (ex.getRequestMethod().equals("POST")) {
                ex.getRequestBody().readAllBytes();
                String session = "s" + sessions.incrementAndGet();
                seen.add("POST " + session);
                ex.getResponseHeaders().add("Location", "/v2/up/app/blobs/uploads/" + session);
                ex.sendResponseHeaders(202, -1);
                ex.close();
                return;
            }
            String session = ex.getRequestURI().getPath().replaceAll(".*/", "");
            if (session.equals("s1")) {
                ex.getRequestBody().readNBytes(5);
                seen.add("PUT " + session + " cut");
                throw new IllegalStateException("connection dropped mid-body"); // the server closes the connection
            }
            seen.add("PUT " + session + " " + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(201, -1);
            ex.close();
        });
        server.start();
        try {
            String host = "127.0.0.1:" + server.getAddress().getPort();
            RegistryClient client = new RegistryClient(RegistryOptions.defaults().withInsecure(List.of(host))
                    .withRetries(3, Duration.ofMillis(1)));
            AtomicInteger opened = new AtomicInteger();
            client.pushBlob(host, "up/app", Descriptor.of(Digests.sha256(blob), blob.length, "application/octet-stream"), () -> {
                opened.incrementAndGet();
                return new ByteArrayInputStream(blob);
            });
            assertThat(seen).containsExactly("POST s1", "PUT s1 cut", "POST s2", "PUT s2 " + new String(blob, StandardCharsets.UTF_8));
            assertThat(opened.get()).isEqualTo(2);
        } finally {
            server.stop(0);
        }
    }

    // ---- scheme and TLS --------------------------------------------------------------------------

    @Test
    void onlyInsecureRegistriesArePlainHttpAndTlsToThemFailsAtOnceWithANeutralHint() throws IOException {
        RegistryOptions options = RegistryOptions.defaults().withInsecure(List.of("Plain.Test:5000"));
        SchemeAndTrust scheme = new SchemeAndTrust(options::isInsecure, List.of(), Duration.ofSeconds(5));
        assertThat(scheme.base("plain.test:5000")).hasToString("http://plain.test:5000");
        assertThat(scheme.base("PLAIN.test:5000")).hasScheme("http");
        assertThat(scheme.base("plain.test")).as("another port is another registry").hasToString("https://plain.test");
        assertThat(scheme.base("ghcr.io")).hasToString("https://ghcr.io");

        // A server that speaks only plain HTTP: whatever arrives, it answers with an HTTP status line.
        AtomicInteger connections = new AtomicInteger();
        try (java.net.ServerSocket plainOnly = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                while (!plainOnly.isClosed()) {
                    try (java.net.Socket s = plainOnly.accept()) {
                        connections.incrementAndGet();
                        s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            String host = "127.0.0.1:" + plainOnly.getLocalPort();
            // Not named insecure: spoken to over TLS, which a plain-HTTP server cannot answer. No fallback to HTTP.
            RegistryClient client = new RegistryClient(RegistryOptions.defaults().withRetries(4, Duration.ofMillis(1)));
            RegistryException e = catchThrowableOfType(RegistryException.class,
                    () -> client.headManifest(ImageRef.parse(host + "/a/b:1")));
            assertThat(e.kind()).isEqualTo(RegistryException.Kind.UNAVAILABLE);
            assertThat(e.getMessage()).contains("TLS with " + host).contains("allow it as an insecure registry")
                    .doesNotContain("--").doesNotContain("attempts");
            assertThat(connections.get()).as("a TLS misconfiguration is not retried").isEqualTo(1);
        }
        AtomicInteger hits = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            hits.incrementAndGet();
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.start();
        try {
            String host = "127.0.0.1:" + server.getAddress().getPort();
            // Named insecure: plain HTTP.
            RegistryClient insecure = new RegistryClient(RegistryOptions.defaults().withInsecure(List.of(host)));
            assertThat(insecure.headManifest(ImageRef.parse(host + "/a/b:1"))).isPresent();
            assertThat(hits.get()).isEqualTo(1);
        } finally {
            server.stop(0);
        }
    }

    // ---- redirects -------------------------------------------------------------------------------

    @Test
    void redirectsAreFollowedWithoutTheRegistrysCredentials() {
        Transport registry = r -> status(307, Map.of("Location", "https://storage.test/blob?sig=abc"));
        List<Request> plain = new ArrayList<>();
        Transport storage = r -> {
            plain.add(r);
            return plain.size() < 2 ? status(302, Map.of("Location", "/blob2?sig=def")) : status(200, Map.of());
        };
        Request get = Request.to("GET", URI.create("http://reg.test/v2/a/b/blobs/sha256:1"), "reg.test", "a/b", "pull", "a/b/blobs/sha256:1")
                .header("Authorization", "Bearer secret-token");
        assertThat(new Redirects(registry, storage).send(get).status()).isEqualTo(200);
        assertThat(plain).extracting(r -> r.uri.toString())
                .containsExactly("https://storage.test/blob?sig=abc", "https://storage.test/blob2?sig=def");
        assertThat(plain).allSatisfy(r -> {
            assertThat(r.headers).doesNotContainKey("Authorization");
            assertThat(r.scopes).isEmpty();
        });
        Transport loop = r -> status(302, Map.of("Location", "/again"));
        AtomicInteger hops = new AtomicInteger();
        assertThat(new Redirects(loop, r -> {
            hops.incrementAndGet();
            return loop.send(r);
        }).send(get).status()).isEqualTo(302);
        assertThat(hops.get()).isEqualTo(Redirects.MAX_HOPS);
    }
}
