import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * s3proxy 4.1.0 as its own process for benchmarks/s3/run.sh, configured as the tests' S3ProxyFixture (filesystem
 * blob store, AWS v4 auth with throw-away benchmark credentials): {@code S3ProxyServer DATA_DIR READY_FILE}
 * writes the endpoint into READY_FILE once started, creates the buckets named in the rest of the arguments, and
 * runs until killed.
 */
public final class S3ProxyServer {
    public static void main(String[] args) throws Exception {
        Properties props = new Properties();
        props.setProperty("jclouds.filesystem.basedir", args[0]);
        BlobStore blobs = BlobStores.create("filesystem", props);
        for (int i = 2; i < args.length; i++) {
            blobs.createContainer(args[i]);
        }
        S3Proxy proxy = S3Proxy.builder().blobStore(blobs).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "bench-access", "bench-secret-0123456789")
                .ignoreUnknownHeaders(true).stopTimeout(0).build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(10);
        }
        Files.writeString(Path.of(args[1] + ".tmp"), "http://127.0.0.1:" + proxy.getPort() + "\n");
        Files.move(Path.of(args[1] + ".tmp"), Path.of(args[1]));
        Thread.currentThread().join();
    }
}
