package dev.layercake.images;

import dev.layercake.api.access.Access;
import dev.layercake.api.request.BackupRequest;
import dev.layercake.api.request.DrillRequest;
import dev.layercake.api.request.ImageOptions;
import dev.layercake.api.request.KubernetesOptions;
import dev.layercake.api.request.SourceOptions;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.api.result.BackupResult;
import dev.layercake.api.result.DrillRecord;
import dev.layercake.backup.BackupEngine;
import dev.layercake.backup.BackupSteps;
import dev.layercake.drill.Drill;
import dev.layercake.drill.DrillRecords;
import dev.layercake.model.Digest;
import dev.layercake.model.ImageEntry;
import dev.layercake.model.Manifest;
import dev.layercake.store.ReleaseStore;
import dev.layercake.store.StoreKeys;
import dev.layercake.testing.KubernetesMockServerFixture;
import dev.layercake.testing.RegistryFixture;
import dev.layercake.testing.S3ProxyFixture;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real-parts drill, on an S3 store: podman-built images in a docker-registry, copied by the backup to
 * the store (s3proxy) and to a backup registry; the app's objects captured from one fabric8 mock API server and
 * drilled into scratch namespaces on another. A full drill passes (readiness not observed: the mock runs no pods);
 * a corrupt blob in the bucket, an image blob deleted from the backup registry, and an object changed behind the
 * drill's back (the test hook) each fail the drill naming the blob or the field.
 */
class S3StoreDrillTest extends ImagesInASourceRegistry {

    static final String BUCKET = "releases";
    S3ProxyFixture s3;
    RegistryFixture backupRegistry;
    KubernetesMockServerFixture prod;
    KubernetesMockServerFixture dr;
    StoreLocation location;
    Path drConfig;
    Manifest manifest;

    Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>(world.env(null));
        env.putAll(s3.env());
        return env;
    }

    List<String> insecure() {
        return List.of(source.host(), backupRegistry.host());
    }

    @BeforeEach
    void backUp() throws Exception {
        s3 = S3ProxyFixture.start();
        s3.createBucket(BUCKET);
        location = s3.location(BUCKET, "team");
        backupRegistry = RegistryFixture.start();
        prod = KubernetesMockServerFixture.start();
        dr = KubernetesMockServerFixture.start();
        installShop(prod.client(), refs.get("app1"));
        Path prodConfig = prod.writeKubeconfig(world.work.resolve("prod-" + System.nanoTime() + ".yaml"), "prod");
        drConfig = dr.writeKubeconfig(world.work.resolve("dr-" + System.nanoTime() + ".yaml"), "dr");

        BackupRequest request = new BackupRequest(location, "shop", "r1",
                new SourceOptions(world.checkout.toString(), null, List.of(), List.of(), false), null,
                new ImageOptions(List.of(), ImageOptions.COPY, backupRegistry.host() + "/keep", insecure()),
                new KubernetesOptions(prodConfig.toString(), null, List.of("shop"), List.of(), KubernetesOptions.SKIP, null, null),
                // allowIncomplete: the checkout's Dockerfile names golang:1.22, out of reach on purpose
                null, true);
        BackupResult result = new BackupEngine(BackupSteps.defaults(), Access.fromEnvironment(env()), Clock.systemUTC()).backup(request, new ImageWorld.Recorder());
        assertThat(result).isNotNull();
        try (ReleaseStore store = ReleaseStore.open(location, Access.fromEnvironment(env()))) {
            manifest = store.readManifest("shop", "r1");
        }
        // the Deployment's image was found on the live object and copied to the store and to the backup registry
        assertThat(manifest.images()).extracting(ImageEntry::ref).contains(refs.get("app1"));
        assertThat(manifest.kubernetes().resources()).extracting(r -> r.kind() + " " + r.name())
                .contains("Deployment web", "ConfigMap web-config");
        assertThat(manifest.source().files()).isNotEmpty();
    }

    @AfterEach
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {dr, prod, backupRegistry, s3}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // the next fixture still closes
            }
        }
    }

    static void installShop(KubernetesClient c, String image) {
        c.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build()).create();
        c.configMaps().inNamespace("shop").resource(new ConfigMapBuilder().withNewMetadata().withName("web-config")
                .addToLabels("app.kubernetes.io/part-of", "shop").endMetadata()
                .addToData("LOG_LEVEL", "info").build()).create();
        c.apps().deployments().inNamespace("shop").resource(new DeploymentBuilder()
                .withNewMetadata().withName("web").addToLabels("app", "web").addToLabels("app.kubernetes.io/part-of", "shop").endMetadata()
                .withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", "web").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage(image)
                .addNewEnv().withName("LOG_LEVEL").withNewValueFrom().withNewConfigMapKeyRef("LOG_LEVEL", "web-config", false)
                .endValueFrom().endEnv().endContainer()
                .endSpec().endTemplate().endSpec().build()).create();
    }

    Drill drill() {
        return new Drill(Access.fromEnvironment(env()), Clock.systemUTC());
    }

    DrillRequest request() {
        return new DrillRequest(location, "shop", "r1", null, null, null, insecure(), true, drConfig.toString(), "dr",
                Map.of("shop", "shop-scratch"), null, null, Duration.ofSeconds(5), false);
    }

    static DrillRecord.Check check(DrillRecord record, String name) {
        return record.checks().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    String aLayer() {
        ImageEntry app1 = manifest.images().stream().filter(i -> i.ref().equals(refs.get("app1"))).findFirst().orElseThrow();
        return app1.blobs().stream().filter(DrillImagesTest.ImageRestoreLayers::isLayer).map(b -> b.digest().toString())
                .findFirst().orElseThrow();
    }

    /** What s3proxy's filesystem blob store keeps for a store key of the location's prefix. */
    Path bucketFile(String storeKey) {
        return s3.directory().resolve(BUCKET).resolve("team").resolve(storeKey);
    }

    void assertNothingLeftOnTheDrillCluster() {
        assertThat(dr.client().namespaces().list().getItems()).isEmpty();
        assertThat(dr.client().configMaps().inAnyNamespace().list().getItems()).isEmpty();
        assertThat(dr.client().apps().deployments().inAnyNamespace().list().getItems()).isEmpty();
    }

    @Test
    void aFullDrillOfAnS3StoredReleasePassesEveryCheckAndRecordsItselfInTheBucket() {
        List<String> before = s3.objects(BUCKET);
        dev.layercake.api.result.DrillResult result = drill().run(request(), new ImageWorld.Recorder());
        DrillRecord record = result.record();

        assertThat(record.differences()).isEmpty();
        assertThat(record.checks()).extracting(DrillRecord.Check::name, DrillRecord.Check::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("integrity", DrillRecord.PASSED),
                org.assertj.core.groups.Tuple.tuple("sources", DrillRecord.PASSED),
                org.assertj.core.groups.Tuple.tuple("images", DrillRecord.PASSED),
                org.assertj.core.groups.Tuple.tuple("kubernetes", DrillRecord.PASSED),
                org.assertj.core.groups.Tuple.tuple("readiness", DrillRecord.NOT_OBSERVED),
                org.assertj.core.groups.Tuple.tuple("cleanup", DrillRecord.PASSED));
        assertThat(check(record, "images").how()).contains("checked every backup-registry copy");
        assertThat(check(record, "sources").how()).contains("git compared at " + manifest.source().commit());
        // the mock runs no pods: readiness is not observed, never passed
        assertThat(record.outcome()).isEqualTo(DrillRecord.PASSED_WITH_UNOBSERVED);
        assertThat(record.notObserved()).containsExactly("readiness");
        assertThat(record.exitCode()).isZero();

        // the record is a new key in the bucket next to the release; nothing that was there changed
        List<String> after = s3.objects(BUCKET);
        assertThat(after).containsAll(before);
        assertThat(after).hasSize(before.size() + 1);
        assertThat(after).anyMatch(o -> o.startsWith("team/" + result.recordKey() + " "));
        try (ReleaseStore store = ReleaseStore.open(location, Access.fromEnvironment(env()))) {
            assertThat(DrillRecords.latest(store, "shop", "r1")).contains(record);
        }
        assertNothingLeftOnTheDrillCluster();
    }

    @Test
    void aCorruptBlobInTheBucketFailsTheDrillNamingIt() throws Exception {
        String layer = aLayer();
        Path file = bucketFile(StoreKeys.blob(Digest.parse(layer)));
        assertThat(file).isRegularFile();
        Files.write(file, "not the layer".getBytes());

        dev.layercake.api.result.DrillResult result = drill().run(request(), new ImageWorld.Recorder());

        assertThat(result.record().outcome()).isEqualTo(DrillRecord.FAILED);
        assertThat(result.record().exitCode()).isEqualTo(1);
        assertThat(check(result.record(), "integrity").status()).isEqualTo(DrillRecord.FAILED);
        assertThat(result.record().differences()).filteredOn(d -> d.check().equals("integrity")).isNotEmpty()
                .anySatisfy(d -> {
                    assertThat(d.object()).contains(refs.get("app1"));
                    assertThat(d.expected()).isEqualTo(layer);
                    assertThat(d.found()).startsWith("corrupt");
                });
        assertNothingLeftOnTheDrillCluster();
    }

    @Test
    void anImageBlobDeletedFromTheBackupRegistryFailsTheDrillNamingIt() throws Exception {
        String layer = aLayer();
        String hex = layer.substring("sha256:".length());
        Files.delete(backupRegistry.storage().resolve("docker/registry/v2/blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex)
                .resolve("data"));

        dev.layercake.api.result.DrillResult result = drill().run(request(), new ImageWorld.Recorder());

        assertThat(result.record().outcome()).isEqualTo(DrillRecord.FAILED);
        assertThat(check(result.record(), "images").status()).isEqualTo(DrillRecord.FAILED);
        // the store's copy is intact: integrity passes, only the registry copy is named
        assertThat(check(result.record(), "integrity").status()).isEqualTo(DrillRecord.PASSED);
        assertThat(result.record().differences()).isNotEmpty().allSatisfy(d -> {
            assertThat(d.check()).isEqualTo("images");
            assertThat(d.object()).contains("registry copy " + backupRegistry.host());
            assertThat(d.expected()).isEqualTo(layer);
            assertThat(d.found()).startsWith("missing");
        });
        assertNothingLeftOnTheDrillCluster();
    }

    @Test
    void anObjectChangedBehindTheDrillsBackFailsItNamingTheField() {
        dev.layercake.api.result.DrillResult result = drill().beforeReadBack(client -> client.apps().deployments().inNamespace("shop-scratch").withName("web")
                        .edit(d -> { d.getSpec().setReplicas(7); return d; }))
                .run(request(), new ImageWorld.Recorder());

        assertThat(result.record().outcome()).isEqualTo(DrillRecord.FAILED);
        assertThat(check(result.record(), "kubernetes").status()).isEqualTo(DrillRecord.FAILED);
        assertThat(result.record().differences()).singleElement().satisfies(d -> {
            assertThat(d.check()).isEqualTo("kubernetes");
            assertThat(d.object()).isEqualTo("Deployment shop-scratch/web");
            assertThat(d.field()).isEqualTo("/spec/replicas");
            assertThat(d.expected()).isEqualTo("2");
            assertThat(d.found()).isEqualTo("7");
        });
        assertNothingLeftOnTheDrillCluster();
    }
}
