package dev.layercake.images;

import dev.layercake.LayercakeException;
import dev.layercake.api.result.BackupResult;
import dev.layercake.api.request.ImageOptions;
import dev.layercake.store.ReleaseStore;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.testing.PodmanImages;
import dev.layercake.testing.RegistryFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Bad input and bad registries: a clear LayercakeException of the right kind, no release written, nothing
 * stored corrupt; and an interrupted backup that, re-run, transfers only what is missing.
 */
class ImageFailureTest {

    static ImageWorld world;

    @BeforeAll
    static void build() throws Exception {
        world = new ImageWorld();
    }

    @AfterAll
    static void tearDown() {
        if (world != null) {
            world.close();
        }
    }

    @Test
    void malformedReferenceIsAUsageError() throws Exception {
        Path store = world.newStore();
        LayercakeException e = catchThrowableOfType(LayercakeException.class, () -> world.backup(store, "r1",
                List.of("127.0.0.1:5000/Demo/App:1"), ImageOptions.COPY, null, List.of(), new ImageWorld.Recorder(),
                ImageWorld.fastRetries(), null));
        assertThat(e.kind()).isEqualTo(LayercakeException.Kind.USAGE);
        assertThat(e.exitCode()).isEqualTo(2);
        assertThat(e.getMessage()).contains("127.0.0.1:5000/Demo/App:1").contains("lowercase");
        assertNoRelease(store);
    }

    @Test
    void unknownTagIsNotFound() throws Exception {
        try (RegistryFixture registry = RegistryFixture.start()) {
            Map<String, String> refs = world.pushAll(registry);
            Path store = world.newStore();
            String missing = registry.host() + "/demo/app1:no-such-tag";
            LayercakeException e = catchThrowableOfType(LayercakeException.class, () -> world.backup(store, "r1",
                    List.of(refs.get("app1"), missing), ImageOptions.COPY, null, List.of(registry.host()),
                    new ImageWorld.Recorder(), ImageWorld.fastRetries(), null));
            assertThat(e.kind()).isEqualTo(LayercakeException.Kind.NOT_FOUND);
            assertThat(e.getMessage()).contains("no-such-tag").contains("demo/app1");
            assertNoRelease(store);
        }
    }

    @Test
    void wrongCredentialsAreAnAuthErrorThatNeverShowsTheSecret() throws Exception {
        try (RegistryFixture registry = RegistryFixture.startWithAuth()) {
            String ref = registry.host() + "/private/app:1";
            world.podman.push("localhost/lc-app1:1", ref, RegistryFixture.USER, RegistryFixture.PASSWORD);
            Path store = world.newStore();

            LayercakeException anonymous = catchThrowableOfType(LayercakeException.class, () -> world.backup(store, "r1",
                    List.of(ref), ImageOptions.COPY, null, List.of(registry.host()), new ImageWorld.Recorder(),
                    ImageWorld.fastRetries(), null));
            assertThat(anonymous.kind()).isEqualTo(LayercakeException.Kind.AUTH);
            assertThat(anonymous.getMessage()).contains(registry.host()).contains("credentials");

            String wrongSecret = "not-the-password-42";
            Path wrong = dockerConfig(registry.host(), RegistryFixture.USER, wrongSecret);
            LayercakeException refused = catchThrowableOfType(LayercakeException.class, () -> world.backup(store, "r1",
                    List.of(ref), ImageOptions.COPY, null, List.of(registry.host()), new ImageWorld.Recorder(),
                    ImageWorld.fastRetries(), wrong));
            assertThat(refused.kind()).isEqualTo(LayercakeException.Kind.AUTH);
            assertThat(refused.getMessage()).contains("refused").doesNotContain(wrongSecret)
                    .doesNotContain(Base64.getEncoder().encodeToString((RegistryFixture.USER + ":" + wrongSecret).getBytes()));
            assertNoRelease(store);

            Path right = dockerConfig(registry.host(), RegistryFixture.USER, RegistryFixture.PASSWORD);
            ImageWorld.Recorder rec = new ImageWorld.Recorder();
            BackupResult ok = world.backup(store, "r1", List.of(ref), ImageOptions.COPY, null, List.of(registry.host()), rec,
                    ImageWorld.fastRetries(), right);
            assertThat(ok.images()).isEqualTo(1);
            assertThat(rec.all()).noneMatch(m -> m.contains(RegistryFixture.PASSWORD));
        }
    }

    @Test
    void registryDownMidCopyFailsWithoutARelease() throws Exception {
        try (RegistryFixture registry = RegistryFixture.start()) {
            Map<String, String> refs = world.pushAll(registry);
            Path store = world.newStore();
            ImageWorld.Recorder rec = new ImageWorld.Recorder() {
                @Override
                public void progress(String phase, long done, long total, String unit) {
                    if (done == 0) {
                        registry.stop(); // resolved, copying begins: the registry goes away
                    }
                }
            };
            LayercakeException e = catchThrowableOfType(LayercakeException.class, () -> world.backup(store, "r1",
                    List.of(refs.get("app1"), refs.get("multi")), ImageOptions.COPY, null, List.of(registry.host()), rec,
                    ImageWorld.fastRetries(), null));
            assertThat(e.kind()).isEqualTo(LayercakeException.Kind.UNAVAILABLE);
            assertThat(e.getMessage()).contains(registry.host());
            assertNoRelease(store);
        }
    }

    @Test
    void manifestNotMatchingItsDigestIsCorrupt() throws Exception {
        try (RegistryFixture registry = RegistryFixture.start()) {
            Map<String, String> refs = world.pushAll(registry);
            String digest = PodmanImages.skopeoDigest(refs.get("app2"));
            byte[] original = registry.readBlob(digest);
            // Still a valid manifest, but not the bytes the digest names.
            registry.overwriteBlob(digest, (new String(original, StandardCharsets.UTF_8) + " ").getBytes(StandardCharsets.UTF_8));
            Path store = world.newStore();
            for (String ref : List.of(refs.get("app2"), refs.get("app2").replace(":1", "@" + digest))) {
                LayercakeException e = catchThrowableOfType(LayercakeException.class, () -> world.backup(store, "r1",
                        List.of(ref), ImageOptions.COPY, null, List.of(registry.host()), new ImageWorld.Recorder(),
                        ImageWorld.fastRetries(), null));
                assertThat(e.kind()).as(ref).isEqualTo(LayercakeException.Kind.CORRUPT);
                assertThat(e.getMessage()).contains(digest);
            }
            assertNoRelease(store);
        }
    }

    @Test
    void layerNotMatchingItsDigestIsCorruptAndNotStored() throws Exception {
        try (RegistryFixture registry = RegistryFixture.start(); RegistryFixture target = RegistryFixture.start()) {
            Map<String, String> refs = world.pushAll(registry);
            com.fasterxml.jackson.databind.JsonNode manifest = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(registry.readBlob(PodmanImages.skopeoDigest(refs.get("app2"))));
            String layer = manifest.path("layers").get(2).path("digest").asText();
            byte[] bytes = registry.readBlob(layer);
            bytes[bytes.length / 2] ^= 0x55; // same size, different content
            registry.overwriteBlob(layer, bytes);
            Path store = world.newStore();
            LayercakeException e = catchThrowableOfType(LayercakeException.class, () -> world.backup(store, "r1",
                    List.of(refs.get("app2")), ImageOptions.COPY, target.host() + "/keep", List.of(registry.host(), target.host()),
                    new ImageWorld.Recorder(), ImageWorld.fastRetries(), null));
            assertThat(e.kind()).isEqualTo(LayercakeException.Kind.CORRUPT);
            assertThat(e.getMessage()).contains(layer);
            assertThat(store.resolve("blobs/sha256").resolve(layer.substring(7))).doesNotExist();
            assertNoRelease(store);
        }
    }

    @Test
    void interruptedBackupResumesWithOnlyTheMissingBlobs() throws Exception {
        try (RegistryFixture registry = RegistryFixture.start()) {
            Map<String, String> refs = world.pushAll(registry);
            List<String> images = List.of(refs.get("app1"), refs.get("app2"), refs.get("multi"));
            Path store = world.newStore();
            AtomicInteger blobsDone = new AtomicInteger();
            ImageWorld.Recorder interrupting = new ImageWorld.Recorder() {
                @Override
                public void progress(String phase, long done, long total, String unit) {
                    if (done > 0 && blobsDone.incrementAndGet() == 3) {
                        registry.stop();
                    }
                }
            };
            assertThatThrownBy(() -> world.backup(store, "r1", images, ImageOptions.COPY, null, List.of(registry.host()),
                    interrupting, o -> ImageWorld.fastRetries().apply(o).withParallelism(1), null))
                    .isInstanceOf(LayercakeException.class);
            assertNoRelease(store);
            long before = blobCount(store);
            assertThat(before).as("blobs stored before the interruption").isGreaterThanOrEqualTo(3);

            registry.restart();
            ImageWorld.Recorder rec = new ImageWorld.Recorder();
            BackupResult resumed = world.backup(store, "r1", images, ImageOptions.COPY, null, List.of(registry.host()), rec,
                    ImageWorld.fastRetries(), null);
            long after = blobCount(store);
            assertThat(resumed.blobsWritten()).as("only the missing blobs are written").isEqualTo(after - before);
            assertThat(resumed.blobsSkipped()).isGreaterThanOrEqualTo(before);
            try (ReleaseStore rs = ReleaseStore.open(StoreLocation.parse(store.toString()))) {
                assertThat(rs.listReleases("shop")).containsExactly("r1");
            }
            // Every stored blob is intact (content-addressed: re-hash them all).
            try (var files = Files.list(store.resolve("blobs/sha256"))) {
                for (Path f : files.toList()) {
                    assertThat(dev.layercake.registry.Digests.sha256(Files.readAllBytes(f))).isEqualTo("sha256:" + f.getFileName());
                }
            }
        }
    }

    static long blobCount(Path store) throws Exception {
        Path blobs = store.resolve("blobs/sha256");
        if (!Files.isDirectory(blobs)) {
            return 0;
        }
        try (var s = Files.list(blobs)) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".")).count();
        }
    }

    static void assertNoRelease(Path store) {
        try (ReleaseStore rs = ReleaseStore.open(StoreLocation.parse(store.toString()))) {
            assertThat(rs.listApps()).isEmpty();
        }
    }

    static Path dockerConfig(String host, String user, String password) throws Exception {
        Path dir = Files.createTempDirectory(world.work, "docker-config-");
        String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        Files.writeString(dir.resolve("config.json"), "{\"auths\":{\"" + host + "\":{\"auth\":\"" + auth + "\"}}}");
        return dir;
    }
}
