package dev.layercake.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The protocol paths a plain docker-registry does not exercise: the bearer-token challenge and retries on
 * 503/429. A small in-process HTTP server on 127.0.0.1 plays registry and token service.
 */
class RegistryClientProtocolTest {

    private HttpServer server;
    private String host;
    private final List<String> tokenQueries = new CopyOnWriteArrayList<>();
    private final List<String> putBodies = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:" + "0".repeat(64)
            + "\",\"size\":2},\"layers\":[]}").getBytes(StandardCharsets.UTF_8);
    private final byte[] blob = "layer content".getBytes(StandardCharsets.UTF_8);

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        host = "127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/token", ex -> {
            tokenQueries.add(ex.getRequestURI().getRawQuery());
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            String good = "Basic " + Base64.getEncoder().encodeToString("alice:right-pw".getBytes(StandardCharsets.UTF_8));
            if (good.equals(auth)) {
                respond(ex, 200, "{\"token\":\"tok-123\"}".getBytes(), "application/json");
            } else {
                respond(ex, 401, new byte[0], null);
            }
        });
        server.createContext("/v2/", ex -> {
            String path = ex.getRequestURI().getPath();
            int n = hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            if (path.startsWith("/v2/private/")) {
                if (!"Bearer tok-123".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                    ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"http://" + host
                            + "/token\",service=\"test-registry\",scope=\"repository:private/app:pull\"");
                    respond(ex, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}".getBytes(), "application/json");
                    return;
                }
                respond(ex, 200, manifest, "application/vnd.oci.image.manifest.v1+json");
            } else if (path.startsWith("/v2/flaky/app/blobs/")) {
                if (n == 1) {
                    respond(ex, 503, new byte[0], null);
                } else if (n == 2) {
                    ex.getResponseHeaders().add("Retry-After", "0");
                    respond(ex, 429, new byte[0], null);
                } else {
                    respond(ex, 200, blob, "application/octet-stream");
                }
            } else if (path.startsWith("/v2/upload/")) {
                String method = ex.getRequestMethod();
                byte[] body = ex.getRequestBody().readAllBytes();
                if (method.equals("POST")) {
                    putBodies.add(method + " " + body.length + " " + ex.getRequestHeaders().getFirst("Content-Length"));
                    ex.getResponseHeaders().add("Location", "/v2/upload/app/blobs/uploads/session-1?state=x");
                    respond(ex, 202, new byte[0], null);
                } else if (method.equals("PUT") && !"Bearer tok-123".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                    // the token ran out between opening the session and the upload
                    putBodies.add("PUT refused " + body.length);
                    ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"http://" + host
                            + "/token\",service=\"test-registry\",scope=\"repository:upload/app:pull,push\"");
                    respond(ex, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}".getBytes(), "application/json");
                } else {
                    putBodies.add("PUT " + new String(body, StandardCharsets.UTF_8) + " " + ex.getRequestURI().getRawQuery());
                    respond(ex, 201, new byte[0], null);
                }
            } else if (path.startsWith("/v2/basic/")) {
                ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"registry\"");
                respond(ex, 401, new byte[0], null);
            } else if (path.startsWith("/v2/down/")) {
                respond(ex, 502, new byte[0], null);
            } else {
                respond(ex, 404, new byte[0], null);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private RegistryClient client(CredentialProvider creds) {
        return new RegistryClient(RegistryOptions.defaults().withInsecure(List.of(host)).withCredentials(creds)
                .withRetries(4, Duration.ofMillis(10)));
    }

    @Test
    void answersTheBearerChallengeWithATokenFetchedWithBasicCredentials() {
        RegistryClient client = client(h -> h.equals(host) ? Optional.of(new Credentials("alice", "right-pw")) : Optional.empty());
        ManifestDoc doc = client.getManifest(ImageRef.parse(host + "/private/app:1"));
        assertThat(doc.bytes()).isEqualTo(manifest);
        assertThat(tokenQueries).singleElement().asString()
                .contains("service=test-registry").contains("scope=repository%3Aprivate%2Fapp%3Apull");
        // The token is reused for the same scope.
        client.getManifest(ImageRef.parse(host + "/private/app:1"));
        assertThat(tokenQueries).hasSize(1);
    }

    @Test
    void refusedCredentialsAreAnAuthErrorWithoutTheSecret() {
        RegistryClient client = client(h -> Optional.of(new Credentials("alice", "wrong-pw-77")));
        RegistryException e = catchThrowableOfType(RegistryException.class, () -> client.getManifest(ImageRef.parse(host + "/private/app:1")));
        assertThat(e.kind()).isEqualTo(RegistryException.Kind.AUTH);
        assertThat(e.getMessage()).contains(host).doesNotContain("wrong-pw-77");
        RegistryException anonymous = catchThrowableOfType(RegistryException.class,
                () -> client(CredentialProvider.ANONYMOUS).getManifest(ImageRef.parse(host + "/private/app:1")));
        assertThat(anonymous.kind()).isEqualTo(RegistryException.Kind.AUTH);
        assertThat(anonymous.getMessage()).contains("log in");
    }

    @Test
    void retries503And429ThenStreamsTheVerifiedBlob() throws IOException {
        RegistryClient client = client(CredentialProvider.ANONYMOUS);
        Descriptor d = Descriptor.of(Digests.sha256(blob), blob.length, "application/octet-stream");
        try (InputStream in = client.openBlob(host, "flaky/app", d)) {
            assertThat(in.readAllBytes()).isEqualTo(blob);
        }
        assertThat(hits.get("/v2/flaky/app/blobs/" + d.digest()).get()).isEqualTo(3);
    }

    @Test
    void givesUpAfterTheLastAttemptWithUnavailable() {
        RegistryClient client = client(CredentialProvider.ANONYMOUS);
        RegistryException e = catchThrowableOfType(RegistryException.class, () -> client.getManifest(ImageRef.parse(host + "/down/app:1")));
        assertThat(e.kind()).isEqualTo(RegistryException.Kind.UNAVAILABLE);
        assertThat(hits.get("/v2/down/app/manifests/1").get()).isEqualTo(4);
    }

    @Test
    void aBlobThatDoesNotMatchItsDigestFailsTheRead() {
        RegistryClient client = client(CredentialProvider.ANONYMOUS);
        Descriptor wrong = Descriptor.of("sha256:" + "1".repeat(64), blob.length, "application/octet-stream");
        hits.put("/v2/flaky/app/blobs/" + wrong.digest(), new AtomicInteger(2)); // skip the failures
        assertThat(catchThrowableOfType(Digests.ContentMismatchException.class, () -> {
            try (InputStream in = client.openBlob(host, "flaky/app", wrong)) {
                in.readAllBytes();
            }
        })).hasMessageContaining("hashes to");
    }

    @Test
    void aStreamedUploadRefusedWith401IsSentAgainWithAFreshToken() {
        RegistryClient client = client(h -> h.equals(host) ? Optional.of(new Credentials("alice", "right-pw")) : Optional.empty());
        Descriptor d = Descriptor.of(Digests.sha256(blob), blob.length, "application/octet-stream");
        AtomicInteger opened = new AtomicInteger();
        client.pushBlob(host, "upload/app", d, () -> {
            opened.incrementAndGet();
            return new java.io.ByteArrayInputStream(blob);
        });
        // The empty POST went with Content-Length 0; the PUT was refused once, then sent whole with the token.
        assertThat(putBodies).contains("POST 0 0");
        assertThat(putBodies).anyMatch(b -> b.startsWith("PUT refused"));
        assertThat(putBodies).anyMatch(b -> b.startsWith("PUT layer content ") && b.contains("digest=sha256%3A"));
        assertThat(opened.get()).as("the content is opened again for the second attempt").isGreaterThanOrEqualTo(2);
        assertThat(tokenQueries).anyMatch(q -> q.contains("scope=repository%3Aupload%2Fapp%3Apull%2Cpush"));
    }

    @Test
    void aBasicChallengeIsNeverAnsweredByTheJvmsDefaultAuthenticator() {
        List<String> asked = new CopyOnWriteArrayList<>();
        java.net.Authenticator previous = java.net.Authenticator.getDefault();
        java.net.Authenticator.setDefault(new java.net.Authenticator() {
            @Override
            protected java.net.PasswordAuthentication getPasswordAuthentication() {
                asked.add(getRequestingHost() + " " + getRequestorType());
                return new java.net.PasswordAuthentication("someone-else", "their-password".toCharArray());
            }
        });
        try {
            RegistryException e = catchThrowableOfType(RegistryException.class,
                    () -> client(CredentialProvider.ANONYMOUS).getManifest(ImageRef.parse(host + "/basic/app:1")));
            assertThat(e.kind()).isEqualTo(RegistryException.Kind.AUTH);
            assertThat(asked).as("a component's JVM-wide Authenticator is not asked for registry passwords").isEmpty();
        } finally {
            java.net.Authenticator.setDefault(previous);
        }
    }

    private static void respond(HttpExchange ex, int status, byte[] body, String type) throws IOException {
        if (type != null) {
            ex.getResponseHeaders().add("Content-Type", type);
        }
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(status, -1);
        } else {
            ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                ex.getResponseBody().write(body);
            }
        }
        ex.close();
    }
}
