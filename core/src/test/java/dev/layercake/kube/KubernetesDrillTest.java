package dev.layercake.kube;

import dev.layercake.api.access.Access;
import dev.layercake.LayercakeException;
import dev.layercake.api.request.KubernetesOptions;
import dev.layercake.drill.Drill;
import dev.layercake.api.result.DrillRecord;
import dev.layercake.drill.DrillRecords;
import dev.layercake.api.request.DrillRequest;
import dev.layercake.model.KubernetesResource;
import dev.layercake.store.ReleaseStore;
import dev.layercake.store.StoreKeys;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.testing.KubernetesMockServerFixture;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Drills of the shop app captured from one mock API server, into scratch namespaces on another. */
class KubernetesDrillTest {

    @TempDir
    Path tmp;

    KubernetesMockServerFixture source;
    KubernetesMockServerFixture target;
    StoreLocation location;
    Path targetConfig;

    Map<String, String> env() {
        return Map.of("LAYERCAKE_ENCRYPTION_KEY", Base64.getEncoder().encodeToString(KubernetesRoundTripTest.KEY));
    }

    @BeforeEach
    void start() {
        source = KubernetesMockServerFixture.start();
        target = KubernetesMockServerFixture.start();
        ShopApp.install(source.client());
        Path kubeconfig = source.writeKubeconfig(tmp.resolve("source.yaml"), "prod");
        targetConfig = target.writeKubeconfig(tmp.resolve("target.yaml"), "dr");
        location = StoreLocation.parse(tmp.resolve("store").toString());
        try (ReleaseStore store = ReleaseStore.open(location)) {
            KubeTestSupport.backup(store, "shop", "r1", new KubernetesOptions(kubeconfig.toString(), null,
                    List.of("shop-front", "shop-data"), List.of(), KubernetesOptions.ENCRYPT, null, null), env(), null,
                    new KubeTestSupport.Recorder());
        }
    }

    @AfterEach
    void stop() {
        source.close();
        target.close();
    }

    DrillRequest request(Map<String, String> mapping, boolean keep) {
        return new DrillRequest(location, "shop", "r1", null, null, null, List.of(), true, targetConfig.toString(), "dr", mapping,
                null, null, Duration.ofSeconds(5), keep);
    }

    Drill drill() {
        return new Drill(Access.fromEnvironment(env()), Clock.systemUTC());
    }

    @Test
    void aFullDrillPassesRecordsItselfAndLeavesNothingBehind() {
        KubeTestSupport.Recorder recorder = new KubeTestSupport.Recorder();
        dev.layercake.api.result.DrillResult result = drill().run(request(Map.of(), false), recorder);
        DrillRecord record = result.record();

        assertThat(record.differences()).isEmpty();
        // nothing failed, but the mock runs no pods: the outcome says so, never plain "passed"
        assertThat(record.outcome()).isEqualTo(DrillRecord.PASSED_WITH_UNOBSERVED);
        assertThat(record.passed()).isFalse();
        assertThat(record.exitCode()).isZero();
        assertThat(record.checks()).extracting(DrillRecord.Check::name, DrillRecord.Check::status).contains(
                org.assertj.core.groups.Tuple.tuple("integrity", DrillRecord.PASSED),
                org.assertj.core.groups.Tuple.tuple("kubernetes", DrillRecord.PASSED),
                org.assertj.core.groups.Tuple.tuple("readiness", DrillRecord.NOT_OBSERVED),
                org.assertj.core.groups.Tuple.tuple("cleanup", DrillRecord.PASSED));
        // the mock runs no pods: readiness is said to be not observed, never passed
        assertThat(record.notObserved()).containsExactly("readiness");
        DrillRecord.Check kube = record.checks().stream().filter(c -> c.name().equals("kubernetes")).findFirst().orElseThrow();
        assertThat(kube.how()).contains(ShopApp.EXPECTED.size() + " object(s) created");
        // the record is in the store next to the release and reads back as the latest
        try (ReleaseStore store = ReleaseStore.open(location)) {
            assertThat(result.recordKey()).startsWith(StoreKeys.releaseDir("shop", "r1") + "drills/").endsWith(".json");
            assertThat(DrillRecords.latest(store, "shop", "r1")).contains(record);
        }
        // clean-up: no drill namespace or drill-labelled object is left on the target
        assertThat(target.client().namespaces().list().getItems()).noneMatch(n -> n.getMetadata().getName().contains("-drill-"));
        assertThat(target.client().apps().deployments().inAnyNamespace().list().getItems()).isEmpty();
    }

    @Test
    void anObjectChangedBehindTheDrillsBackFailsItNamingTheField() {
        String ns = "front-scratch";
        dev.layercake.api.result.DrillResult result = drill().beforeReadBack(client -> client.configMaps().inNamespace(ns).withName("web-config")
                        .edit(cm -> { cm.getData().put("LOG_LEVEL", "tampered"); return cm; }))
                .run(request(Map.of("shop-front", ns, "shop-data", "data-scratch"), false), new KubeTestSupport.Recorder());

        assertThat(result.record().outcome()).isEqualTo(DrillRecord.FAILED);
        assertThat(result.record().exitCode()).isEqualTo(1);
        assertThat(result.record().differences()).singleElement().satisfies(d -> {
            assertThat(d.object()).isEqualTo("ConfigMap " + ns + "/web-config");
            assertThat(d.field()).isEqualTo("/data/LOG_LEVEL");
            assertThat(d.found()).isEqualTo("tampered");
        });
    }

    @Test
    void aScratchNamespaceThatIsNotTheDrillsIsRefusedAndLeftAlone() {
        target.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("busy").endMetadata().build()).create();
        assertThatThrownBy(() -> drill().run(request(Map.of("shop-front", "busy"), false), new KubeTestSupport.Recorder()))
                .isInstanceOf(LayercakeException.class)
                .hasMessageContaining("scratch namespace busy already exists").hasMessageContaining("--namespace-mapping");
        assertThat(target.client().namespaces().withName("busy").get()).isNotNull();
        assertThat(target.client().configMaps().inAnyNamespace().list().getItems()).isEmpty();
    }

    @Test
    void noRbacToCreateNamespacesIsAClearErrorNamingTheNamespaceThePermissionAndTheFix() {
        // the user's own namespace and object on the target, which the drill must leave exactly as they are
        target.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("users").endMetadata().build()).create();
        target.client().configMaps().inNamespace("users").resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata().withName("mine").endMetadata().addToData("k", "v").build()).create();
        String usersVersion = target.client().configMaps().inNamespace("users").withName("mine").get().getMetadata().getResourceVersion();
        // an RBAC stand-in: this identity may do everything but create namespaces
        target.authorizer(r -> r.method().equals("POST") && r.path().split("\\?")[0].equals("/api/v1/namespaces")
                ? "User \"tester\" cannot create resource \"namespaces\" in API group \"\" at the cluster scope" : null);

        assertThatThrownBy(() -> drill().run(request(Map.of("shop-front", "front-scratch", "shop-data", "data-scratch"), false),
                new KubeTestSupport.Recorder()))
                .isInstanceOf(LayercakeException.class)
                .satisfies(e -> assertThat(((LayercakeException) e).exitCode()).isNotZero())
                .hasMessageContaining("scratch namespace front-scratch").hasMessageContaining("context dr")
                .hasMessageContaining("permission to create namespaces").hasMessageContaining("verbs: [create]")
                .hasMessageContaining("--context")
                .hasMessageNotContaining("--existing skip");
        target.authorizer(null);

        // nothing of the user's touched, nothing of the drill's left, no record
        assertThat(target.client().namespaces().list().getItems()).extracting(n -> n.getMetadata().getName()).containsExactly("users");
        assertThat(target.client().configMaps().inAnyNamespace().list().getItems()).singleElement().satisfies(cm -> {
            assertThat(cm.getMetadata().getName()).isEqualTo("mine");
            assertThat(cm.getMetadata().getResourceVersion()).isEqualTo(usersVersion);
        });
        assertThat(target.client().genericKubernetesResources("apiextensions.k8s.io/v1", "CustomResourceDefinition").list().getItems()
                .stream().filter(c -> c.getMetadata().getLabels() != null && c.getMetadata().getLabels().containsKey(Drill.LABEL_DRILL)))
                .isEmpty();
        assertThat(target.client().rbac().clusterRoles().list().getItems()).noneMatch(c -> c.getMetadata().getLabels() != null
                && c.getMetadata().getLabels().containsKey(Drill.LABEL_DRILL));
        try (ReleaseStore store = ReleaseStore.open(location)) {
            assertThat(DrillRecords.list(store, "shop", "r1")).isEmpty();
        }
    }

    @Test
    void leftoversOfAKilledDrillAreRemovedByTheNextOne() {
        dev.layercake.api.result.DrillResult kept = drill().run(request(Map.of(), true), new KubeTestSupport.Recorder());
        assertThat(kept.record().nothingFailed()).isTrue();
        long left = target.client().namespaces().list().getItems().stream()
                .filter(n -> n.getMetadata().getLabels() != null && n.getMetadata().getLabels().containsKey(Drill.LABEL_DRILL)).count();
        assertThat(left).isEqualTo(2);
        // a foreign object in the same cluster is never touched
        target.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("users").endMetadata().build()).create();

        dev.layercake.api.result.DrillResult next = drill().run(request(Map.of(), false), new KubeTestSupport.Recorder());

        assertThat(next.record().nothingFailed()).isTrue();
        assertThat(next.record().checks().stream().filter(c -> c.name().equals("kubernetes")).findFirst().orElseThrow().how())
                .contains("leftover object(s) of an earlier drill");
        assertThat(target.client().namespaces().list().getItems()).extracting(n -> n.getMetadata().getName()).containsExactly("users");
    }

    @Test
    void aCorruptObjectBlobFailsIntegrityNamingIt() throws Exception {
        KubernetesResource secret;
        try (ReleaseStore store = ReleaseStore.open(location)) {
            secret = store.readManifest("shop", "r1").kubernetes().resources().stream()
                    .filter(r -> r.kind().equals("Secret")).findFirst().orElseThrow();
        }
        Path blob = tmp.resolve("store").resolve(StoreKeys.blob(secret.digest()));
        blob.toFile().setWritable(true);
        Files.write(blob, "{}".getBytes());

        dev.layercake.api.result.DrillResult result = drill().run(request(Map.of(), false), new KubeTestSupport.Recorder());

        assertThat(result.record().outcome()).isEqualTo(DrillRecord.FAILED);
        assertThat(result.record().differences()).filteredOn(d -> d.check().equals("integrity")).singleElement().satisfies(d -> {
            assertThat(d.object()).isEqualTo("kubernetes " + secret.describe());
            assertThat(d.expected()).isEqualTo(secret.digest().toString());
            assertThat(d.found()).startsWith("corrupt");
        });
        // the restore refuses the corrupt object before writing anything
        assertThat(result.record().checks()).filteredOn(c -> c.name().equals("kubernetes")).singleElement()
                .satisfies(c -> assertThat(c.status()).isEqualTo(DrillRecord.FAILED));
        assertThat(target.client().namespaces().list().getItems()).isEmpty();
    }

    @Test
    void anUnknownReleaseIsAClearErrorAndWritesNoRecord() {
        DrillRequest unknown = new DrillRequest(location, "shop", "r9", null, null, null, List.of(), true, targetConfig.toString(), "dr",
                Map.of(), null, null, Duration.ofSeconds(5), false);
        assertThatThrownBy(() -> drill().run(unknown, new KubeTestSupport.Recorder()))
                .isInstanceOf(LayercakeException.class).hasMessageContaining("release shop/r9 does not exist").hasMessageContaining("r1");
        try (ReleaseStore store = ReleaseStore.open(location)) {
            assertThat(DrillRecords.list(store, "shop", "r1")).isEmpty();
        }
        assertThat(target.client().namespaces().list().getItems()).isEmpty();
    }

    @Test
    void anUnreachableClusterFailsBeforeAnyCheckAndWritesNoRecord() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path gone = tmp.resolve("gone.yaml");
        Files.writeString(gone, Files.readString(targetConfig).replace(target.url(), "http://127.0.0.1:" + port));
        DrillRequest request = new DrillRequest(location, "shop", "r1", null, null, null, List.of(), true, gone.toString(), "dr",
                Map.of(), null, null, Duration.ofSeconds(5), false);
        assertThatThrownBy(() -> drill().run(request, new KubeTestSupport.Recorder()))
                .isInstanceOf(LayercakeException.class).hasMessageContaining("cannot be reached").hasMessageContaining("context dr")
                .satisfies(e -> assertThat(((LayercakeException) e).exitCode()).isNotZero());
        try (ReleaseStore store = ReleaseStore.open(location)) {
            assertThat(DrillRecords.list(store, "shop", "r1")).isEmpty();
        }
    }

    @Test
    void kindsTheTargetDoesNotServeAreNamedAndNothingIsApplied() {
        // the release's Widget CRD is restored first, so a kind only a CRD outside the release defines is needed:
        // a target that does not serve HorizontalPodAutoscaler stands in for it
        target.fail("GET", "/apis/autoscaling", 404);
        assertThatThrownBy(() -> drill().run(request(Map.of(), false), new KubeTestSupport.Recorder()))
                .isInstanceOf(LayercakeException.class).hasMessageContaining("does not serve")
                .hasMessageContaining("HorizontalPodAutoscaler").hasMessageContaining("nothing was applied");
        target.allowAll();
        assertThat(target.client().namespaces().list().getItems()).isEmpty();
        assertThat(target.client().configMaps().inAnyNamespace().list().getItems()).isEmpty();
        try (ReleaseStore store = ReleaseStore.open(location)) {
            assertThat(DrillRecords.list(store, "shop", "r1")).isEmpty();
        }
    }

    @Test
    void aDrillKilledMidwayLeavesOnlyLabelledObjectsAndDrillCleanRemovesThem() {
        target.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("users").endMetadata().build()).create();
        target.client().configMaps().inNamespace("users").resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata().withName("mine").endMetadata().addToData("k", "v").build()).create();
        // killed after applying, before its clean-up could run: every delete from then on fails, and the drill dies
        assertThatThrownBy(() -> drill().beforeReadBack(client -> {
            target.authorizer(r -> r.method().equals("DELETE") ? "the drill process was killed" : null);
            throw new IllegalStateException("killed midway");
        }).run(request(Map.of(), false), new KubeTestSupport.Recorder())).isInstanceOf(RuntimeException.class);
        target.authorizer(null);

        List<String> left = target.client().namespaces().list().getItems().stream()
                .filter(n -> n.getMetadata().getLabels() != null && n.getMetadata().getLabels().containsKey(Drill.LABEL_DRILL))
                .map(n -> n.getMetadata().getName()).toList();
        assertThat(left).hasSize(2).allMatch(n -> n.contains("-drill-"));
        assertThat(target.client().configMaps().inAnyNamespace().list().getItems()).hasSizeGreaterThan(1);
        try (ReleaseStore store = ReleaseStore.open(location)) {
            assertThat(DrillRecords.list(store, "shop", "r1")).isEmpty(); // a killed drill recorded nothing
        }

        int removed = drill().clean(request(Map.of(), false), new KubeTestSupport.Recorder());

        assertThat(removed).isGreaterThan(2);
        assertThat(target.client().namespaces().list().getItems()).extracting(n -> n.getMetadata().getName()).containsExactly("users");
        assertThat(target.client().configMaps().inAnyNamespace().list().getItems()).extracting(c -> c.getMetadata().getName())
                .containsExactly("mine");
        assertThat(target.client().rbac().clusterRoles().list().getItems()).noneMatch(c -> c.getMetadata().getLabels() != null
                && c.getMetadata().getLabels().containsKey(Drill.LABEL_DRILL));
    }

    @Test
    void drillCleanRemovesOnlyLabelledObjects() {
        drill().run(request(Map.of(), true), new KubeTestSupport.Recorder());
        target.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("users").endMetadata().build()).create();
        int removed = drill().clean(request(Map.of(), false), new KubeTestSupport.Recorder());
        assertThat(removed).isGreaterThan(2);
        assertThat(target.client().namespaces().list().getItems()).extracting(n -> n.getMetadata().getName()).containsExactly("users");
    }
}
