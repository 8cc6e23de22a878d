package dev.layercake.retention;

import dev.layercake.store.ReleaseStore;
import dev.layercake.store.S3ObjectStore;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.testing.S3ProxyFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.Map;

class S3RetentionTest extends RetentionContractTest {

    private static S3ProxyFixture s3;

    @BeforeAll
    static void start() {
        s3 = S3ProxyFixture.start();
        s3.createBucket("retention");
    }

    @AfterAll
    static void stop() {
        s3.close();
    }

    @Override
    protected StoreLocation location(String name) {
        return s3.location("retention", name);
    }

    @Override
    protected Map<String, String> env() {
        return s3.env();
    }

    @Override
    protected ReleaseStore open(StoreLocation location) {
        return new ReleaseStore(S3ObjectStore.open(location, s3.credentials()), location);
    }

    @Override
    protected void settle() throws InterruptedException {
        // S3 last-modified times have one-second resolution.
        Thread.sleep(1100);
    }

    @Override
    protected int stressRounds() {
        return 10;
    }
}
