package dev.layercake.store;

import dev.layercake.api.access.Access;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.LayercakeException;
import dev.layercake.LayercakeException.Kind;
import dev.layercake.model.Digest;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectLockConfigurationResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRetentionResponse;
import software.amazon.awssdk.services.s3.model.ObjectLockEnabled;
import software.amazon.awssdk.services.s3.model.ObjectLockLegalHoldStatus;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A store in an S3 bucket (AWS or S3-compatible), under the location's prefix.
 *
 * <p>Writes are conditional ({@code If-None-Match: *}), so an existing key is never rewritten even when two
 * writers race; a 412 answer means "already there". A non-empty blob ({@link #createWithDigest}) of known length up
 * to {@link #SINGLE_PUT_LIMIT} streams in one PUT, without a buffer (so the SDK cannot resend it; the caller or a
 * re-run transfers it again): its last bytes are held back until {@code beforeCommit} has checked
 * everything before them, so a failed check cuts the body short and the server stores nothing (it never got
 * Content-Length bytes). When the caller knows the content's SHA-256 ({@link #createWithDigest}: a blob), the PUT
 * carries it as {@code x-amz-checksum-sha256} for the server to verify, and the body is sent unsigned and unwrapped
 * (see {@link ChecksummedPayloadSigner}). Other objects are buffered one part at a time: one part's worth goes in one
 * PUT after {@code beforeCommit}, larger ones as a multipart upload that becomes visible only at
 * CompleteMultipartUpload, which is sent after {@code beforeCommit}. Any failure aborts the upload, so readers never
 * see a partial object.
 */
public final class S3ObjectStore implements ObjectStore {

    /** 8 MiB: above S3's 5 MiB minimum part, small enough to buffer one part per upload in memory. */
    public static final int DEFAULT_PART_SIZE = 8 * 1024 * 1024;
    static final int MIN_PART_SIZE = 5 * 1024 * 1024;
    /**
     * 64 MiB: known-length objects up to this stream in one PUT. Such a body is read once and not kept, so the SDK
     * cannot resend it: a transient failure fails that object (a re-run skips what was stored), where a multipart
     * upload retries one part. Larger objects keep the per-part retries.
     */
    public static final long SINGLE_PUT_LIMIT = 64L * 1024 * 1024;

    /** S3 error codes that mean "these credentials may not do this", answered as AUTH. */
    private static final Set<String> AUTH_CODES = Set.of("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch",
            "InvalidToken", "ExpiredToken", "TokenRefreshRequired", "AllAccessDisabled", "InvalidSecurity");

    private final S3Client s3;
    private final String bucket;
    private final String base;
    private final String where;
    private final int partSize;

    S3ObjectStore(S3Client s3, StoreLocation location, int partSize) {
        if (partSize < MIN_PART_SIZE) {
            throw new IllegalArgumentException("part size below S3's minimum of 5 MiB: " + partSize);
        }
        this.s3 = s3;
        this.bucket = location.bucket();
        this.base = location.prefix() == null || location.prefix().isEmpty() ? "" : location.prefix() + "/";
        this.where = location.uri() + (location.endpoint() == null ? "" : " at " + location.endpoint());
        this.partSize = partSize;
    }

    /** Opens the bucket with the standard AWS credential chain (environment, profile, web identity, instance role). */
    public static S3ObjectStore open(StoreLocation location) {
        return open(location, DefaultCredentialsProvider.builder().build(), DEFAULT_PART_SIZE);
    }

    /** Opens the bucket with the store credentials of {@code access}, else the standard AWS chain. */
    public static S3ObjectStore open(StoreLocation location, Access access) {
        return access.storeCredentials().map(c -> open(location, c, DEFAULT_PART_SIZE)).orElseGet(() -> open(location));
    }

    /** Opens the bucket with the given credentials (tests, embedders that hold their own). */
    public static S3ObjectStore open(StoreLocation location, AwsCredentialsProvider credentials) {
        return open(location, credentials, DEFAULT_PART_SIZE);
    }

    public static S3ObjectStore open(StoreLocation location, AwsCredentialsProvider credentials, int partSize) {
        if (!StoreLocation.S3.equals(location.scheme())) {
            throw LayercakeException.usage("not an S3 location: " + location.uri());
        }
        ApacheHttpClient.Builder http = ApacheHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(10))
                .socketTimeout(Duration.ofMinutes(2))
                .maxConnections(16);
        if (location.endpoint() != null && location.endpoint().regionMatches(true, 0, "http://", 0, 7)) {
            // A plain-http endpoint never opens a TLS connection: skip building the TLS context (loading the JDK's
            // trust store costs a cold JVM ~0.4 s of CPU, a third of a whole rclone upload of 170 MiB).
            http.socketFactory(NO_TLS);
        }
        S3ClientBuilder builder = S3Client.builder()
                .credentialsProvider(credentials)
                .region(region(location))
                .forcePathStyle(location.pathStyle())
                .putAuthScheme(ChecksummedPayloadSigner.scheme())
                .httpClientBuilder(http);
        if (location.endpoint() != null) {
            builder.endpointOverride(URI.create(location.endpoint()));
        }
        S3ObjectStore store = new S3ObjectStore(builder.build(), location, partSize);
        try {
            store.checkBucket();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    /**
     * Wraps a client the caller built (own HTTP proxy, retry or credential settings). The bucket is checked
     * as by {@link #open(StoreLocation)}; closing the store closes the client.
     */
    public static S3ObjectStore of(S3Client client, StoreLocation location) {
        S3ObjectStore store = new S3ObjectStore(client, location, DEFAULT_PART_SIZE);
        store.checkBucket();
        return store;
    }

    /** The https socket factory of a client whose endpoint is plain http: never used, so it only refuses. */
    private static final org.apache.http.conn.socket.ConnectionSocketFactory NO_TLS = new org.apache.http.conn.socket.ConnectionSocketFactory() {
        @Override
        public java.net.Socket createSocket(org.apache.http.protocol.HttpContext context) throws IOException {
            throw new IOException("TLS is not set up for the plain-http S3 endpoint of this store");
        }

        @Override
        public java.net.Socket connectSocket(int timeout, java.net.Socket sock, org.apache.http.HttpHost host,
                                             java.net.InetSocketAddress remote, java.net.InetSocketAddress local,
                                             org.apache.http.protocol.HttpContext context) throws IOException {
            throw new IOException("TLS is not set up for the plain-http S3 endpoint of this store (" + host.getHostName() + ")");
        }
    };

    /** Region: the location's, else the AWS environment's or profile's, else us-east-1 (never the instance metadata service). */
    private static Region region(StoreLocation location) {
        if (location.region() != null) {
            return Region.of(location.region());
        }
        try {
            return new AwsRegionProviderChain(new SystemSettingsRegionProvider(), new AwsProfileRegionProvider()).getRegion();
        } catch (SdkClientException e) {
            return Region.US_EAST_1;
        }
    }

    /** Fails early and clearly: unreachable endpoint, refused credentials, missing bucket. */
    private void checkBucket() {
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (SdkException e) {
            throw translate(e, "open the bucket");
        }
    }

    public String bucket() {
        return bucket;
    }

    /** The S3 object key behind a store key. */
    public String objectKey(String key) {
        return base + StoreKeys.check(key);
    }

    @Override
    public String describe() {
        return where;
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        try {
            var head = s3.headObject(b -> b.bucket(bucket).key(objectKey(key)));
            return Optional.of(new ObjectInfo(key, head.contentLength(), head.lastModified()));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw translate(e, "read " + key);
        } catch (SdkException e) {
            throw translate(e, "read " + key);
        }
    }

    @Override
    public InputStream open(String key) {
        try {
            return s3.getObject(b -> b.bucket(bucket).key(objectKey(key)));
        } catch (S3Exception e) {
            if (e.statusCode() == 404 && !"NoSuchBucket".equals(code(e))) {
                throw LayercakeException.notFound(key + " does not exist in " + where);
            }
            throw translate(e, "open " + key);
        } catch (SdkException e) {
            throw translate(e, "open " + key);
        }
    }

    @Override
    public boolean create(String key, InputStream content, long length, Runnable beforeCommit) {
        return create(key, content, length, null, beforeCommit);
    }

    @Override
    public boolean createWithDigest(String key, InputStream content, long length, Digest sha256, boolean deferred,
                                    Runnable beforeCommit) {
        return create(key, content, length, sha256, beforeCommit);
    }

    private boolean create(String key, InputStream content, long length, Digest sha256, Runnable beforeCommit) {
        String objectKey = objectKey(key);
        // Streamed once, so the SDK cannot resend it: only for blobs (a failed blob is transferred again by its
        // caller, or by a re-run). Manifests, leases and records stay buffered, and the SDK retries them.
        if (sha256 != null && length > 0 && length <= SINGLE_PUT_LIMIT) {
            return putStreaming(key, objectKey, content, length, sha256, beforeCommit);
        }
        try {
            PushbackInputStream in = new PushbackInputStream(content, 1);
            byte[] buffer = new byte[partSize]; // one per upload, reused for every part
            int first = in.readNBytes(buffer, 0, partSize);
            int next = first < partSize ? -1 : in.read();
            if (next < 0) {
                beforeCommit.run();
                return putIfAbsent(key, objectKey, buffer, first);
            }
            in.unread(next);
            return multipart(key, objectKey, buffer, first, in, beforeCommit);
        } catch (IOException e) {
            throw new LayercakeException(Kind.UNAVAILABLE, "cannot read the content for " + key + ": " + e.getMessage(), e);
        }
    }

    /** The first {@code n} bytes of {@code buffer}, without a copy; resendable (each attempt reads them again). */
    private static RequestBody body(byte[] buffer, int n) {
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(buffer, 0, n), n, "application/octet-stream");
    }

    /** One PUT streamed from {@code content}, its last bytes sent only after {@code beforeCommit} passed. */
    private boolean putStreaming(String key, String objectKey, InputStream content, long length, Digest sha256,
                                 Runnable beforeCommit) {
        CommitGate gate = new CommitGate(key, content, length, beforeCommit);
        try {
            s3.putObject(b -> {
                b.bucket(bucket).key(objectKey).ifNoneMatch("*").contentLength(length);
                if (sha256 != null) {
                    b.checksumSHA256(Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha256.hex())));
                }
            }, RequestBody.fromContentProvider(gate, length, "application/octet-stream"));
            gate.requireChecked();
            return true;
        } catch (S3Exception e) {
            gate.rethrowFailure();
            if (isAlreadyThere(e, key)) {
                return false;
            }
            throw translate(e, "write " + key);
        } catch (SdkException e) {
            gate.rethrowFailure();
            throw translate(e, "write " + key);
        }
    }

    private boolean putIfAbsent(String key, String objectKey, byte[] buffer, int n) {
        try {
            s3.putObject(b -> b.bucket(bucket).key(objectKey).ifNoneMatch("*").contentLength((long) n), body(buffer, n));
            return true;
        } catch (S3Exception e) {
            if (isAlreadyThere(e, key)) {
                return false;
            }
            throw translate(e, "write " + key);
        } catch (SdkException e) {
            throw translate(e, "write " + key);
        }
    }

    private boolean multipart(String key, String objectKey, byte[] buffer, int first, InputStream rest, Runnable beforeCommit)
            throws IOException {
        // A large object that exists is not uploaded again; the conditional complete still guards the race.
        if (stat(key).isPresent()) {
            return false;
        }
        String uploadId;
        try {
            uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(objectKey)).uploadId();
        } catch (SdkException e) {
            throw translate(e, "start the upload of " + key);
        }
        boolean completed = false;
        try {
            List<CompletedPart> parts = new ArrayList<>();
            int n = first;
            while (n > 0) {
                int number = parts.size() + 1;
                int size = n;
                String etag = s3.uploadPart(b -> b.bucket(bucket).key(objectKey).uploadId(uploadId).partNumber(number)
                        .contentLength((long) size), body(buffer, size)).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                n = rest.readNBytes(buffer, 0, partSize);
            }
            beforeCommit.run();
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(objectKey).uploadId(uploadId).ifNoneMatch("*")
                    .multipartUpload(m -> m.parts(parts)));
            completed = true;
            return true;
        } catch (S3Exception e) {
            if (isAlreadyThere(e, key)) {
                return false;
            }
            throw translate(e, "write " + key);
        } catch (SdkException e) {
            throw translate(e, "write " + key);
        } finally {
            if (!completed) {
                abort(objectKey, uploadId);
            }
        }
    }

    private void abort(String objectKey, String uploadId) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(objectKey).uploadId(uploadId));
        } catch (SdkException ignored) {
            // Not visible either way; a bucket lifecycle rule (AbortIncompleteMultipartUpload) cleans leftovers.
        }
    }

    /** 412: the key exists. 409 ConditionalRequestConflict: a racing write; it exists if a HEAD says so. */
    private boolean isAlreadyThere(S3Exception e, String key) {
        if (e.statusCode() == 412) {
            return true;
        }
        return e.statusCode() == 409 && stat(key).isPresent();
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        String p = prefix == null ? "" : prefix;
        List<ObjectInfo> out = new ArrayList<>();
        try {
            for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(base + p)).contents()) {
                String key = o.key().substring(base.length());
                out.add(new ObjectInfo(key, o.size(), o.lastModified()));
            }
        } catch (SdkException e) {
            throw translate(e, "list " + (p.isEmpty() ? "the store" : p));
        }
        out.sort(Comparator.comparing(ObjectInfo::key));
        return out;
    }

    /** Pages through the bucket (1,000 keys a request): one page is held at a time. */
    @Override
    public void forEach(String prefix, Consumer<ObjectInfo> each) {
        String p = prefix == null ? "" : prefix;
        try {
            for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(base + p)).contents()) {
                each.accept(new ObjectInfo(o.key().substring(base.length()), o.size(), o.lastModified()));
            }
        } catch (SdkException e) {
            throw translate(e, "list " + (p.isEmpty() ? "the store" : p));
        }
    }

    @Override
    public void delete(String key) {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(objectKey(key)));
        } catch (SdkException e) {
            throw translate(e, "delete " + key);
        }
    }

    // ---- Object Lock, used by freeze ----

    @Override
    public String kind() {
        return "an S3 bucket";
    }

    /** Freezing on S3 is Object Lock: a COMPLIANCE retention (never shortened) and/or a legal hold. */
    @Override
    public Optional<Immutability> immutability() {
        return Optional.of(new Immutability() {
            @Override
            public String method() {
                return S3_OBJECT_LOCK;
            }

            @Override
            public void check(Instant retainUntil, boolean legalHold) {
                if (retainUntil == null && !legalHold) {
                    throw LayercakeException.usage("freezing an S3 release needs --retain-until DATE or --legal-hold (or both)");
                }
                if (!objectLockEnabled()) {
                    throw new LayercakeException(Kind.UNSUPPORTED, "bucket '" + bucket()
                            + "' has no Object Lock, so releases in " + describe() + " cannot be frozen; Object Lock can only"
                            + " be turned on for a bucket created with it (aws s3api create-bucket --object-lock-enabled-for-bucket)."
                            + " Nothing was changed");
                }
            }

            @Override
            public void protect(String key, Instant until, boolean legalHold) {
                if (until != null) {
                    Optional<Instant> current = retainUntil(key);
                    if (current.isEmpty() || current.get().isBefore(until)) {
                        retain(key, until);
                    }
                }
                if (legalHold) {
                    legalHold(key);
                }
            }
        });
    }

    /** Whether the bucket has Object Lock enabled; UNSUPPORTED when the server has no Object Lock at all. */
    public boolean objectLockEnabled() {
        try {
            GetObjectLockConfigurationResponse r = s3.getObjectLockConfiguration(b -> b.bucket(bucket));
            return r.objectLockConfiguration() != null
                    && r.objectLockConfiguration().objectLockEnabled() == ObjectLockEnabled.ENABLED;
        } catch (S3Exception e) {
            if ("ObjectLockConfigurationNotFoundError".equals(code(e))) {
                return false;
            }
            if (e.statusCode() == 501 || "NotImplemented".equals(code(e))) {
                throw new LayercakeException(Kind.UNSUPPORTED, "the S3 server of " + where
                        + " does not implement Object Lock (GetObjectLockConfiguration answered " + e.statusCode()
                        + " " + code(e) + "); freezing needs a bucket created with Object Lock enabled", e);
            }
            throw translate(e, "read the Object Lock configuration");
        } catch (SdkException e) {
            throw translate(e, "read the Object Lock configuration");
        }
    }

    /** The retain-until date currently on a key, if any. */
    public Optional<Instant> retainUntil(String key) {
        try {
            GetObjectRetentionResponse r = s3.getObjectRetention(b -> b.bucket(bucket).key(objectKey(key)));
            return r.retention() == null ? Optional.empty() : Optional.ofNullable(r.retention().retainUntilDate());
        } catch (S3Exception e) {
            if (e.statusCode() == 404 && "NoSuchObjectLockConfiguration".equals(code(e))) {
                return Optional.empty();
            }
            throw translate(e, "read the retention of " + key);
        } catch (SdkException e) {
            throw translate(e, "read the retention of " + key);
        }
    }

    /** Sets a COMPLIANCE retention on a key's current version. Never shortens one: callers check {@link #retainUntil}. */
    public void retain(String key, Instant until) {
        try {
            s3.putObjectRetention(b -> b.bucket(bucket).key(objectKey(key))
                    .retention(r -> r.mode(ObjectLockRetentionMode.COMPLIANCE).retainUntilDate(until)));
        } catch (SdkException e) {
            throw translate(e, "set the retention of " + key);
        }
    }

    public void legalHold(String key) {
        try {
            s3.putObjectLegalHold(b -> b.bucket(bucket).key(objectKey(key))
                    .legalHold(h -> h.status(ObjectLockLegalHoldStatus.ON)));
        } catch (SdkException e) {
            throw translate(e, "set a legal hold on " + key);
        }
    }

    @Override
    public void close() {
        s3.close();
    }

    /**
     * The body of a streamed PUT: passes {@code length} bytes of the content through, but before it lets the last of
     * them go it checks that the content ends there and runs {@code beforeCommit}. When either fails, the read fails
     * instead, the request is cut short of its Content-Length and the server stores nothing; the failure itself is
     * kept and rethrown to the caller (not the SDK's wrapping of a broken request). Read once: a retry cannot resend it.
     */
    private static final class CommitGate extends InputStream implements ContentStreamProvider {
        private final String key;
        private final InputStream in;
        private final long length;
        private final Runnable beforeCommit;
        private long count;
        private boolean opened;
        private boolean checked;
        private RuntimeException failure;

        CommitGate(String key, InputStream in, long length, Runnable beforeCommit) {
            this.key = key;
            this.in = in;
            this.length = length;
            this.beforeCommit = beforeCommit;
        }

        @Override
        public InputStream newStream() {
            if (failure != null) {
                throw failure; // the SDK retrying a request this gate cut short: no retry, the check's failure
            }
            if (opened && count > 0) {
                throw new LayercakeException(Kind.UNAVAILABLE, "the upload of " + key + " failed after " + count + " of "
                        + length + " bytes and its content, streamed once, cannot be sent again; run again to resume");
            }
            opened = true;
            return this;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (failure != null) {
                throw new IOException("not sent: " + failure.getMessage(), failure);
            }
            if (len == 0) {
                return 0;
            }
            long left = length - count;
            if (left == 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                fail(() -> LayercakeException.corrupt("content for " + key + " ended after " + count + " of " + length
                        + " bytes; not stored"));
            }
            count += n;
            if (count == length) {
                check();
                if (failure != null) {
                    throw new IOException("not sent: " + failure.getMessage(), failure);
                }
            }
            return n;
        }

        /** Runs beforeCommit once the content is exhausted; a failure is kept (and thrown by read). */
        private void check() {
            try {
                if (in.read() >= 0) {
                    beforeCommit.run(); // a digest check names the mismatch better than the length does
                    throw LayercakeException.corrupt("content for " + key + " is longer than " + length + " bytes; not stored");
                }
                beforeCommit.run();
                checked = true;
            } catch (IOException e) {
                failure = new LayercakeException(Kind.UNAVAILABLE, "cannot read the content for " + key + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                failure = e;
            }
        }

        private void fail(java.util.function.Supplier<RuntimeException> shortContent) throws IOException {
            try {
                beforeCommit.run(); // the digest check, when there is one, says best what is wrong
                failure = shortContent.get();
            } catch (RuntimeException e) {
                failure = e;
            }
            throw new IOException("not sent: " + failure.getMessage(), failure);
        }

        void rethrowFailure() {
            if (failure != null) {
                throw failure;
            }
        }

        void requireChecked() {
            if (!checked) { // cannot happen: the server answered before it had every byte
                throw LayercakeException.corrupt("S3 accepted " + key + " before its content was checked");
            }
        }
    }

    // ---- errors ----

    private static String code(S3Exception e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }

    /**
     * Maps an SDK failure to the user-facing kind. Messages name the bucket and the endpoint, never the
     * credentials: the SDK's own text is used only for network failures, where it names host and port.
     */
    LayercakeException translate(SdkException e, String what) {
        if (e instanceof S3Exception s) {
            String code = code(s);
            int status = s.statusCode();
            if (status == 403 || AUTH_CODES.contains(code)) {
                return new LayercakeException(Kind.AUTH, "S3 refused to " + what + " in bucket '" + bucket + "' ("
                        + status + (code == null ? "" : " " + code) + "): check the AWS credentials (AWS_ACCESS_KEY_ID/"
                        + "AWS_SECRET_ACCESS_KEY, AWS_PROFILE or the instance role) and their permissions on the bucket", e);
            }
            if ("NoSuchBucket".equals(code) || (status == 404 && "open the bucket".equals(what))) {
                return new LayercakeException(Kind.NOT_FOUND, "S3 bucket '" + bucket + "' does not exist"
                        + (where.contains(" at ") ? where.substring(where.indexOf(" at ")) : "") + "; create it or fix --store", e);
            }
            if (status == 301 || "PermanentRedirect".equals(code) || "AuthorizationHeaderMalformed".equals(code)) {
                String region = s.awsErrorDetails() == null || s.awsErrorDetails().sdkHttpResponse() == null ? null
                        : s.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("x-amz-bucket-region").orElse(null);
                return new LayercakeException(Kind.USAGE, "bucket '" + bucket + "' is in another region"
                        + (region == null ? "" : " (" + region + ")") + ": give --s3-region" + (region == null ? "" : " " + region), e);
            }
            if (status == 501) {
                return new LayercakeException(Kind.UNSUPPORTED, "the S3 server of " + where + " cannot " + what
                        + " (501 " + code + ")", e);
            }
            return new LayercakeException(Kind.UNAVAILABLE, "S3 failed to " + what + " in " + where + " ("
                    + status + (code == null ? "" : " " + code) + ")", e);
        }
        if (isCredentialsMissing(e)) {
            return new LayercakeException(Kind.AUTH, "no AWS credentials found to " + what + " in bucket '" + bucket
                    + "': set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or run with an instance/pod role", e);
        }
        if (hasCause(e, ConnectException.class) || hasCause(e, UnknownHostException.class)
                || hasCause(e, java.net.SocketTimeoutException.class) || hasCause(e, java.net.NoRouteToHostException.class)) {
            return new LayercakeException(Kind.UNAVAILABLE, "cannot reach the S3 endpoint " + endpointName()
                    + " to " + what + ": " + rootMessage(e) + "; check --s3-endpoint and the network", e);
        }
        return new LayercakeException(Kind.UNAVAILABLE, "S3 failed to " + what + " in " + where + ": " + rootMessage(e), e);
    }

    private String endpointName() {
        int at = where.indexOf(" at ");
        return at >= 0 ? where.substring(at + 4) : "of AWS S3 (" + where + ")";
    }

    private static boolean isCredentialsMissing(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && m.contains("Unable to load credentials")) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
