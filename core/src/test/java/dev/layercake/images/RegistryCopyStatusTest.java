package dev.layercake.images;

import dev.layercake.api.access.Access;
import dev.layercake.api.request.ImageOptions;
import dev.layercake.model.Digest;
import dev.layercake.model.ImageCopy;
import dev.layercake.model.ImageEntry;
import dev.layercake.model.Manifest;
import dev.layercake.store.ReleaseStore;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.testing.RegistryFixture;
import dev.layercake.verify.ReleaseVerifier;
import dev.layercake.api.result.VerifyReport;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * verify tells a missing registry copy from one it could not check (issue 11, item 2), names the image and its own
 * digest (not the release manifest's), and reaches a plain-HTTP backup registry the way the backup did, recorded in
 * the release, without being given --insecure-registry again. Before, the same release verified with the arguments
 * of show reported the copy "missing" under the manifest's digest.
 */
class RegistryCopyStatusTest extends ImagesInASourceRegistry {

    private VerifyReport verify(Path store, Map<String, String> env) {
        try (ReleaseStore rs = ReleaseStore.open(StoreLocation.parse(store.toString()))) {
            // The arguments of show: no --insecure-registry.
            return new ReleaseVerifier(rs, new ImageWorld.Recorder()).checkingRegistryCopies(Access.fromEnvironment(env), List.of()).verify("shop", "r1");
        }
    }

    @Test
    void statusesNameTheImageAndDistinguishMissingFromUnreachable() throws Exception {
        Path store = world.newStore();
        try (RegistryFixture backupRegistry = RegistryFixture.start()) {
            world.backup(store, "r1", List.of(refs.get("app1")), ImageOptions.COPY, backupRegistry.host() + "/keep",
                    List.of(source.host(), backupRegistry.host()), new ImageWorld.Recorder(), ImageWorld.fastRetries(), null);
            Manifest manifest;
            try (ReleaseStore rs = ReleaseStore.open(StoreLocation.parse(store.toString()))) {
                manifest = rs.readManifest("shop", "r1");
            }
            ImageEntry app1 = manifest.images().stream().filter(i -> i.ref().equals(refs.get("app1"))).findFirst().orElseThrow();
            ImageCopy copy = app1.copies().stream().filter(c -> c.type().equals(ImageCopy.REGISTRY)).findFirst().orElseThrow();
            assertThat(copy.plainHttp()).isTrue();
            assertThat(copy.privateCa()).isNull();

            VerifyReport fine = verify(store, world.env(null));
            assertThat(fine.ok()).as(fine.problems().toString()).isTrue();

            backupRegistry.stop();
            VerifyReport down = verify(store, world.env(null));
            assertThat(down.ok()).isFalse();
            assertThat(down.problems()).isNotEmpty().allSatisfy(p -> {
                assertThat(p.problem()).isEqualTo("unreachable");
                assertThat(p.digest()).isNotEqualTo(down.manifestDigest());
            });
            assertThat(down.problems()).anySatisfy(p -> {
                assertThat(p.object()).isEqualTo("image " + app1.ref() + " registry copy " + copy.location());
                assertThat(p.digest()).isEqualTo(app1.digest());
                assertThat(p.detail()).contains("could not be checked");
            });

            backupRegistry.restart();
            backupRegistry.deleteRepository("keep/" + refs.get("app1").substring(source.host().length() + 1).replaceAll(":.*", ""));
            VerifyReport gone = verify(store, world.env(null));
            assertThat(gone.ok()).isFalse();
            assertThat(gone.problems()).anySatisfy(p -> {
                assertThat(p.problem()).isEqualTo("missing");
                assertThat(p.object()).startsWith("image " + app1.ref() + " registry copy ");
                assertThat(p.digest()).isNotEqualTo(gone.manifestDigest());
            });
            assertThat(gone.problems()).noneMatch(p -> p.problem().equals("unreachable"));
        }
    }

    @Test
    void aCopyTheCredentialsCannotReadIsUnauthorizedNotMissing() throws Exception {
        Path store = world.newStore();
        try (RegistryFixture backupRegistry = RegistryFixture.startWithAuth()) {
            Path right = java.nio.file.Files.createTempDirectory(world.work, "docker-config-");
            String auth = java.util.Base64.getEncoder().encodeToString((RegistryFixture.USER + ":" + RegistryFixture.PASSWORD)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            java.nio.file.Files.writeString(right.resolve("config.json"),
                    "{\"auths\":{\"" + backupRegistry.host() + "\":{\"auth\":\"" + auth + "\"}}}");
            world.backup(store, "r1", List.of(refs.get("app2")), ImageOptions.COPY, backupRegistry.host() + "/keep",
                    List.of(source.host(), backupRegistry.host()), new ImageWorld.Recorder(), ImageWorld.fastRetries(), right);
            assertThat(verify(store, world.env(right)).ok()).isTrue();

            VerifyReport anonymous = verify(store, world.env(null));
            assertThat(anonymous.ok()).isFalse();
            assertThat(anonymous.problems()).isNotEmpty().allSatisfy(p -> {
                assertThat(p.problem()).isEqualTo("unauthorized");
                assertThat(p.detail()).doesNotContain(RegistryFixture.PASSWORD);
            });
            assertThat(anonymous.problems()).extracting(VerifyReport.Problem::digest).doesNotContain(anonymous.manifestDigest())
                    .allSatisfy(d -> assertThat(d).isInstanceOf(Digest.class));
        }
    }
}
