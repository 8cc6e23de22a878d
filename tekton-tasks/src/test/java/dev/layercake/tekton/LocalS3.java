package dev.layercake.tekton;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

import java.net.URI;
import java.util.concurrent.TimeUnit;

/** s3proxy in this JVM on a free 127.0.0.1 port, in memory, with SigV2/V4 authentication and one bucket. */
final class LocalS3 implements AutoCloseable {

    static final String ACCESS_KEY = "layercake-test-access";
    static final String SECRET_KEY = "layercake-test-secret-do-not-print";

    private final S3Proxy proxy;
    private final String bucket;

    private LocalS3(S3Proxy proxy, String bucket) {
        this.proxy = proxy;
        this.bucket = bucket;
    }

    static LocalS3 start(String bucket) throws Exception {
        BlobStore store = new TransientNio2BlobStore();
        store.createContainer(bucket);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
            }
            Thread.sleep(20);
        }
        return new LocalS3(proxy, bucket);
    }

    String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    String bucket() {
        return bucket;
    }

    /** An AWS shared credentials file for the proxy's key pair. */
    String credentialsFile() {
        return "[default]\naws_access_key_id = " + ACCESS_KEY + "\naws_secret_access_key = " + SECRET_KEY + "\n";
    }

    byte[] read(String key) {
        try (S3Client s3 = S3Client.builder()
                .endpointOverride(URI.create(endpoint()))
                .region(Region.US_EAST_1)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build()) {
            return s3.getObject(b -> b.bucket(bucket).key(key), ResponseTransformer.toBytes()).asByteArray();
        }
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
