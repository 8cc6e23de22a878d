package dev.layercake.images;

import dev.layercake.api.access.Access;
import dev.layercake.drill.Drill;
import dev.layercake.api.result.DrillRecord;
import dev.layercake.api.request.DrillRequest;
import dev.layercake.model.BlobRef;
import dev.layercake.model.ImageEntry;
import dev.layercake.model.Manifest;
import dev.layercake.api.request.ImageOptions;
import dev.layercake.store.ReleaseStore;
import dev.layercake.store.StoreKeys;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.testing.RegistryFixture;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drills of a release whose podman-built images were copied to the store and to a backup registry (Debian
 * docker-registry): a drill passes; a blob removed from the backup registry's storage, or corrupted in the store,
 * fails the drill naming that blob; {@code --images-to} pushes to a scratch registry and reads the digests back.
 */
class DrillImagesTest extends ImagesInASourceRegistry {

    record Backed(Path store, RegistryFixture backupRegistry, Manifest manifest) {
    }

    static Backed backup(RegistryFixture backupRegistry) throws Exception {
        Path store = world.newStore();
        world.backup(store, "r1", List.of(refs.get("app1"), refs.get("multi")), ImageOptions.COPY, backupRegistry.host() + "/keep",
                List.of(source.host(), backupRegistry.host()), new ImageWorld.Recorder(), ImageWorld.fastRetries(), null);
        try (ReleaseStore rs = ReleaseStore.open(StoreLocation.parse(store.toString()))) {
            return new Backed(store, backupRegistry, rs.readManifest("shop", "r1"));
        }
    }

    static dev.layercake.api.result.DrillResult drill(Path store, String imagesTo, List<String> insecure) {
        DrillRequest request = new DrillRequest(StoreLocation.parse(store.toString()), "shop", "r1", null, null, imagesTo, insecure,
                false, null, null, Map.of(), null, null, Duration.ofSeconds(5), false);
        return new Drill(Access.fromEnvironment(world.env(null)), Clock.systemUTC()).run(request, new ImageWorld.Recorder());
    }

    static DrillRecord.Check check(DrillRecord record, String name) {
        return record.checks().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    static String aLayer(Manifest manifest) {
        ImageEntry app1 = manifest.images().stream().filter(i -> i.ref().equals(refs.get("app1"))).findFirst().orElseThrow();
        return app1.blobs().stream().filter(ImageRestoreLayers::isLayer).map(b -> b.digest().toString()).findFirst().orElseThrow();
    }

    @Test
    void backupRegistryCopiesCompletePassAndAMissingBlobIsNamed() throws Exception {
        try (RegistryFixture backupRegistry = RegistryFixture.start()) {
            Backed b = backup(backupRegistry);
            dev.layercake.api.result.DrillResult ok = drill(b.store(), null, List.of(backupRegistry.host()));
            assertThat(ok.record().differences()).isEmpty();
            assertThat(check(ok.record(), "images").status()).isEqualTo(DrillRecord.PASSED);
            assertThat(check(ok.record(), "images").how()).contains("checked every backup-registry copy").contains("nothing pushed");
            // no cluster given and no readiness to observe: a plain pass
            assertThat(ok.record().outcome()).isEqualTo(DrillRecord.PASSED);

            String layer = aLayer(b.manifest());
            String hex = layer.substring("sha256:".length());
            Files.delete(backupRegistry.storage().resolve("docker/registry/v2/blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex)
                    .resolve("data"));

            dev.layercake.api.result.DrillResult missing = drill(b.store(), null, List.of(backupRegistry.host()));
            assertThat(missing.record().outcome()).isEqualTo(DrillRecord.FAILED);
            assertThat(missing.record().exitCode()).isEqualTo(1);
            assertThat(missing.record().differences()).filteredOn(d -> d.check().equals("images")).isNotEmpty()
                    .allSatisfy(d -> {
                        assertThat(d.expected()).isEqualTo(layer);
                        assertThat(d.found()).startsWith("missing");
                        assertThat(d.object()).contains("registry copy " + backupRegistry.host()).endsWith("blob");
                    });
        }
    }

    @Test
    void aCorruptImageBlobInTheStoreIsNamedAndImagesPushToAScratchRegistry() throws Exception {
        try (RegistryFixture backupRegistry = RegistryFixture.start(); RegistryFixture scratch = RegistryFixture.start()) {
            Backed b = backup(backupRegistry);
            dev.layercake.api.result.DrillResult pushed = drill(b.store(), scratch.host() + "/drill", List.of(backupRegistry.host(), scratch.host()));
            assertThat(pushed.record().differences()).isEmpty();
            assertThat(check(pushed.record(), "images").status()).isEqualTo(DrillRecord.PASSED);
            assertThat(check(pushed.record(), "images").how()).contains("pushed 2 image(s) to " + scratch.host() + "/drill");

            String layer = aLayer(b.manifest());
            Path blob = b.store().resolve(StoreKeys.blob(dev.layercake.model.Digest.parse(layer)));
            blob.toFile().setWritable(true);
            Files.write(blob, "not the layer".getBytes());

            dev.layercake.api.result.DrillResult corrupt = drill(b.store(), null, List.of(backupRegistry.host()));
            assertThat(corrupt.record().outcome()).isEqualTo(DrillRecord.FAILED);
            assertThat(corrupt.record().differences()).filteredOn(d -> d.check().equals("integrity")).isNotEmpty()
                    .anySatisfy(d -> {
                        assertThat(d.expected()).isEqualTo(layer);
                        assertThat(d.found()).startsWith("corrupt");
                    });
        }
    }

    /** Which blobs are layers (the store keeps manifests and configs as blobs too). */
    static final class ImageRestoreLayers {
        static boolean isLayer(BlobRef b) {
            return b.mediaType() != null && b.mediaType().contains("layer");
        }
    }
}
