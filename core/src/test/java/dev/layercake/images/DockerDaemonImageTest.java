package dev.layercake.images;

import dev.layercake.api.access.Access;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.layercake.LayercakeException;
import dev.layercake.backup.BackupEngine;
import dev.layercake.api.request.BackupRequest;
import dev.layercake.api.request.ImageOptions;
import dev.layercake.api.request.SourceOptions;
import dev.layercake.model.BlobRef;
import dev.layercake.model.ImageEntry;
import dev.layercake.model.Manifest;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.store.ReleaseStore;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.testing.PodmanImages;
import dev.layercake.testing.PodmanService;
import dev.layercake.testing.RegistryFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** An image that exists only in the local engine (podman's Docker API), exported with docker-java. */
class DockerDaemonImageTest {

    static ImageWorld world;
    static PodmanService service;

    @BeforeAll
    static void start() throws Exception {
        world = new ImageWorld();
        service = PodmanService.start(world.podman);
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
        if (world != null) {
            world.close();
        }
    }

    @Test
    void daemonImageIsStoredAsOciContentAndRestores() throws Exception {
        Path store = world.newStore();
        String ref = "docker-daemon:localhost/lc-app1:1";
        try (RegistryFixture target = RegistryFixture.start(); RegistryFixture fresh = RegistryFixture.start()) {
            Manifest manifest = backup(store, List.of(ref), target.host() + "/keep", List.of(target.host()));
            ImageEntry entry = manifest.images().get(0);
            assertThat(entry.ref()).isEqualTo(ref);
            assertThat(entry.mediaType()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
            assertThat(entry.platforms()).containsExactly("linux/amd64");
            assertThat(entry.blobs()).hasSize(5); // manifest, config, 3 layers

            // A valid OCI image: the uncompressed layers' digests are the config's diff_ids.
            try (ReleaseStore rs = ReleaseStore.open(StoreLocation.parse(store.toString()))) {
                JsonNode m = new ObjectMapper().readTree(rs.readBlob(entry.digest()));
                JsonNode config = new ObjectMapper().readTree(rs.readBlob(dev.layercake.model.Digest.parse(m.path("config").path("digest").asText())));
                List<String> diffIds = new ArrayList<>();
                config.path("rootfs").path("diff_ids").forEach(d -> diffIds.add(d.asText()));
                List<String> layers = new ArrayList<>();
                m.path("layers").forEach(l -> layers.add(l.path("digest").asText()));
                assertThat(layers).isEqualTo(diffIds).hasSize(3);
                for (BlobRef b : entry.blobs()) {
                    assertThat(rs.hasBlob(b.digest())).isTrue();
                }
            }
            assertThat(PodmanImages.skopeoDigest(target.host() + "/keep/lc-app1:1")).isEqualTo(entry.digest().toString());

            try (ReleaseStore rs = ReleaseStore.open(StoreLocation.parse(store.toString()))) {
                ImageRestore.create(Access.fromEnvironment(world.env(null)), List.of(fresh.host())).restore(rs, manifest, fresh.host(), ProgressListener.NONE);
            }
            assertThat(PodmanImages.skopeoDigest(fresh.host() + "/lc-app1:1")).isEqualTo(entry.digest().toString());
        }
    }

    @Test
    void missingDaemonImageIsNotFound() throws Exception {
        Path store = world.newStore();
        LayercakeException e = catchThrowableOfType(LayercakeException.class,
                () -> backup(store, List.of("docker-daemon:localhost/no-such-image:1"), null, List.of()));
        assertThat(e.kind()).isEqualTo(LayercakeException.Kind.NOT_FOUND);
        assertThat(e.getMessage()).contains("localhost/no-such-image:1");
    }

    private Manifest backup(Path store, List<String> images, String target, List<String> insecure) {
        Map<String, String> env = new java.util.LinkedHashMap<>(world.env(null));
        env.put("DOCKER_HOST", service.dockerHost());
        BackupRequest request = new BackupRequest(StoreLocation.parse(store.toString()), "shop", "r1",
                new SourceOptions(world.checkout.toString(), null, List.of(), List.of(), false), null,
                // The checkout's Dockerfile names golang:1.22, out of reach here: recorded as incomplete, not the point of this test.
                new ImageOptions(images, ImageOptions.COPY, target, insecure), null, null, true);
        new BackupEngine(List.of(new ImageBackupStep(ImageWorld.fastRetries())), Access.fromEnvironment(env), Clock.systemUTC())
                .backup(request, new ImageWorld.Recorder());
        try (ReleaseStore rs = ReleaseStore.open(StoreLocation.parse(store.toString()))) {
            return rs.readManifest("shop", "r1");
        }
    }
}
