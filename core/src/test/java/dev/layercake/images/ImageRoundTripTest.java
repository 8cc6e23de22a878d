package dev.layercake.images;

import dev.layercake.api.access.Access;
import dev.layercake.LayercakeException;
import dev.layercake.api.result.BackupResult;
import dev.layercake.api.request.FreezeOptions;
import dev.layercake.api.request.ImageOptions;
import dev.layercake.model.BlobRef;
import dev.layercake.model.ImageCopy;
import dev.layercake.model.ImageEntry;
import dev.layercake.model.Manifest;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.store.ReleaseStore;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.testing.PodmanImages;
import dev.layercake.testing.RegistryFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Backup → the source repositories deleted → restore to a fresh registry: every digest identical, as
 * skopeo sees it, for single images, a two-platform index and a cosign-style signature.
 */
class ImageRoundTripTest {

    static ImageWorld world;
    static RegistryFixture source;
    static Map<String, String> refs;
    static Map<String, String> digests = new java.util.LinkedHashMap<>();

    @BeforeAll
    static void build() throws Exception {
        world = new ImageWorld();
        source = RegistryFixture.start();
        refs = world.pushAll(source);
        for (Map.Entry<String, String> e : refs.entrySet()) {
            digests.put(e.getKey(), PodmanImages.skopeoDigest(e.getValue()));
        }
    }

    @AfterAll
    static void tearDown() {
        if (source != null) {
            source.close();
        }
        if (world != null) {
            world.close();
        }
    }

    @Test
    void backupDeleteSourceRestoreKeepsEveryDigest() throws Exception {
        Path store = world.newStore();
        List<String> images = List.of(refs.get("app1"), refs.get("app2"), refs.get("multi"));
        try (RegistryFixture backupRegistry = RegistryFixture.start(); RegistryFixture fresh = RegistryFixture.start()) {
            ImageWorld.Recorder rec = new ImageWorld.Recorder();
            BackupResult result = world.backup(store, "r1", images, ImageOptions.COPY, backupRegistry.host() + "/keep",
                    List.of(source.host(), backupRegistry.host()), rec, ImageWorld.fastRetries(), null);
            assertThat(result.images()).isEqualTo(3);

            Manifest manifest;
            try (ReleaseStore rs = ReleaseStore.open(StoreLocation.parse(store.toString()))) {
                manifest = rs.readManifest("shop", "r1");
                for (BlobRef b : manifest.referencedBlobs().keySet().stream().map(d -> new BlobRef(d, 0, null)).toList()) {
                    assertThat(rs.hasBlob(b.digest())).as("blob %s in store", b.digest()).isTrue();
                }
            }
            ImageEntry app1 = find(manifest, refs.get("app1"));
            ImageEntry multi = find(manifest, refs.get("multi"));
            assertThat(app1.digest().toString()).isEqualTo(digests.get("app1"));
            assertThat(find(manifest, refs.get("app2")).digest().toString()).isEqualTo(digests.get("app2"));
            assertThat(multi.digest().toString()).isEqualTo(digests.get("multi"));
            assertThat(multi.platforms()).containsExactlyInAnyOrder("linux/amd64", "linux/arm64");
            assertThat(multi.mediaType()).contains("index").as("an index, not a single platform manifest");
            assertThat(app1.foundIn()).containsExactly("option");
            assertThat(app1.referrers()).hasSize(1);
            assertThat(app1.referrers().get(0).digest().toString()).isEqualTo(digests.get("sig"));
            assertThat(app1.copies()).extracting(ImageCopy::type).containsExactly(ImageCopy.STORE, ImageCopy.REGISTRY);
            // The Dockerfile's unreachable base image: the release is written (allowIncomplete) and names it as missing.
            assertThat(rec.warnings).anyMatch(w -> w.contains("golang:1.22"));
            assertThat(manifest.images()).extracting(ImageEntry::ref).doesNotContain("golang:1.22");
            assertThat(manifest.incomplete()).extracting(dev.layercake.model.IncompleteEntry::what)
                    .contains("image golang:1.22 (found in Dockerfile:1)");

            // Shared base layers are stored once: app1 and app2 name the same base layer digests.
            Set<String> app1Layers = new HashSet<>();
            app1.blobs().forEach(b -> app1Layers.add(b.digest().toString()));
            long shared = find(manifest, refs.get("app2")).blobs().stream().filter(b -> app1Layers.contains(b.digest().toString())).count();
            assertThat(shared).isGreaterThanOrEqualTo(2);

            // The backup registry holds the same digests.
            String keptMulti = backupRegistry.host() + "/keep/demo/multi:1";
            assertThat(PodmanImages.skopeoDigest(keptMulti)).isEqualTo(digests.get("multi"));
            assertThat(ImageVerifier.create(Access.fromEnvironment(world.env(null)), List.of(backupRegistry.host()))
                    .verifyRegistryCopies(manifest, ProgressListener.NONE)).isEmpty();

            // The source repositories go away; the store alone restores them.
            for (String name : List.of("app1", "app2", "multi")) {
                source.deleteRepository("demo/" + name);
            }
            source.stop();
            List<ImageRestore.RestoredImage> restored;
            try (ReleaseStore rs = ReleaseStore.open(StoreLocation.parse(store.toString()))) {
                restored = ImageRestore.create(Access.fromEnvironment(world.env(null)), List.of(fresh.host()))
                        .restore(rs, manifest, fresh.host() + "/restored", ProgressListener.NONE);
            }
            assertThat(restored).hasSize(3);
            String sourceHost = source.host();
            for (String name : List.of("app1", "app2", "multi")) {
                String ref = fresh.host() + "/restored/" + refs.get(name).substring(sourceHost.length() + 1);
                assertThat(PodmanImages.skopeoDigest(ref)).as(ref).isEqualTo(digests.get(name));
            }
            String restoredSig = fresh.host() + "/restored/" + refs.get("sig").substring(sourceHost.length() + 1);
            assertThat(PodmanImages.skopeoDigest(restoredSig)).isEqualTo(digests.get("sig"));
            String armInspect = PodmanImages.skopeoInspect(fresh.host() + "/restored/demo/multi:1", "arm64");
            assertThat(armInspect).contains("\"Architecture\": \"arm64\"");

            // And an OCI layout export of the same release is readable by skopeo with the same digests.
            Path layout = world.work.resolve("layout-" + System.nanoTime());
            try (ReleaseStore rs = ReleaseStore.open(StoreLocation.parse(store.toString()))) {
                assertThat(ImageRestore.create(Access.fromEnvironment(world.env(null)), List.of())
                        .restore(rs, manifest, "oci:" + layout, ProgressListener.NONE)).hasSize(3);
            }
            String layoutJson = new String(java.nio.file.Files.readAllBytes(layout.resolve("index.json")));
            assertThat(layoutJson).contains(digests.get("multi")).contains(digests.get("app1"));
            for (String name : List.of("app1", "multi")) {
                assertThat(PodmanImages.skopeoDigest("oci:" + layout + ":" + refs.get(name), false))
                        .as("skopeo reads %s from the layout", name).isEqualTo(digests.get(name));
            }
            source.restart();
        }
    }

    @Test
    void freezeWithTagImagesTagsEachRegistryCopyWithTheReleaseIdAndNeverMovesATag() throws Exception {
        Path store = world.newStore();
        try (RegistryFixture own = RegistryFixture.start(); RegistryFixture backupRegistry = RegistryFixture.start()) {
            // Its own source registry: the round trip above deletes repositories from the shared one.
            Map<String, String> mine = world.pushAll(own);
            List<String> insecure = List.of(own.host(), backupRegistry.host());
            String keep = backupRegistry.host() + "/keep";
            String app1Digest = PodmanImages.skopeoDigest(mine.get("app1"));
            String multiDigest = PodmanImages.skopeoDigest(mine.get("multi"));

            BackupResult first = backupFrozen(store, "rel-1", List.of(mine.get("app1"), mine.get("multi")), keep, insecure);
            assertThat(first.frozen()).isTrue();
            assertThat(PodmanImages.skopeoDigest(keep + "/demo/app1:rel-1")).isEqualTo(app1Digest);
            assertThat(PodmanImages.skopeoDigest(keep + "/demo/multi:rel-1")).as("the index itself, digest kept").isEqualTo(multiDigest);

            // Tagging again (a second freeze) finds every tag in place and changes nothing.
            Manifest manifest;
            try (ReleaseStore rs = ReleaseStore.open(StoreLocation.parse(store.toString()))) {
                manifest = rs.readManifest("shop", "rel-1");
            }
            List<dev.layercake.api.result.ImageTag> again = ReleaseTagger.create(Access.fromEnvironment(world.env(null)), insecure).tag(manifest, ProgressListener.NONE);
            assertThat(again).as("app1 and multi; a signature is not tagged").hasSize(2).allMatch(dev.layercake.api.result.ImageTag::alreadyTagged);
            assertThat(again).extracting(dev.layercake.api.result.ImageTag::tag).containsOnly("rel-1");

            // A release tag that names other bytes is never moved: the backup fails saying so, the tag stays.
            world.podman.push("localhost/lc-app1:1", keep + "/demo/app2:rel-2");
            assertThatThrownBy(() -> backupFrozen(store, "rel-2", List.of(mine.get("app2")), keep, insecure))
                    .isInstanceOf(LayercakeException.class)
                    .hasMessageContaining("demo/app2:rel-2").hasMessageContaining("never moved")
                    .hasMessageContaining("written and frozen");
            assertThat(PodmanImages.skopeoDigest(keep + "/demo/app2:rel-2")).isEqualTo(app1Digest);

            // Two images of one repository in a release: each gets the release id and its own tag, none collide.
            world.podman.push("localhost/lc-app1:1", own.host() + "/demo/same:a");
            world.podman.push("localhost/lc-app2:1", own.host() + "/demo/same:b");
            BackupResult both = backupFrozen(store, "rel-4", List.of(own.host() + "/demo/same:a", own.host() + "/demo/same:b"), keep, insecure);
            assertThat(both.frozen()).isTrue();
            assertThat(PodmanImages.skopeoDigest(keep + "/demo/same:rel-4-a")).isEqualTo(app1Digest);
            assertThat(PodmanImages.skopeoDigest(keep + "/demo/same:rel-4-b")).isEqualTo(PodmanImages.skopeoDigest(mine.get("app2")));

            // Tags of a release with no backup-registry copy are a usage error before any work is done.
            assertThatThrownBy(() -> world.backup(store, "rel-5", List.of(mine.get("app2")), ImageOptions.COPY, null, insecure,
                    ProgressListener.NONE, ImageWorld.fastRetries(), null, new FreezeOptions(true, null, false, null, true)))
                    .isInstanceOf(LayercakeException.class).hasMessageContaining("--tag-images").hasMessageContaining("--image-target");

            // Asking for tags without freezing is a usage error before any work is done.
            assertThatThrownBy(() -> world.backup(store, "rel-3", List.of(mine.get("app2")), ImageOptions.COPY, keep, insecure,
                    ProgressListener.NONE, ImageWorld.fastRetries(), null, new FreezeOptions(false, null, false, null, true)))
                    .isInstanceOf(LayercakeException.class).hasMessageContaining("--tag-images applies to --freeze");
        }
    }

    private BackupResult backupFrozen(Path store, String release, List<String> images, String target, List<String> insecure) {
        return world.backup(store, release, images, ImageOptions.COPY, target, insecure, ProgressListener.NONE,
                ImageWorld.fastRetries(), null, new FreezeOptions(true, null, false, null, true));
    }

    static ImageEntry find(Manifest manifest, String ref) {
        return manifest.images().stream().filter(i -> i.ref().equals(ref)).findFirst()
                .orElseThrow(() -> new AssertionError("no image " + ref + " in " + manifest.images()));
    }
}
