package dev.layercake.testing;

import dev.layercake.api.request.StoreLocation;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A real S3-protocol server for tests: s3proxy 4.1.0 in-process on 127.0.0.1 (a free port), over a
 * filesystem blob store in a temporary folder, with AWS v4 authentication and throw-away test credentials.
 *
 * <pre>
 * try (S3ProxyFixture s3 = S3ProxyFixture.start()) {
 *     s3.createBucket("releases");
 *     ObjectStore store = S3ObjectStore.open(s3.location("releases", "team"), s3.credentials());
 *     // child processes (the CLI): s3.env() gives AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_REGION
 * }
 * </pre>
 */
public final class S3ProxyFixture implements AutoCloseable {

    public static final String ACCESS_KEY = "layercake-test-access";
    public static final String SECRET_KEY = "layercake-test-secret-0123456789";
    public static final String REGION = "us-east-1";

    private final Path dir;
    private final BlobStore blobStore;
    private final S3Proxy proxy;
    private final String endpoint;

    private S3ProxyFixture(Path dir, BlobStore blobStore, S3Proxy proxy, String endpoint) {
        this.dir = dir;
        this.blobStore = blobStore;
        this.proxy = proxy;
        this.endpoint = endpoint;
    }

    public static S3ProxyFixture start() {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("layercake-s3proxy-");
            Properties props = new Properties();
            props.setProperty("jclouds.filesystem.basedir", dir.toString());
            BlobStore blobStore = BlobStores.create("filesystem", props);
            S3Proxy proxy = S3Proxy.builder()
                    .blobStore(blobStore)
                    .endpoint(URI.create("http://127.0.0.1:0"))
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                    .ignoreUnknownHeaders(true)
                    .stopTimeout(0)
                    .build();
            proxy.start();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!"STARTED".equals(proxy.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
                }
                Thread.sleep(10);
            }
            return new S3ProxyFixture(dir, blobStore, proxy, "http://127.0.0.1:" + proxy.getPort());
        } catch (Exception e) {
            if (dir != null) {
                deleteTree(dir);
            }
            throw new IllegalStateException("cannot start s3proxy: " + e, e);
        }
    }

    /** The endpoint URL, e.g. {@code http://127.0.0.1:41234}. */
    public String endpoint() {
        return endpoint;
    }

    public AwsCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    }

    /** Environment for a child process (the CLI) so the standard AWS chain finds the test credentials. */
    public Map<String, String> env() {
        return Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY, "AWS_REGION", REGION);
    }

    public void createBucket(String name) {
        blobStore.createContainer(name);
    }

    /** An {@code s3://bucket/prefix} location at this server, path-style. */
    public StoreLocation location(String bucket, String prefix) {
        return StoreLocation.parse("s3://" + bucket + (prefix == null || prefix.isEmpty() ? "" : "/" + prefix),
                endpoint, REGION, true);
    }

    /**
     * Every object in a bucket as "key size=N etag=E", sorted, then any unfinished multipart upload as
     * "upload key": what the server holds, for "nothing stored is changed" checks.
     */
    public List<String> objects(String bucket) {
        List<String> out = new ArrayList<>();
        String token = null;
        do {
            ListObjectsV2Response page = blobStore.list(ListObjectsV2Request.builder().bucket(bucket).continuationToken(token).build());
            for (S3Object o : page.contents()) {
                out.add(o.key() + " size=" + o.size() + " etag=" + o.eTag());
            }
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
        Collections.sort(out);
        blobStore.listMultipartUploads(bucket).stream().map(u -> "upload " + u.key()).sorted().forEach(out::add);
        return out;
    }

    /** The folder holding the buckets' files, for tests that tamper with stored bytes. */
    public Path directory() {
        return dir;
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop s3proxy", e);
        } finally {
            blobStore.close();
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
