package dev.layercake.freeze;

import dev.layercake.api.result.FreezeResult;
import dev.layercake.LayercakeException;
import dev.layercake.LayercakeException.Kind;
import dev.layercake.model.Digest;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.store.ReleaseStore;
import dev.layercake.store.S3ObjectStore;
import dev.layercake.store.StoreKeys;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.testing.ReleaseFixture;
import dev.layercake.testing.S3ProxyFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectLockConfigurationRequest;
import software.amazon.awssdk.services.s3.model.GetObjectLockConfigurationResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRetentionRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRetentionResponse;
import software.amazon.awssdk.services.s3.model.ObjectLockEnabled;
import software.amazon.awssdk.services.s3.model.ObjectLockLegalHoldStatus;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.s3.model.PutObjectLegalHoldRequest;
import software.amazon.awssdk.services.s3.model.PutObjectLegalHoldResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRetentionRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRetentionResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The S3 Object Lock path of freeze. s3proxy has no Object Lock, so its four calls are answered by a test
 * double in front of the real s3proxy client (every other request really goes to s3proxy); the double
 * records what freeze asked for. Real AWS S3 is not reachable from the tests.
 */
class S3ObjectLockFreezeTest {

    private static S3ProxyFixture s3;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        s3 = S3ProxyFixture.start();
        s3.createBucket("locked");
    }

    @AfterAll
    static void stop() {
        s3.close();
    }

    /** Object Lock state the double keeps: key → retain-until, keys with a legal hold. */
    static final class LockState {
        final boolean enabled;
        final Map<String, Instant> retention = new ConcurrentHashMap<>();
        final Map<String, ObjectLockRetentionMode> modes = new ConcurrentHashMap<>();
        final Set<String> holds = ConcurrentHashMap.newKeySet();
        int retentionWrites;

        LockState(boolean enabled) {
            this.enabled = enabled;
        }
    }

    private static S3Client lockingClient(S3Client real, LockState state) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.isDefault() && args != null && args.length == 1 && args[0] instanceof Consumer) {
                return InvocationHandler.invokeDefault(proxy, method, args); // builds the request, comes back here
            }
            Object arg = args == null || args.length == 0 ? null : args[0];
            if (arg instanceof GetObjectLockConfigurationRequest) {
                if (!state.enabled) {
                    throw S3Exception.builder().statusCode(404).awsErrorDetails(AwsErrorDetails.builder()
                            .errorCode("ObjectLockConfigurationNotFoundError").build()).build();
                }
                return GetObjectLockConfigurationResponse.builder()
                        .objectLockConfiguration(c -> c.objectLockEnabled(ObjectLockEnabled.ENABLED)).build();
            }
            if (arg instanceof GetObjectRetentionRequest r) {
                Instant until = state.retention.get(r.key());
                if (until == null) {
                    throw S3Exception.builder().statusCode(404).awsErrorDetails(AwsErrorDetails.builder()
                            .errorCode("NoSuchObjectLockConfiguration").build()).build();
                }
                return GetObjectRetentionResponse.builder().retention(x -> x.retainUntilDate(until)
                        .mode(state.modes.get(r.key()))).build();
            }
            if (arg instanceof PutObjectRetentionRequest r) {
                Instant current = state.retention.get(r.key());
                if (current != null && r.retention().retainUntilDate().isBefore(current)) {
                    // What AWS does to a COMPLIANCE shortening: refuse it.
                    throw S3Exception.builder().statusCode(403).awsErrorDetails(AwsErrorDetails.builder()
                            .errorCode("AccessDenied").build()).build();
                }
                state.retention.put(r.key(), r.retention().retainUntilDate());
                state.modes.put(r.key(), r.retention().mode());
                state.retentionWrites++;
                return PutObjectRetentionResponse.builder().build();
            }
            if (arg instanceof PutObjectLegalHoldRequest r) {
                if (r.legalHold().status() == ObjectLockLegalHoldStatus.ON) {
                    state.holds.add(r.key());
                }
                return PutObjectLegalHoldResponse.builder().build();
            }
            try {
                return method.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (S3Client) Proxy.newProxyInstance(S3Client.class.getClassLoader(), new Class<?>[] {S3Client.class}, handler);
    }

    private static S3Client realClient() {
        return S3Client.builder().credentialsProvider(s3.credentials()).region(Region.US_EAST_1)
                .endpointOverride(URI.create(s3.endpoint())).forcePathStyle(true).build();
    }

    @Test
    void locksTheManifestTheMarkerTheSignatureAndEveryBlobWithoutEverShortening() throws Exception {
        StoreLocation location = s3.location("locked", "team");
        new ReleaseFixture(tmp, location, s3.env()).backup("shop", "r1", Map.of("a.tf", "alpha", "b.tf", "beta"));
        LockState state = new LockState(true);
        Instant until = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        String longer = "team/" + StoreKeys.blob(Digest.of("alpha".getBytes()));
        state.retention.put(longer, until.plus(365, ChronoUnit.DAYS)); // a blob another release froze for longer

        try (ReleaseStore store = new ReleaseStore(S3ObjectStore.of(lockingClient(realClient(), state), location), location)) {
            FreezeResult r = ReleaseFreezer.freeze(store, "shop", "r1", until, true, ProgressListener.NONE);
            assertThat(r.method()).isEqualTo(ReleaseFreezer.S3_OBJECT_LOCK);

            Set<String> expected = new HashSet<>();
            expected.add("team/" + StoreKeys.manifest("shop", "r1"));
            expected.add("team/" + StoreKeys.frozenMarker("shop", "r1"));
            store.readManifest("shop", "r1").referencedBlobs().keySet().forEach(d -> expected.add("team/" + StoreKeys.blob(d)));
            assertThat(r.objectsFrozen()).isEqualTo(expected.size());
            assertThat(state.retention.keySet()).isEqualTo(expected);
            assertThat(state.holds).isEqualTo(expected);
            assertThat(state.retention.get(longer)).isEqualTo(until.plus(365, ChronoUnit.DAYS));
            expected.stream().filter(k -> !k.equals(longer)).forEach(k -> {
                assertThat(state.retention.get(k)).isEqualTo(until);
                assertThat(state.modes.get(k)).isEqualTo(ObjectLockRetentionMode.COMPLIANCE);
            });
            assertThat(store.objects().stat(StoreKeys.frozenMarker("shop", "r1"))).isPresent();

            // Freezing again with an earlier date changes nothing (never shortens); a later one extends.
            int writes = state.retentionWrites;
            ReleaseFreezer.freeze(store, "shop", "r1", until.minus(1, ChronoUnit.DAYS), false, ProgressListener.NONE);
            assertThat(state.retentionWrites).isEqualTo(writes);
            FreezeResult again = ReleaseFreezer.freeze(store, "shop", "r1", until.plus(1, ChronoUnit.DAYS), false, ProgressListener.NONE);
            assertThat(again.alreadyFrozen()).isTrue();
            assertThat(state.retention.get("team/" + StoreKeys.manifest("shop", "r1"))).isEqualTo(until.plus(1, ChronoUnit.DAYS));
        }
    }

    @Test
    void aBucketWithoutObjectLockIsRefusedWithTheFix() {
        StoreLocation location = s3.location("locked", "plain");
        new ReleaseFixture(tmp, location, s3.env()).backup("shop", "r1", Map.of("a.tf", "x"));
        LockState state = new LockState(false);
        try (ReleaseStore store = new ReleaseStore(S3ObjectStore.of(lockingClient(realClient(), state), location), location)) {
            assertThatThrownBy(() -> ReleaseFreezer.freeze(store, "shop", "r1", null, true, ProgressListener.NONE))
                    .isInstanceOf(LayercakeException.class)
                    .satisfies(e -> assertThat(((LayercakeException) e).kind()).isEqualTo(Kind.UNSUPPORTED))
                    .hasMessageContaining("bucket 'locked' has no Object Lock")
                    .hasMessageContaining("--object-lock-enabled-for-bucket")
                    .hasMessageContaining("Nothing was changed");
            assertThat(store.objects().stat(StoreKeys.frozenMarker("shop", "r1"))).isEmpty();
            assertThat(state.holds).isEmpty();
        }
    }
}
