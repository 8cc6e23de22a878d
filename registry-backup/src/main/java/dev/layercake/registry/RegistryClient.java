package dev.layercake.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.PasswordAuthentication;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;

/**
 * A client of the OCI distribution protocol for any number of registries: manifests fetched and pushed
 * as raw bytes (digests preserved), blobs streamed both ways and checked against their digests, HEAD
 * before upload, cross-repository mounts, the referrers API. Auth: anonymous, basic, and the bearer-token
 * challenge, with credentials from a {@link CredentialProvider}. Retries 408, 429, 5xx and connection
 * failures with exponential backoff. Thread-safe; one instance serves a whole backup.
 */
public final class RegistryClient implements Closeable {

    /** Opens the content of a blob to upload; called again on each retry. */
    @FunctionalInterface
    public interface ContentOpener {
        InputStream open() throws IOException;
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
    private static final Set<Integer> RETRYABLE = Set.of(408, 429, 500, 502, 503, 504);
    private static final String PULL = "pull";
    private static final String PUSH = "pull,push";

    private final RegistryOptions options;
    /** Only for token services and storage redirects (often TLS): built on first use. */
    private volatile HttpClient http;
    /** Per registry: the auth scheme it asked for (null until challenged). */
    private final Map<String, Challenge> challenges = new ConcurrentHashMap<>();
    /** Registries that answered that they do not serve the referrers API: asked once per client. */
    private final Set<String> noReferrersApi = ConcurrentHashMap.newKeySet();
    /** Bearer tokens per registry + scope. */
    private final Map<String, String> tokens = new ConcurrentHashMap<>();

    public RegistryClient(RegistryOptions options) {
        this.options = options;
    }

    /**
     * Refuses every server-authentication request (we send our own Authorization header); proxy requests go
     * to the JVM's default Authenticator, as they would without this one.
     */
    private static final Authenticator PROXY_AUTH_ONLY = new Authenticator() {
        @Override
        protected PasswordAuthentication getPasswordAuthentication() {
            Authenticator fallback = Authenticator.getDefault();
            if (getRequestorType() != RequestorType.PROXY || fallback == null || fallback == this) {
                return null;
            }
            return Authenticator.requestPasswordAuthentication(fallback, getRequestingHost(), getRequestingSite(),
                    getRequestingPort(), getRequestingProtocol(), getRequestingPrompt(), getRequestingScheme(),
                    getRequestingURL(), getRequestorType());
        }
    };

    /**
     * The JDK checks the certificate's host name itself and asks this verifier only when that check failed:
     * answering no keeps the check strict even if a permissive verifier was made the JVM-wide default.
     */
    private static final HostnameVerifier STRICT_HOSTNAMES = (host, session) -> false;

    /** The JVM's TLS defaults, or (with trusted certificates given) a context that also trusts those CAs. */
    private SSLSocketFactory tls() {
        return (options.trustedCertificates().isEmpty() ? RegistryTrust.context(List.of()) : privateTrust()).getSocketFactory();
    }

    private volatile SSLContext privateTrust;

    private SSLContext privateTrust() {
        SSLContext ctx = privateTrust;
        if (ctx == null) {
            synchronized (this) {
                if (privateTrust == null) {
                    privateTrust = RegistryTrust.context(options.trustedCertificates());
                }
                ctx = privateTrust;
            }
        }
        return ctx;
    }

    private HttpClient http() {
        HttpClient h = http;
        if (h == null) {
            synchronized (this) {
                h = http;
                if (h == null) {
                    HttpClient.Builder b = HttpClient.newBuilder();
                    if (!options.trustedCertificates().isEmpty()) {
                        b.sslContext(privateTrust()); // token services often sit behind the same private CA
                    }
                    h = b
                            .version(HttpClient.Version.HTTP_1_1)
                            .connectTimeout(options.connectTimeout())
                            .followRedirects(HttpClient.Redirect.NEVER)
                            .build();
                    http = h;
                }
            }
        }
        return h;
    }

    public RegistryOptions options() {
        return options;
    }

    // ---- manifests -------------------------------------------------------------------------------

    /**
     * Fetches a manifest or index by tag or digest, exactly as stored. When fetched by digest, or when the
     * registry names a digest, the bytes must hash to it: otherwise CORRUPT.
     */
    public ManifestDoc getManifest(ImageRef ref) {
        Call call = new Call("GET", ref.registry(), ref.repository(), PULL, "/manifests/" + ref.reference())
                .header("Accept", String.join(", ", MediaTypes.ACCEPT));
        try (Response r = send(call)) {
            if (r.status() == 404) {
                throw notFound(r, ref.reference().startsWith("sha256:") ? "manifest " + ref.reference() + " of " + ref.name()
                        : "tag '" + ref.tag() + "' of " + ref.name());
            }
            expect(r, call, 200);
            byte[] bytes = r.readAtMost(MAX_MANIFEST_BYTES, "manifest of " + ref);
            String actual = Digests.sha256(bytes);
            if (ref.digest() != null && !actual.equals(ref.digest())) {
                throw new RegistryException(RegistryException.Kind.CORRUPT, "the manifest served for " + ref + " hashes to "
                        + actual + ", not the digest asked for; the registry's content is corrupt or tampered with");
            }
            String served = r.header("Docker-Content-Digest");
            if (served != null && Digests.isSha256(served) && !served.equals(actual)) {
                throw new RegistryException(RegistryException.Kind.CORRUPT, "the manifest served for " + ref + " hashes to "
                        + actual + " but the registry names it " + served + "; refusing to copy it");
            }
            return ManifestDoc.parse(bytes, r.header("Content-Type"), "the manifest of " + ref);
        }
    }

    /** HEAD of a manifest: its descriptor when it exists, empty on 404. */
    public Optional<Descriptor> headManifest(ImageRef ref) {
        Call call = new Call("HEAD", ref.registry(), ref.repository(), PULL, "/manifests/" + ref.reference())
                .header("Accept", String.join(", ", MediaTypes.ACCEPT));
        try (Response r = send(call)) {
            if (r.status() == 404) {
                return Optional.empty();
            }
            expect(r, call, 200);
            String digest = r.header("Docker-Content-Digest");
            long size = r.headerLong("Content-Length");
            return Optional.of(Descriptor.of(digest, size, r.header("Content-Type")));
        }
    }

    /** Pushes manifest bytes unchanged under {@code reference} (a tag, or the manifest's digest). */
    public void putManifest(String registry, String repository, String reference, ManifestDoc doc) {
        byte[] bytes = doc.bytes();
        Call call = new Call("PUT", registry, repository, PUSH, "/manifests/" + reference)
                .header("Content-Type", doc.mediaType())
                .bytes(bytes);
        try (Response r = send(call)) {
            expect(r, call, 201, 200, 202);
            String stored = r.header("Docker-Content-Digest");
            if (stored != null && Digests.isSha256(stored) && !stored.equals(doc.digest())) {
                throw new RegistryException(RegistryException.Kind.CORRUPT, registry + "/" + repository + " stored the manifest "
                        + doc.digest() + " as " + stored + "; the registry rewrote it");
            }
        }
    }

    /**
     * Deletes a manifest by digest (and so every tag pointing at it). True when deleted, false when it was
     * already absent; UNSUPPORTED when the registry does not allow deletes (distribution answers 405 unless
     * {@code storage.delete.enabled}).
     */
    public boolean deleteManifest(String registry, String repository, String digest) {
        Call call = new Call("DELETE", registry, repository, "pull,push,delete", "/manifests/" + digest);
        try (Response r = send(call)) {
            if (r.status() == 404) {
                return false;
            }
            if (r.status() == 405 || r.status() == 403 && r.errorText().contains("UNSUPPORTED")) {
                throw new RegistryException(RegistryException.Kind.UNSUPPORTED, registry + "/" + repository
                        + " does not allow deleting manifests (HTTP " + r.status() + "); enable deletes on the registry"
                        + " (distribution: storage.delete.enabled) or delete the tag with the registry's own tools");
            }
            expect(r, call, 202, 200, 204);
            return true;
        }
    }

    /**
     * Tags of a repository, first page of up to 1000, or empty when there are more pages (a caller that needs
     * certainty then asks for the tags it wants by name).
     */
    public Optional<List<String>> tagsFirstPage(String registry, String repository) {
        Call call = new Call("GET", registry, repository, PULL, "/tags/list?n=1000");
        try (Response r = send(call)) {
            if (r.status() == 404) {
                return Optional.of(List.of());
            }
            expect(r, call, 200);
            if (r.header("Link") != null) {
                return Optional.empty();
            }
            JsonNode json = readJson(r, "tag list of " + registry + "/" + repository);
            List<String> out = new ArrayList<>();
            json.path("tags").forEach(t -> out.add(t.asText()));
            return Optional.of(out);
        }
    }

    /** Tags of a repository (first page of up to 1000). */
    public List<String> tags(String registry, String repository) {
        Call call = new Call("GET", registry, repository, PULL, "/tags/list?n=1000");
        try (Response r = send(call)) {
            if (r.status() == 404) {
                return List.of();
            }
            expect(r, call, 200);
            JsonNode json = readJson(r, "tag list of " + registry + "/" + repository);
            List<String> out = new ArrayList<>();
            json.path("tags").forEach(t -> out.add(t.asText()));
            return out;
        }
    }

    /**
     * The OCI 1.1 referrers of a manifest (signatures, SBOMs, attestations attached with {@code subject}),
     * or empty when the registry does not serve the referrers API (callers then try the tag scheme).
     */
    public Optional<List<Descriptor>> referrers(String registry, String repository, String digest) {
        if (noReferrersApi.contains(registry)) {
            return Optional.empty();
        }
        Call call = new Call("GET", registry, repository, PULL, "/referrers/" + digest)
                .header("Accept", MediaTypes.OCI_INDEX);
        try (Response r = send(call)) {
            if (r.status() == 404 || r.status() == 405 || r.status() == 400) {
                // 404 with an OCI error body could mean "no such manifest", but registries that serve the API
                // answer 200 with an empty index for that; anything else means the API is not there.
                noReferrersApi.add(registry);
                return Optional.empty();
            }
            expect(r, call, 200);
            String type = r.header("Content-Type");
            if (type == null || !type.startsWith(MediaTypes.OCI_INDEX)) {
                noReferrersApi.add(registry);
                return Optional.empty();
            }
            JsonNode json = readJson(r, "referrers of " + digest);
            List<Descriptor> out = new ArrayList<>();
            for (JsonNode d : json.path("manifests")) {
                out.add(ManifestDoc.descriptor(d));
            }
            return Optional.of(out);
        }
    }

    // ---- blobs -----------------------------------------------------------------------------------

    /** HEAD of a blob: its size when the repository has it. */
    public OptionalLong blobSize(String registry, String repository, String digest) {
        Call call = new Call("HEAD", registry, repository, PULL, "/blobs/" + digest);
        try (Response r = send(call)) {
            if (r.status() == 404) {
                return OptionalLong.empty();
            }
            if (r.status() == 307 || r.status() == 302 || r.status() == 301 || r.status() == 303) {
                return OptionalLong.of(-1);
            }
            expect(r, call, 200);
            return OptionalLong.of(r.headerLong("Content-Length"));
        }
    }

    /**
     * Opens a blob for streaming. The stream checks the digest and size as it is read: a mismatch fails the
     * last read with {@link Digests.ContentMismatchException}. Redirects (to storage backends) are followed
     * without our credentials.
     */
    public InputStream openBlob(String registry, String repository, Descriptor blob) {
        return Digests.verifying(openBlobUnchecked(registry, repository, blob), blob.digest(), blob.size(),
                "blob " + blob.digest() + " from " + registry + "/" + repository);
    }

    /** The blob's bytes as served, for a destination that checks digest and size itself. */
    public InputStream openBlobUnchecked(String registry, String repository, Descriptor blob) {
        Call call = new Call("GET", registry, repository, PULL, "/blobs/" + blob.digest());
        Response r = send(call);
        for (int hops = 0; isRedirect(r.status()) && hops < 5; hops++) {
            String location = r.header("Location");
            r.close();
            if (location == null) {
                throw new RegistryException(RegistryException.Kind.UNAVAILABLE, registry + " redirected a blob download without a Location");
            }
            URI target = call.uri(this).resolve(location);
            r = sendPlain(HttpRequest.newBuilder(target).GET().build(), registry);
        }
        if (r.status() == 404) {
            r.close();
            throw new RegistryException(RegistryException.Kind.NOT_FOUND, "blob " + blob.digest() + " is missing from "
                    + registry + "/" + repository + " (its manifest names it)");
        }
        try {
            expect(r, call, 200);
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
        return r.body();
    }

    /**
     * Asks the registry to mount a blob from another repository of the same registry.
     *
     * @return true when mounted; false when the registry declined (the caller uploads instead)
     */
    public boolean mountBlob(String registry, String repository, String digest, String fromRepository) {
        Call call = new Call("POST", registry, repository, PUSH, "/blobs/uploads/?mount=" + enc(digest) + "&from=" + enc(fromRepository))
                .extraScope("repository:" + fromRepository + ":pull")
                .bytes(new byte[0]);
        try (Response r = send(call)) {
            if (r.status() == 201) {
                return true;
            }
            if (r.status() == 202) {
                cancelUpload(registry, repository, r.header("Location"), call);
                return false;
            }
            if (r.status() == 404 || r.status() == 401 || r.status() == 403) {
                return false;
            }
            expect(r, call, 201, 202);
            return false;
        }
    }

    /**
     * Uploads a blob in one monolithic PUT (POST to open the session, PUT with the whole content): the
     * content is streamed from {@code opener}, never held in memory. A failed attempt opens a new session
     * and re-opens the content. The registry checks the digest; a mismatch is CORRUPT.
     */
    public void pushBlob(String registry, String repository, Descriptor blob, ContentOpener opener) {
        int attempt = 0;
        while (true) {
            attempt++;
            try {
                pushBlobOnce(registry, repository, blob, opener);
                return;
            } catch (RetryableUpload e) {
                if (attempt >= options.maxAttempts()) {
                    throw new RegistryException(RegistryException.Kind.UNAVAILABLE, "uploading " + blob.digest() + " to "
                            + registry + "/" + repository + " failed " + attempt + " times; last: " + e.getMessage(), e.getCause());
                }
                backoff(attempt, null);
            }
        }
    }

    private void pushBlobOnce(String registry, String repository, Descriptor blob, ContentOpener opener) {
        Call start = new Call("POST", registry, repository, PUSH, "/blobs/uploads/").bytes(new byte[0]);
        String location;
        try (Response r = send(start)) {
            expect(r, start, 202);
            location = r.header("Location");
        }
        if (location == null) {
            throw new RegistryException(RegistryException.Kind.UNAVAILABLE, registry + " opened an upload without a Location header");
        }
        URI put = start.uri(this).resolve(location);
        String sep = put.getRawQuery() == null ? "?" : "&";
        URI target = URI.create(put + sep + "digest=" + enc(blob.digest()));
        Call call = Call.absolute("PUT", registry, repository, PUSH, target)
                .header("Content-Type", "application/octet-stream")
                .noRetry()
                .stream(opener, blob.size());
        Response r;
        try {
            r = send(call);
        } catch (RegistryException e) {
            Throwable mismatch = findCause(e, Digests.ContentMismatchException.class);
            if (mismatch != null) {
                throw new RegistryException(RegistryException.Kind.CORRUPT, mismatch.getMessage() + "; not uploaded", e);
            }
            if (e.kind() == RegistryException.Kind.UNAVAILABLE) {
                throw new RetryableUpload(e.getMessage(), e);
            }
            throw e;
        }
        try (r) {
            if (RETRYABLE.contains(r.status())) {
                throw new RetryableUpload("HTTP " + r.status() + " " + r.errorText(), null);
            }
            if (r.status() == 400) {
                throw new RegistryException(RegistryException.Kind.CORRUPT, registry + "/" + repository + " refused blob "
                        + blob.digest() + ": " + r.errorText());
            }
            expect(r, call, 201, 204);
        }
    }

    private void cancelUpload(String registry, String repository, String location, Call from) {
        if (location == null) {
            return;
        }
        Call cancel = Call.absolute("DELETE", registry, repository, PUSH, from.uri(this).resolve(location)).noRetry();
        try (Response ignored = send(cancel)) {
            // a leftover session expires on its own; cancelling is a courtesy
        } catch (RuntimeException ignored) {
            // same
        }
    }

    // ---- HTTP, auth and retries ------------------------------------------------------------------

    URI base(String registry) {
        return URI.create((options.isInsecure(registry) ? "http://" : "https://") + registry);
    }

    private Response send(Call call) {
        int attempt = 0;
        boolean reauthenticated = false;
        while (true) {
            attempt++;
            Response r;
            try {
                r = exchange(call);
            } catch (IOException | UncheckedIOException e) {
                Throwable mismatch = findCause(e, Digests.ContentMismatchException.class);
                if (mismatch != null) {
                    throw new RegistryException(RegistryException.Kind.CORRUPT, mismatch.getMessage(), e);
                }
                if (isTlsMisconfiguration(e)) {
                    // Not transient: an untrusted or misnamed certificate, or TLS spoken to a plain-HTTP registry.
                    throw new RegistryException(RegistryException.Kind.UNAVAILABLE, "TLS with " + call.registry + " failed ("
                            + describe(e) + "). If its certificate is issued by a private CA, point LAYERCAKE_REGISTRY_CA at"
                            + " that CA's PEM file (or add it to the JVM's trust store); if the registry speaks plain HTTP,"
                            + " name it with --insecure-registry " + call.registry, e);
                }
                boolean unknownHost = findCause(e, java.nio.channels.UnresolvedAddressException.class) != null
                        || findCause(e, java.net.UnknownHostException.class) != null;
                if (!call.retry || unknownHost || attempt >= options.maxAttempts()) {
                    throw new RegistryException(RegistryException.Kind.UNAVAILABLE, "cannot reach " + call.registry + " ("
                            + call.method + " " + call.what() + ")" + (attempt > 1 ? " after " + attempt + " attempts" : "")
                            + ": " + describe(e), e);
                }
                backoff(attempt, null);
                continue;
            }
            if (r.status() == 401 && !reauthenticated) {
                reauthenticated = true;
                attempt--;
                String header = r.header("WWW-Authenticate");
                r.close();
                authenticate(call, Challenge.parse(header));
                continue;
            }
            if (r.status() == 401) {
                r.close();
                throw refused(call);
            }
            if (r.status() == 403) {
                String text = r.errorText();
                r.close();
                throw new RegistryException(RegistryException.Kind.AUTH, call.registry + " denied " + call.method + " on "
                        + call.repository + " (" + text + "); check the account's permissions for this repository");
            }
            if (call.retry && RETRYABLE.contains(r.status()) && attempt < options.maxAttempts()) {
                String retryAfter = r.header("Retry-After");
                r.close();
                backoff(attempt, retryAfter);
                continue;
            }
            return r;
        }
    }

    /**
     * One request over a blocking {@link HttpURLConnection}. Measured on loopback it moves blob bodies about
     * three times faster than the JDK's HttpClient (whose reactive pipeline copies every chunk through
     * queues), and a CLI that talks only plain HTTP never pays for HttpClient's TLS set-up. Blob uploads
     * stream with a fixed length; small bodies (manifests, empty POSTs) are sent with their length.
     */
    private Response exchange(Call call) throws IOException {
        HttpURLConnection c = (HttpURLConnection) call.uri(this).toURL().openConnection();
        c.setInstanceFollowRedirects(false);
        c.setUseCaches(false);
        // Our own auth only: a JVM-wide Authenticator (Jenkins installs one for its proxy) must not answer a
        // registry's 401 with someone else's password; proxy authentication still goes to it.
        c.setAuthenticator(PROXY_AUTH_ONLY);
        if (c instanceof HttpsURLConnection https) {
            // TLS as the JDK defaults it, whatever another component set as the JVM-wide HTTPS defaults.
            https.setSSLSocketFactory(tls());
            https.setHostnameVerifier(STRICT_HOSTNAMES);
        }
        c.setConnectTimeout((int) options.connectTimeout().toMillis());
        // A registry may take a while to commit a large upload once its last byte is in; reads stall far less.
        c.setReadTimeout((int) (call.streamOpener != null ? Duration.ofMinutes(30) : Duration.ofMinutes(2)).toMillis());
        c.setRequestMethod(call.method);
        call.headers.forEach(c::setRequestProperty);
        authorization(call).ifPresent(a -> c.setRequestProperty("Authorization", a));
        if (call.bytes != null) {
            c.setDoOutput(true);
            try (OutputStream out = c.getOutputStream()) {
                out.write(call.bytes);
            }
        } else if (call.streamOpener != null) {
            c.setDoOutput(true);
            if (call.streamLength >= 0) {
                c.setFixedLengthStreamingMode(call.streamLength);
            } else {
                c.setChunkedStreamingMode(1 << 16);
            }
            try (InputStream in = call.streamOpener.open(); OutputStream out = c.getOutputStream()) {
                copy(in, out);
            } catch (IOException | RuntimeException e) {
                c.disconnect();
                throw e;
            }
        }
        return Response.of(c);
    }

    /** Blob bodies in 256 KiB writes, not transferTo's 8 KiB: a 170 MiB copy is ~700 socket writes, not ~22,000. */
    static final int COPY_BUFFER = 256 * 1024;

    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[COPY_BUFFER];
        int n;
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
        }
    }

    /**
     * A TLS failure that a retry cannot mend: the certificate chain is not trusted, the certificate names
     * another host, or the server does not speak TLS at all. (A connection reset during a handshake is
     * transient and retried as usual.)
     */
    private static boolean isTlsMisconfiguration(Throwable e) {
        if (findCause(e, java.security.cert.CertificateException.class) != null) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage();
            if (m.startsWith("HTTPS hostname wrong") || (t instanceof SSLException && m.contains("Unsupported or unrecognized SSL message"))) {
                return true;
            }
        }
        return false;
    }

    /** Sends a request without our auth (a redirect to a storage backend), with the same retries. */
    private Response sendPlain(HttpRequest request, String registry) {
        int attempt = 0;
        while (true) {
            attempt++;
            try {
                Response r = Response.of(http().send(request, HttpResponse.BodyHandlers.ofInputStream()));
                if (RETRYABLE.contains(r.status()) && attempt < options.maxAttempts()) {
                    r.close();
                    backoff(attempt, null);
                    continue;
                }
                return r;
            } catch (IOException e) {
                if (attempt >= options.maxAttempts()) {
                    throw new RegistryException(RegistryException.Kind.UNAVAILABLE, "cannot download a blob redirected by "
                            + registry + " to " + request.uri().getHost() + ": " + describe(e), e);
                }
                backoff(attempt, null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryException(RegistryException.Kind.UNAVAILABLE, "interrupted", e);
            }
        }
    }

    private Optional<String> authorization(Call call) {
        Challenge c = challenges.get(call.registry);
        if (c == null) {
            return Optional.empty();
        }
        if (c.isBearer()) {
            String token = tokens.get(call.registry + " " + call.scope());
            return Optional.ofNullable(token).map(t -> "Bearer " + t);
        }
        return options.credentials().credentials(call.registry).map(RegistryClient::basic);
    }

    private void authenticate(Call call, Challenge challenge) {
        challenges.put(call.registry, challenge);
        Optional<Credentials> creds = options.credentials().credentials(call.registry);
        if (!challenge.isBearer()) {
            if (creds.isEmpty()) {
                throw new RegistryException(RegistryException.Kind.AUTH, call.registry + " requires credentials and none were found"
                        + " for it; log in (docker/podman login) or point DOCKER_CONFIG at a config.json with them");
            }
            return;
        }
        String realm = challenge.params().get("realm");
        if (realm == null) {
            throw new RegistryException(RegistryException.Kind.AUTH, call.registry + " asked for a bearer token without naming a realm");
        }
        StringBuilder q = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?");
        if (challenge.params().get("service") != null) {
            q.append("service=").append(enc(challenge.params().get("service"))).append('&');
        }
        for (String scope : call.scopes()) {
            q.append("scope=").append(enc(scope)).append('&');
        }
        URI tokenUri;
        try {
            tokenUri = URI.create(q.substring(0, q.length() - 1));
        } catch (IllegalArgumentException e) {
            throw new RegistryException(RegistryException.Kind.AUTH, call.registry + " named an invalid token realm");
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(tokenUri).timeout(Duration.ofMinutes(1)).GET();
        creds.ifPresent(c -> b.header("Authorization", basic(c)));
        Response r = sendPlain(b.build(), call.registry);
        try (r) {
            if (r.status() == 401 || r.status() == 403) {
                throw creds.isPresent()
                        ? new RegistryException(RegistryException.Kind.AUTH, "the token service of " + call.registry + " ("
                        + tokenUri.getHost() + ") refused the credentials found for " + call.registry + "; log in again")
                        : new RegistryException(RegistryException.Kind.AUTH, call.registry + " refused anonymous access to "
                        + call.repository + "; log in (docker/podman login) or point DOCKER_CONFIG at a config.json with credentials");
            }
            if (r.status() != 200) {
                throw new RegistryException(RegistryException.Kind.UNAVAILABLE, "the token service of " + call.registry
                        + " answered HTTP " + r.status());
            }
            JsonNode json = readJson(r, "token from " + tokenUri.getHost());
            String token = json.path("token").asText(json.path("access_token").asText(null));
            if (token == null || token.isEmpty()) {
                throw new RegistryException(RegistryException.Kind.AUTH, "the token service of " + call.registry + " returned no token");
            }
            tokens.put(call.registry + " " + call.scope(), token);
        }
    }

    private RegistryException refused(Call call) {
        boolean hasCreds = options.credentials().credentials(call.registry).isPresent();
        return new RegistryException(RegistryException.Kind.AUTH, hasCreds
                ? call.registry + " refused the credentials found for it (" + call.method + " " + call.repository
                + "); log in again or fix the entry in the docker config"
                : call.registry + " requires credentials for " + call.repository + " and none were found; log in"
                + " (docker/podman login) or point DOCKER_CONFIG at a config.json with them");
    }

    private void backoff(int attempt, String retryAfter) {
        long millis = options.initialBackoff().toMillis() << Math.min(attempt - 1, 6);
        if (retryAfter != null) {
            try {
                millis = Math.max(millis, Math.min(60_000, Long.parseLong(retryAfter.trim()) * 1000));
            } catch (NumberFormatException ignored) {
                // an HTTP-date Retry-After: keep the exponential wait
            }
        }
        millis += ThreadLocalRandom.current().nextLong(Math.max(1, millis / 4));
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(RegistryException.Kind.UNAVAILABLE, "interrupted while waiting to retry", e);
        }
    }

    private static void expect(Response r, Call call, int... ok) {
        for (int s : ok) {
            if (r.status() == s) {
                return;
            }
        }
        String text = r.errorText();
        RegistryException.Kind kind = r.status() == 404 ? RegistryException.Kind.NOT_FOUND
                : r.status() >= 500 || RETRYABLE.contains(r.status()) ? RegistryException.Kind.UNAVAILABLE
                : RegistryException.Kind.INVALID;
        throw new RegistryException(kind, call.registry + " answered HTTP " + r.status() + " to " + call.method + " "
                + call.what() + (text.isEmpty() ? "" : ": " + text));
    }

    private static RegistryException notFound(Response r, String what) {
        String text = r.errorText();
        return new RegistryException(RegistryException.Kind.NOT_FOUND, what + " does not exist"
                + (text.isEmpty() ? "" : " (" + text + ")"));
    }

    private static JsonNode readJson(Response r, String what) {
        byte[] bytes = r.readAtMost(MAX_MANIFEST_BYTES, what);
        try {
            return MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new RegistryException(RegistryException.Kind.CORRUPT, what + " is not valid JSON");
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static String basic(Credentials c) {
        return "Basic " + Base64.getEncoder().encodeToString((c.username() + ":" + c.secret()).getBytes(StandardCharsets.UTF_8));
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String describe(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getMessage() == null) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : " " + m);
    }

    static <T extends Throwable> T findCause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            for (Throwable s : t.getSuppressed()) {
                if (type.isInstance(s)) {
                    return type.cast(s);
                }
            }
        }
        return null;
    }

    @Override
    public void close() {
        // HttpClient (Java 17) has no close; its threads are daemons and end with the JVM.
    }

    private static final class RetryableUpload extends RuntimeException {
        RetryableUpload(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** One request: method, registry, repository, the scope it needs, the path under /v2/<repo>, headers, body. */
    private static final class Call {
        final String method;
        final String registry;
        final String repository;
        final String actions;
        final String path;
        final URI absolute;
        final Map<String, String> headers = new java.util.LinkedHashMap<>();
        final List<String> extraScopes = new ArrayList<>();
        byte[] bytes;
        ContentOpener streamOpener;
        long streamLength = -1;
        boolean retry = true;

        Call(String method, String registry, String repository, String actions, String path) {
            this(method, registry, repository, actions, path, null);
        }

        private Call(String method, String registry, String repository, String actions, String path, URI absolute) {
            this.method = method;
            this.registry = registry;
            this.repository = repository;
            this.actions = actions;
            this.path = path;
            this.absolute = absolute;
        }

        static Call absolute(String method, String registry, String repository, String actions, URI uri) {
            return new Call(method, registry, repository, actions, null, uri);
        }

        Call header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        /** A small body held in memory (a manifest; empty for POSTs), sent with its Content-Length. */
        Call bytes(byte[] body) {
            bytes = body;
            return this;
        }

        /** A streamed body (blob bytes), re-opened on each attempt. */
        Call stream(ContentOpener opener, long length) {
            streamOpener = opener;
            streamLength = length;
            return this;
        }

        Call extraScope(String scope) {
            extraScopes.add(scope);
            return this;
        }

        Call noRetry() {
            retry = false;
            return this;
        }

        URI uri(RegistryClient client) {
            return absolute != null ? absolute : URI.create(client.base(registry) + "/v2/" + repository + path);
        }

        List<String> scopes() {
            List<String> s = new ArrayList<>();
            s.add("repository:" + repository + ":" + actions);
            s.addAll(extraScopes);
            return s;
        }

        String scope() {
            return String.join(" ", scopes());
        }

        String what() {
            return absolute != null ? repository + " upload" : repository + path.replaceAll("\\?.*", "");
        }
    }

    /** A response whose body is a stream: closed after use so the connection goes back to the pool. */
    private static final class Response implements AutoCloseable {
        private final int status;
        private final java.util.function.Function<String, String> headers;
        private final InputStream body;

        private Response(int status, java.util.function.Function<String, String> headers, InputStream body) {
            this.status = status;
            this.headers = headers;
            this.body = body;
        }

        static Response of(HttpResponse<InputStream> resp) {
            return new Response(resp.statusCode(), name -> resp.headers().firstValue(name).orElse(null), resp.body());
        }

        static Response of(HttpURLConnection c) throws IOException {
            int status = c.getResponseCode();
            InputStream body = status >= 400 ? c.getErrorStream() : c.getInputStream();
            return new Response(status, c::getHeaderField, body == null ? InputStream.nullInputStream() : body);
        }

        int status() {
            return status;
        }

        String header(String name) {
            return headers.apply(name);
        }

        long headerLong(String name) {
            String v = header(name);
            try {
                return v == null ? -1 : Long.parseLong(v.trim());
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        InputStream body() {
            return body;
        }

        byte[] readAtMost(int limit, String what) {
            try (InputStream in = body) {
                byte[] bytes = in.readNBytes(limit + 1);
                if (bytes.length > limit) {
                    throw new RegistryException(RegistryException.Kind.UNSUPPORTED, what + " is larger than " + limit + " bytes");
                }
                return bytes;
            } catch (IOException e) {
                throw new RegistryException(RegistryException.Kind.UNAVAILABLE, "reading " + what + " failed: " + describe(e), e);
            }
        }

        /** The registry's error codes and messages, for our messages. */
        String errorText() {
            try (InputStream in = body) {
                byte[] bytes = in.readNBytes(16 * 1024);
                JsonNode json = MAPPER.readTree(bytes);
                List<String> parts = new ArrayList<>();
                if (json != null) {
                    for (JsonNode e : json.path("errors")) {
                        parts.add(e.path("code").asText("") + (e.hasNonNull("message") ? " " + e.path("message").asText() : ""));
                    }
                }
                return String.join("; ", parts);
            } catch (IOException | RuntimeException e) {
                return "";
            }
        }

        @Override
        public void close() {
            try {
                body.close();
            } catch (IOException ignored) {
                // closing a finished stream
            }
        }
    }
}
