package dev.layercake.registry;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A client of the OCI distribution protocol for any number of registries: manifests fetched and pushed
 * as raw bytes (digests preserved), blobs streamed both ways and checked against their digests, HEAD
 * before upload, cross-repository mounts, the referrers API. The HTTP concerns are layers below it (see
 * {@link Transport}): auth challenges and bearer tokens, retries, scheme and TLS trust, redirects.
 * Thread-safe; one instance serves a whole backup.
 */
public final class RegistryClient implements Closeable {

    /** Opens the content of a blob to upload; called again on each retry. */
    @FunctionalInterface
    public interface ContentOpener {
        InputStream open() throws IOException;
    }

    private static final String PULL = "pull";
    private static final String PUSH = "pull,push";

    private final RegistryOptions options;
    private final SchemeAndTrust scheme;
    private final RetryTransport retry;
    /** Registry requests: auth over retry over scheme/TLS over HTTP. */
    private final Transport registry;
    /** Blob downloads: the same, following redirects to storage backends without our credentials. */
    private final Transport downloads;
    /** Registries that answered that they do not serve the referrers API: asked once per client. */
    private final Set<String> noReferrersApi = ConcurrentHashMap.newKeySet();

    public RegistryClient(RegistryOptions options) {
        this(options, Clock.systemUTC(), Thread::sleep);
    }

    RegistryClient(RegistryOptions options, Clock clock, RetryTransport.Sleeper sleeper) {
        this.options = options;
        this.scheme = new SchemeAndTrust(options::isInsecure, options.trustedCertificates(), options.connectTimeout());
        this.retry = new RetryTransport(scheme, options.maxAttempts(), options.initialBackoff(), sleeper);
        this.registry = new AuthTransport(retry, options.credentials(), new TokenCache(clock));
        this.downloads = new Redirects(registry, retry);
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
        Request call = call("GET", ref.registry(), ref.repository(), PULL, "/manifests/" + ref.reference())
                .header("Accept", String.join(", ", MediaTypes.ACCEPT));
        try (Response r = registry.send(call)) {
            if (r.status() == 404) {
                throw notFound(r, ref.reference().startsWith("sha256:") ? "manifest " + ref.reference() + " of " + ref.name()
                        : "tag '" + ref.tag() + "' of " + ref.name());
            }
            r.expect(call, 200);
            byte[] bytes = r.readAtMost(Response.MAX_DOCUMENT_BYTES, "manifest of " + ref);
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
        Request call = call("HEAD", ref.registry(), ref.repository(), PULL, "/manifests/" + ref.reference())
                .header("Accept", String.join(", ", MediaTypes.ACCEPT));
        try (Response r = registry.send(call)) {
            if (r.status() == 404) {
                return Optional.empty();
            }
            r.expect(call, 200);
            return Optional.of(Descriptor.of(r.header("Docker-Content-Digest"), r.headerLong("Content-Length"), r.header("Content-Type")));
        }
    }

    /** Pushes manifest bytes unchanged under {@code reference} (a tag, or the manifest's digest). */
    public void putManifest(String registry, String repository, String reference, ManifestDoc doc) {
        Request call = call("PUT", registry, repository, PUSH, "/manifests/" + reference)
                .header("Content-Type", doc.mediaType())
                .bytes(doc.bytes());
        try (Response r = this.registry.send(call)) {
            r.expect(call, 201, 200, 202);
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
        Request call = call("DELETE", registry, repository, "pull,push,delete", "/manifests/" + digest);
        try (Response r = this.registry.send(call)) {
            if (r.status() == 404) {
                return false;
            }
            if (r.status() == 405 || r.status() == 403 && r.errorText().contains("UNSUPPORTED")) {
                throw new RegistryException(RegistryException.Kind.UNSUPPORTED, registry + "/" + repository
                        + " does not allow deleting manifests (HTTP " + r.status() + "); enable deletes on the registry"
                        + " (distribution: storage.delete.enabled) or delete the tag with the registry's own tools");
            }
            r.expect(call, 202, 200, 204);
            return true;
        }
    }

    /**
     * Tags of a repository, first page of up to 1000, or empty when there are more pages (a caller that needs
     * certainty then asks for the tags it wants by name).
     */
    public Optional<List<String>> tagsFirstPage(String registry, String repository) {
        Request call = call("GET", registry, repository, PULL, "/tags/list?n=1000");
        try (Response r = this.registry.send(call)) {
            if (r.status() == 404) {
                return Optional.of(List.of());
            }
            r.expect(call, 200);
            if (r.header("Link") != null) {
                return Optional.empty();
            }
            List<String> out = new ArrayList<>();
            r.json("tag list of " + registry + "/" + repository).path("tags").forEach(t -> out.add(t.asText()));
            return Optional.of(out);
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
        Request call = call("GET", registry, repository, PULL, "/referrers/" + digest).header("Accept", MediaTypes.OCI_INDEX);
        try (Response r = this.registry.send(call)) {
            if (r.status() == 404 || r.status() == 405 || r.status() == 400) {
                // 404 with an OCI error body could mean "no such manifest", but registries that serve the API
                // answer 200 with an empty index for that; anything else means the API is not there.
                noReferrersApi.add(registry);
                return Optional.empty();
            }
            r.expect(call, 200);
            String type = r.header("Content-Type");
            if (type == null || !type.startsWith(MediaTypes.OCI_INDEX)) {
                noReferrersApi.add(registry);
                return Optional.empty();
            }
            List<Descriptor> out = new ArrayList<>();
            for (JsonNode d : r.json("referrers of " + digest).path("manifests")) {
                out.add(ManifestDoc.descriptor(d));
            }
            return Optional.of(out);
        }
    }

    // ---- blobs -----------------------------------------------------------------------------------

    /** HEAD of a blob: its size when the repository has it (-1 when the registry redirects the HEAD). */
    public OptionalLong blobSize(String registry, String repository, String digest) {
        Request call = call("HEAD", registry, repository, PULL, "/blobs/" + digest);
        try (Response r = this.registry.send(call)) {
            if (r.status() == 404) {
                return OptionalLong.empty();
            }
            if (r.status() == 307 || r.status() == 302 || r.status() == 301 || r.status() == 303) {
                return OptionalLong.of(-1);
            }
            r.expect(call, 200);
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
        Request call = call("GET", registry, repository, PULL, "/blobs/" + blob.digest());
        Response r = downloads.send(call);
        if (r.status() == 404) {
            r.close();
            throw new RegistryException(RegistryException.Kind.NOT_FOUND, "blob " + blob.digest() + " is missing from "
                    + registry + "/" + repository + " (its manifest names it)");
        }
        try {
            r.expect(call, 200);
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
        Request call = call("POST", registry, repository, PUSH, "/blobs/uploads/?mount=" + AuthTransport.enc(digest)
                + "&from=" + AuthTransport.enc(fromRepository))
                .extraScope("repository:" + fromRepository + ":pull")
                .bytes(new byte[0]);
        try (Response r = this.registry.send(call)) {
            if (r.status() == 201) {
                return true;
            }
            if (r.status() == 202) {
                cancelUpload(call, r.header("Location"));
                return false;
            }
            if (r.status() == 404 || r.status() == 401 || r.status() == 403) {
                return false;
            }
            r.expect(call, 201, 202);
            return false;
        }
    }

    /**
     * Uploads a blob in one monolithic PUT (POST to open the session, PUT with the whole content): the
     * content is streamed from {@code opener}, never held in memory. The PUT itself is never sent twice on
     * one session: a failed attempt (connection lost mid-body, 408/429/5xx) opens a new session and re-opens
     * the content, at most as many times as the retry layer would try. The registry checks the digest; a
     * mismatch is CORRUPT.
     */
    public void pushBlob(String registry, String repository, Descriptor blob, ContentOpener opener) {
        int attempt = 0;
        while (true) {
            attempt++;
            try {
                pushBlobOnce(registry, repository, blob, opener);
                return;
            } catch (RetryableUpload e) {
                if (attempt >= retry.maxAttempts()) {
                    throw new RegistryException(RegistryException.Kind.UNAVAILABLE, "uploading " + blob.digest() + " to "
                            + registry + "/" + repository + " failed " + attempt + " times; last: " + e.getMessage(), e.getCause());
                }
                retry.backoff(attempt, null);
            }
        }
    }

    private void pushBlobOnce(String registry, String repository, Descriptor blob, ContentOpener opener) {
        Request start = call("POST", registry, repository, PUSH, "/blobs/uploads/").bytes(new byte[0]);
        String location;
        try (Response r = this.registry.send(start)) {
            r.expect(start, 202);
            location = r.header("Location");
        }
        if (location == null) {
            throw new RegistryException(RegistryException.Kind.UNAVAILABLE, registry + " opened an upload without a Location header");
        }
        URI put = start.uri.resolve(location);
        URI target = URI.create(put + (put.getRawQuery() == null ? "?" : "&") + "digest=" + AuthTransport.enc(blob.digest()));
        Request call = Request.to("PUT", target, registry, repository, PUSH, repository + " upload")
                .header("Content-Type", "application/octet-stream")
                .noRetry()
                .stream(opener, blob.size());
        Response r;
        try {
            r = this.registry.send(call);
        } catch (RegistryException e) {
            Throwable mismatch = RegistryException.findCause(e, Digests.ContentMismatchException.class);
            if (mismatch != null) {
                throw new RegistryException(RegistryException.Kind.CORRUPT, mismatch.getMessage() + "; not uploaded", e);
            }
            if (e.kind() == RegistryException.Kind.UNAVAILABLE) {
                throw new RetryableUpload(e.getMessage(), e);
            }
            throw e;
        }
        try (r) {
            if (RetryTransport.isRetryable(r.status())) {
                throw new RetryableUpload("HTTP " + r.status() + " " + r.errorText(), null);
            }
            if (r.status() == 400) {
                throw new RegistryException(RegistryException.Kind.CORRUPT, registry + "/" + repository + " refused blob "
                        + blob.digest() + ": " + r.errorText());
            }
            r.expect(call, 201, 204);
        }
    }

    private void cancelUpload(Request from, String location) {
        if (location == null) {
            return;
        }
        Request cancel = Request.to("DELETE", from.uri.resolve(location), from.registry, from.repository(), PUSH,
                from.repository() + " upload").noRetry();
        try (Response ignored = registry.send(cancel)) {
            // a leftover session expires on its own; cancelling is a courtesy
        } catch (RuntimeException ignored) {
            // same
        }
    }

    // ---- requests --------------------------------------------------------------------------------

    /** A request to {@code /v2/<repository><path>} of {@code registry}, needing {@code actions} on the repository. */
    private Request call(String method, String registry, String repository, String actions, String path) {
        return Request.to(method, URI.create(scheme.base(registry) + "/v2/" + repository + path), registry, repository,
                actions, repository + path.replaceAll("\\?.*", ""));
    }

    private static RegistryException notFound(Response r, String what) {
        String text = r.errorText();
        return new RegistryException(RegistryException.Kind.NOT_FOUND, what + " does not exist"
                + (text.isEmpty() ? "" : " (" + text + ")"));
    }

    @Override
    public void close() {
        // Nothing to release: connections are HttpURLConnection's keep-alive pool (daemon threads).
    }

    private static final class RetryableUpload extends RuntimeException {
        RetryableUpload(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
