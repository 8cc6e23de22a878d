package dev.layercake.freeze;

import dev.layercake.LayercakeException;
import dev.layercake.LayercakeException.Kind;
import dev.layercake.api.request.FreezeOptions;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.store.ObjectInfo;
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

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Against s3proxy: write-once behaviour of a release store, and the Object Lock message. */
class S3FreezeTest {

    private static S3ProxyFixture s3;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        s3 = S3ProxyFixture.start();
        s3.createBucket("frozen");
    }

    @AfterAll
    static void stop() {
        s3.close();
    }

    private ReleaseStore open(StoreLocation location) {
        return new ReleaseStore(S3ObjectStore.open(location, s3.credentials()), location);
    }

    @Test
    void writesAreOnceOnlyManifestsAndBlobsAreNeverRewritten() throws Exception {
        StoreLocation location = s3.location("frozen", "write-once");
        ReleaseFixture releases = new ReleaseFixture(tmp, location, s3.env());
        releases.backup("shop", "r1", Map.of("a.tf", "one", "b.tf", "two"));
        try (ReleaseStore store = open(location)) {
            List<ObjectInfo> before = store.objects().list("");
            byte[] manifest = store.readManifestBytes("shop", "r1");

            // The same release id again: refused, nothing changed.
            assertThatThrownBy(() -> releases.backup("shop", "r1", Map.of("a.tf", "changed")))
                    .isInstanceOf(LayercakeException.class)
                    .satisfies(e -> assertThat(((LayercakeException) e).kind()).isEqualTo(Kind.CONFLICT));
            // Even a direct write of that key (a racing writer that passed the early check) is refused by the server.
            byte[] other = "{}".getBytes();
            assertThat(store.objects().create(StoreKeys.manifest("shop", "r1"), new ByteArrayInputStream(other), other.length, () -> { }))
                    .isFalse();
            assertThat(store.readManifestBytes("shop", "r1")).isEqualTo(manifest);

            // A second release with the same files uploads no blob again.
            var second = releases.backup("shop", "r2", Map.of("a.tf", "one", "b.tf", "two"));
            assertThat(second.blobsWritten()).isZero();
            assertThat(second.blobsSkipped()).isEqualTo(2);
            List<ObjectInfo> after = store.objects().list(StoreKeys.BLOBS);
            assertThat(after).containsExactlyElementsOf(before.stream().filter(o -> o.key().startsWith(StoreKeys.BLOBS)).toList());
        }
    }

    @Test
    void freezeSaysClearlyThatThisServerHasNoObjectLockAndChangesNothing() {
        StoreLocation location = s3.location("frozen", "lock");
        ReleaseFixture releases = new ReleaseFixture(tmp, location, s3.env());
        releases.backup("shop", "r1", Map.of("a.tf", "x"));
        try (ReleaseStore store = open(location)) {
            Instant until = Instant.now().plus(1, ChronoUnit.DAYS);
            assertThatThrownBy(() -> ReleaseFreezer.freeze(store, "shop", "r1", until, false, ProgressListener.NONE))
                    .isInstanceOf(LayercakeException.class)
                    .satisfies(e -> assertThat(((LayercakeException) e).kind()).isEqualTo(Kind.UNSUPPORTED))
                    .hasMessageContaining("Object Lock")
                    .hasMessageContaining(s3.endpoint());
            assertThat(store.objects().stat(StoreKeys.frozenMarker("shop", "r1"))).isEmpty();

            assertThatThrownBy(() -> ReleaseFreezer.freeze(store, "shop", "r1", null, false, ProgressListener.NONE))
                    .isInstanceOf(LayercakeException.class).hasMessageContaining("--retain-until");
        }
        // backup --freeze checks first: the backup stores nothing at all.
        assertThatThrownBy(() -> releases.backup("shop", "r2", Map.of("new.tf", "y"), new FreezeOptions(true, null, true, null)))
                .isInstanceOf(LayercakeException.class)
                .satisfies(e -> assertThat(((LayercakeException) e).kind()).isEqualTo(Kind.UNSUPPORTED));
        try (ReleaseStore store = open(location)) {
            assertThat(store.releaseExists("shop", "r2")).isFalse();
            assertThat(store.objects().list(StoreKeys.BLOBS)).hasSize(1);
            assertThat(store.objects().list(StoreKeys.LOCKS)).isEmpty();
        }
    }
}
