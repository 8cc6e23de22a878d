package dev.layercake.store;

import dev.layercake.api.request.StoreLocation;
import dev.layercake.LayercakeException;
import dev.layercake.LayercakeException.Kind;
import dev.layercake.testing.S3ProxyFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The store contract against a real S3-protocol server, plus S3's own failure modes. */
class S3ObjectStoreTest extends ObjectStoreContractTest {

    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static S3ProxyFixture s3;

    @BeforeAll
    static void startS3() {
        s3 = S3ProxyFixture.start();
    }

    @AfterAll
    static void stopS3() {
        s3.close();
    }

    @Override
    protected ObjectStore newStore() {
        String bucket = "contract-" + BUCKETS.incrementAndGet();
        s3.createBucket(bucket);
        // A prefix, so every key goes through the prefix mapping; the minimum part size keeps the test small.
        return S3ObjectStore.open(s3.location(bucket, "team/store"), s3.credentials(), S3ObjectStore.MIN_PART_SIZE);
    }

    @Override
    protected int largeSize() {
        return 2 * S3ObjectStore.MIN_PART_SIZE + 123;
    }

    @Test
    void keysLiveUnderThePrefix() {
        S3ObjectStore s = (S3ObjectStore) store;
        store.create("k", bytes("v"), 1, () -> { });
        assertThat(s.objectKey("k")).isEqualTo("team/store/k");
        assertThat(store.list("")).extracting(ObjectInfo::key).containsExactly("k");
        assertThat(store.describe()).contains("s3://").contains(s3.endpoint()).doesNotContain(S3ProxyFixture.SECRET_KEY);
    }

    @Test
    void theServerChecksTheDigestAStreamedPutCarries() {
        // A caller whose own check passes but whose digest is wrong: the bytes must still not be stored, since the
        // body goes unsigned and only the signed x-amz-checksum-sha256 header binds it.
        byte[] body = random(1000, 7);
        dev.layercake.model.Digest wrong = dev.layercake.model.Digest.of("something else".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThatThrownBy(() -> store.createWithDigest("blobs/wrong", new ByteArrayInputStream(body), body.length, wrong,
                false, () -> { })).isInstanceOf(LayercakeException.class).hasMessageContaining("BadDigest");
        assertThat(store.stat("blobs/wrong")).isEmpty();
        dev.layercake.model.Digest right = dev.layercake.model.Digest.of(body);
        assertThat(store.createWithDigest("blobs/right", new ByteArrayInputStream(body), body.length, right, false, () -> { }))
                .isTrue();
        assertThat(store.stat("blobs/right").orElseThrow().size()).isEqualTo(1000);
    }

    @Test
    void multipartUploadIsConditionalToo() {
        // Another writer creates the key while our large upload is in flight: ours must not replace it.
        byte[] large = random(largeSize(), 3);
        boolean created = store.create("mp/key", new ByteArrayInputStream(large), -1, () ->
                store.create("mp/key", bytes("winner"), 6, () -> { }));
        assertThat(created).isFalse();
        assertThat(store.stat("mp/key").orElseThrow().size()).isEqualTo(6);
    }

    @Test
    void aFailedMultipartUploadIsAbortedAndLeavesNoPendingUpload() {
        byte[] large = random(largeSize(), 4);
        assertThatThrownBy(() -> store.create("aborted/x", new ByteArrayInputStream(large), -1, () -> {
            throw LayercakeException.corrupt("digest mismatch");
        })).isInstanceOf(LayercakeException.class);
        String bucket = ((S3ObjectStore) store).bucket();
        try (var raw = software.amazon.awssdk.services.s3.S3Client.builder().credentialsProvider(s3.credentials())
                .region(software.amazon.awssdk.regions.Region.US_EAST_1).forcePathStyle(true)
                .endpointOverride(java.net.URI.create(s3.endpoint())).build()) {
            assertThat(raw.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
        }
    }

    @Test
    void unreachableEndpointIsUnavailableAndNamesIt() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String endpoint = "http://127.0.0.1:" + port;
        StoreLocation location = StoreLocation.parse("s3://nowhere/x", endpoint, "us-east-1", true);
        assertThatThrownBy(() -> S3ObjectStore.open(location, s3.credentials()))
                .isInstanceOf(LayercakeException.class)
                .satisfies(e -> assertThat(((LayercakeException) e).kind()).isEqualTo(Kind.UNAVAILABLE))
                .hasMessageContaining(endpoint)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(S3ProxyFixture.SECRET_KEY));
    }

    @Test
    void badCredentialsAreAuthAndNameTheBucketNotTheKeys() {
        s3.createBucket("guarded");
        String wrongSecret = "wrong-secret-do-not-print-0000";
        var wrong = StaticCredentialsProvider.create(AwsBasicCredentials.create("intruder-key-id", wrongSecret));
        assertThatThrownBy(() -> S3ObjectStore.open(s3.location("guarded", ""), wrong))
                .isInstanceOf(LayercakeException.class)
                .satisfies(e -> assertThat(((LayercakeException) e).kind()).isEqualTo(Kind.AUTH))
                .hasMessageContaining("guarded")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(wrongSecret).doesNotContain("intruder-key-id"));
    }

    @Test
    void noCredentialsAnywhereIsAuthWithTheWaysToGiveThem() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("AWS_ACCESS_KEY_ID") == null
                && !java.nio.file.Files.exists(java.nio.file.Path.of(System.getProperty("user.home"), ".aws")),
                "this machine has AWS credentials of its own");
        assertThatThrownBy(() -> S3ObjectStore.open(s3.location("guarded", ""), dev.layercake.api.access.Access.none()))
                .isInstanceOf(LayercakeException.class)
                .satisfies(e -> assertThat(((LayercakeException) e).kind()).isEqualTo(Kind.AUTH))
                .hasMessageContaining("no AWS credentials found")
                .hasMessageContaining("guarded")
                .hasMessageContaining("AWS_ACCESS_KEY_ID");
    }

    @Test
    void credentialsComeFromTheGivenEnvironment() {
        s3.createBucket("from-env");
        try (S3ObjectStore store = S3ObjectStore.open(s3.location("from-env", ""), dev.layercake.api.access.Access.fromEnvironment(s3.env()))) {
            assertThat(store.create("k", bytes("v"), 1, () -> { })).isTrue();
        }
    }

    @Test
    void missingBucketIsNotFound() {
        assertThatThrownBy(() -> S3ObjectStore.open(s3.location("no-such-bucket", ""), s3.credentials()))
                .isInstanceOf(LayercakeException.class)
                .satisfies(e -> assertThat(((LayercakeException) e).kind()).isEqualTo(Kind.NOT_FOUND))
                .hasMessageContaining("no-such-bucket");
    }

    @Test
    void objectLockIsReportedUnsupportedByThisServer() {
        assertThatThrownBy(() -> ((S3ObjectStore) store).objectLockEnabled())
                .isInstanceOf(LayercakeException.class)
                .satisfies(e -> assertThat(((LayercakeException) e).kind()).isEqualTo(Kind.UNSUPPORTED))
                .hasMessageContaining("Object Lock");
    }
}
