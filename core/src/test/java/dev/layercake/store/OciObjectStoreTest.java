package dev.layercake.store;

import dev.layercake.api.access.Access;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.LayercakeException;
import dev.layercake.LayercakeException.Kind;
import dev.layercake.api.result.BackupResult;
import dev.layercake.model.Digest;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.registry.Descriptor;
import dev.layercake.registry.ImageRef;
import dev.layercake.registry.ManifestDoc;
import dev.layercake.registry.MediaTypes;
import dev.layercake.registry.RegistryClient;
import dev.layercake.registry.RegistryOptions;
import dev.layercake.restore.RestoreEngine;
import dev.layercake.api.request.RestoreRequest;
import dev.layercake.retention.GarbageCollector;
import dev.layercake.retention.Pruner;
import dev.layercake.testing.RegistryFixture;
import dev.layercake.testing.ReleaseFixture;
import dev.layercake.verify.ReleaseVerifier;
import dev.layercake.api.result.VerifyReport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The store contract against a real docker-registry (deletes enabled), plus what only an OCI store has. */
class OciObjectStoreTest extends ObjectStoreContractTest {

    private static final AtomicInteger REPOS = new AtomicInteger();
    private static RegistryFixture registry;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startRegistry() {
        registry = RegistryFixture.start();
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    private static RegistryOptions options(RegistryFixture r) {
        return RegistryOptions.defaults().withInsecure(List.of(r.host()));
    }

    private static StoreLocation location(RegistryFixture r, String repository) {
        return StoreLocation.parse("oci://" + r.host() + "/" + repository);
    }

    @Override
    protected ObjectStore newStore() {
        return OciObjectStore.open(location(registry, "contract/s" + REPOS.incrementAndGet()), options(registry));
    }

    @Override
    protected int largeSize() {
        return 3 * 1024 * 1024 + 17;
    }

    @Test
    void tagsMapOneToOneAndBack() {
        assertThat(OciObjectStore.tagOf("releases/shop/r1/manifest.json")).isEqualTo("shop.r1");
        assertThat(OciObjectStore.tagOf("releases/shop/1.2_0/manifest.json")).isEqualTo("shop.1_d2__0");
        assertThat(OciObjectStore.tagOf("releases/shop/r1/manifest.json.sig")).isEqualTo("shop.r1.manifest_djson_dsig");
        assertThat(OciObjectStore.tagOf("releases/shop/r1/drills/d1.json")).isEqualTo("shop.r1.drills.d1_djson");
        assertThat(OciObjectStore.tagOf("locks/backups/x.json")).isEqualTo("_locks.backups.x_djson");
        for (String key : List.of("releases/shop/r1/manifest.json", "releases/shop/1.2_0/manifest.json",
                "releases/a-b/c.d/frozen.json", "locks/gc/u-1.json", "a/b/1", "z", "race/key", "odd/k ey+é")) {
            assertThat(OciObjectStore.keyOf(OciObjectStore.tagOf(key))).as(key).contains(key);
        }
        // the tags of images in the same repository are not store keys, or only where they decode exactly
        assertThat(OciObjectStore.keyOf("latest")).isEmpty();
        assertThat(OciObjectStore.keyOf("_bad_escape_q")).isEmpty();
        assertThatThrownBy(() -> OciObjectStore.tagOf("releases/" + "a".repeat(80) + "/" + "b".repeat(60) + "/manifest.json"))
                .isInstanceOf(LayercakeException.class).hasMessageContaining("128");
    }

    @Test
    void locationsParseAndRefuseCredentials() {
        StoreLocation l = StoreLocation.parse("oci://registry.example:5000/backups/layercake");
        assertThat(l.scheme()).isEqualTo(StoreLocation.OCI);
        assertThat(l.endpoint()).isEqualTo("registry.example:5000");
        assertThat(l.prefix()).isEqualTo("backups/layercake");
        assertThat(l.uri()).isEqualTo("oci://registry.example:5000/backups/layercake");
        assertThatThrownBy(() -> StoreLocation.parse("oci://user:pw@registry.example/x")).hasMessageContaining("credentials");
        assertThatThrownBy(() -> StoreLocation.parse("oci://registry.example")).hasMessageContaining("repository");
        assertThatThrownBy(() -> StoreLocation.parse("oci://registry.example/Upper")).hasMessageContaining("repository");
    }

    @Test
    void capabilitiesSayWhatARegistryCannotDo() {
        assertThat(store.capabilities().exclusiveCreate()).isFalse();
        assertThat(store.capabilities().listsBlobs()).isFalse();
        assertThatThrownBy(() -> store.list(StoreKeys.BLOBS)).isInstanceOf(LayercakeException.class)
                .hasMessageContaining("garbage-collect");
    }

    @Test
    void aReleaseIsBackedUpListedVerifiedRestoredAndPruned() throws Exception {
        String repository = "dr/shop" + REPOS.incrementAndGet();
        StoreLocation loc = location(registry, repository);
        Map<String, String> env = Map.of(OciObjectStore.INSECURE_ENV, registry.host());
        ReleaseFixture releases = new ReleaseFixture(tmp, loc, env);
        BackupResult r1 = releases.backup("shop", "1.0.0", Map.of("app.txt", "hello", "deploy/k8s.yaml", "kind: Pod\n"));
        releases.backup("shop", "r2", Map.of("app.txt", "hello again"));

        try (ReleaseStore store = ReleaseStore.open(loc, Access.fromEnvironment(env))) {
            assertThat(store.listApps()).containsExactly("shop");
            assertThat(store.listReleases("shop")).containsExactly("1.0.0", "r2");
            assertThat(Digest.of(store.readManifestBytes("shop", "1.0.0"))).isEqualTo(r1.manifestDigest());
            VerifyReport report = new ReleaseVerifier(store, ProgressListener.NONE).verify("shop", "1.0.0");
            assertThat(report.ok()).as(report.toString()).isTrue();
            assertThat(report.objectsChecked()).isGreaterThanOrEqualTo(2);
            assertThat(report.manifestDigest()).isEqualTo(r1.manifestDigest());

            // the release is one Layercake artifact: config = the manifest bytes, layers = every blob it names
            try (RegistryClient client = new RegistryClient(options(registry))) {
                ManifestDoc doc = client.getManifest(ImageRef.parse(registry.host() + "/" + repository + ":shop.1_d0_d0"));
                assertThat(doc.artifactType()).isEqualTo(OciObjectStore.RELEASE_ARTIFACT_TYPE);
                assertThat(doc.config().digest()).isEqualTo(r1.manifestDigest().toString());
                assertThat(doc.layers()).extracting(Descriptor::digest).containsExactlyInAnyOrderElementsOf(
                        store.readManifest("shop", "1.0.0").referencedBlobs().keySet().stream().map(Digest::toString).toList());
                assertThat(doc.descriptor().annotations()).containsEntry("dev.layercake.app", "shop")
                        .containsEntry("dev.layercake.release", "1.0.0");
            }

            // a second backup of the same id is refused: the tag is never moved
            assertThatThrownBy(() -> releases.backup("shop", "1.0.0", Map.of("app.txt", "other")))
                    .isInstanceOf(LayercakeException.class).hasMessageContaining("already exists");
            assertThat(Digest.of(store.readManifestBytes("shop", "1.0.0"))).isEqualTo(r1.manifestDigest());

            Path restored = tmp.resolve("restored");
            new RestoreEngine(Access.fromEnvironment(env)).restore(new RestoreRequest(loc, "shop", "1.0.0", restored.toString(), null, null, null, false),
                    ProgressListener.NONE);
            assertThat(Files.readString(restored.resolve("app.txt"))).isEqualTo("hello");
            assertThat(Files.readString(restored.resolve("deploy/k8s.yaml"))).isEqualTo("kind: Pod\n");

            assertThatThrownBy(() -> GarbageCollector.collect(store, Duration.ZERO, true, ProgressListener.NONE))
                    .isInstanceOf(LayercakeException.class).hasMessageContaining("registry garbage-collect");

            Pruner.prune(store, "shop", 1, null, false, ProgressListener.NONE);
            assertThat(store.listReleases("shop")).containsExactly("r2");
        }
    }

    @Test
    void aTagPointingAtSomethingElseIsRefused() {
        String repository = "mixed/app" + REPOS.incrementAndGet();
        // an image-like manifest tagged exactly as a release would be
        try (RegistryClient client = new RegistryClient(options(registry))) {
            byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
            client.pushBlob(registry.host(), repository, Descriptor.of(Digest.of(config).toString(), config.length, MediaTypes.OCI_CONFIG),
                    () -> new ByteArrayInputStream(config));
            String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
                    + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + Digest.of(config) + "\",\"size\":2},\"layers\":[]}";
            client.putManifest(registry.host(), repository, "shop.r1",
                    ManifestDoc.parse(manifest.getBytes(StandardCharsets.UTF_8), MediaTypes.OCI_MANIFEST, "test"));
        }
        try (ReleaseStore store = new ReleaseStore(OciObjectStore.open(location(registry, repository), options(registry)),
                location(registry, repository))) {
            assertThatThrownBy(() -> store.readManifestBytes("shop", "r1")).isInstanceOf(LayercakeException.class)
                    .satisfies(e -> assertThat(((LayercakeException) e).kind()).isEqualTo(Kind.CORRUPT))
                    .hasMessageContaining("not a Layercake object");
            assertThatThrownBy(() -> store.requireReleaseAbsent("shop", "r1")).isInstanceOf(LayercakeException.class);
            // listing skips it (an image's tag of the same shape is not a release)
            assertThat(store.listReleases("shop")).isEmpty();
            assertThatThrownBy(() -> store.objects().delete(StoreKeys.manifest("shop", "r1")))
                    .hasMessageContaining("not a Layercake object");
        }
    }

    @Test
    void aRegistryWithoutDeletesRefusesPruneClearly() {
        try (RegistryFixture noDelete = RegistryFixture.startWithoutDelete()) {
            StoreLocation loc = location(noDelete, "dr/nodelete");
            Map<String, String> env = Map.of(OciObjectStore.INSECURE_ENV, noDelete.host());
            ReleaseFixture releases = new ReleaseFixture(tmp, loc, env);
            releases.backup("shop", "r1", Map.of("a.txt", "a"));
            releases.backup("shop", "r2", Map.of("a.txt", "b"));
            try (ReleaseStore store = ReleaseStore.open(loc, Access.fromEnvironment(env))) {
                assertThat(store.listReleases("shop")).containsExactly("r1", "r2");
                assertThat(new ReleaseVerifier(store, ProgressListener.NONE).verify("shop", "r1").ok()).isTrue();
                assertThatThrownBy(() -> Pruner.prune(store, "shop", 1, null, false, ProgressListener.NONE))
                        .isInstanceOf(LayercakeException.class)
                        .satisfies(e -> assertThat(((LayercakeException) e).kind()).isEqualTo(Kind.UNSUPPORTED))
                        .hasMessageContaining("does not allow deleting");
                assertThat(store.listReleases("shop")).containsExactly("r1", "r2");
            }
        }
    }
}
