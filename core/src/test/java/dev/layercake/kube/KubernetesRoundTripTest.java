package dev.layercake.kube;

import dev.layercake.restore.KubeRestoreTargets;
import dev.layercake.api.access.Access;
import dev.layercake.api.result.KubernetesRestoreReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.layercake.api.request.KubernetesOptions;
import dev.layercake.model.Json;
import dev.layercake.model.KubernetesResource;
import dev.layercake.api.request.RestoreRequest;
import dev.layercake.store.ReleaseStore;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.testing.KubernetesMockServerFixture;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class KubernetesRoundTripTest {

    static final byte[] KEY = new byte[32];

    static {
        for (int i = 0; i < KEY.length; i++) {
            KEY[i] = (byte) (i * 7 + 3);
        }
    }

    @TempDir
    Path tmp;

    KubernetesMockServerFixture source;
    KubernetesMockServerFixture target;

    @BeforeEach
    void start() {
        source = KubernetesMockServerFixture.start();
        target = KubernetesMockServerFixture.start();
        ShopApp.install(source.client());
    }

    @AfterEach
    void stop() {
        source.close();
        target.close();
    }

    Map<String, String> env() {
        return Map.of("LAYERCAKE_ENCRYPTION_KEY", Base64.getEncoder().encodeToString(KEY));
    }

    @Test
    void capturesTheAppAndRestoresItIntoNewNamespacesOnAnotherCluster() throws IOException {
        Path kubeconfig = source.writeKubeconfig(tmp.resolve("source.yaml"), "prod");
        Path targetConfig = target.writeKubeconfig(tmp.resolve("target.yaml"), "dr");
        KubeTestSupport.Recorder recorder = new KubeTestSupport.Recorder();
        ReleaseStore store = ReleaseStore.open(StoreLocation.parse(tmp.resolve("store").toString()));
        KubernetesOptions options = new KubernetesOptions(kubeconfig.toString(), null, List.of("shop-front", "shop-data"),
                List.of(), KubernetesOptions.ENCRYPT, null, null);

        KubeTestSupport.Captured captured = KubeTestSupport.backup(store, "shop", "r1", options, env(), null, recorder);

        List<String> ids = captured.manifest().kubernetes().resources().stream()
                .map(r -> new ObjectId(ObjectId.groupOf(r.apiVersion()), r.kind(), r.namespace(), r.name()).toString()).toList();
        assertThat(ids).containsExactlyInAnyOrderElementsOf(ShopApp.EXPECTED);
        assertThat(captured.manifest().kubernetes().context()).isEqualTo("prod");
        assertThat(captured.manifest().kubernetes().encryptionKeyId()).isEqualTo(SecretCipher.ofKey(KEY).keyId());
        assertThat(captured.images()).containsOnlyKeys("registry.example.com/shop/web:1.4.2", "registry.example.com/shop/db:16.2");
        assertThat(captured.images().get("registry.example.com/shop/web:1.4.2")).containsExactly("Deployment shop-front/web");

        // each object its own digest; all but the Secret in one pack, the Secret a blob of its own; managedFields
        // gone; the Secret's values unreadable in the store
        List<KubernetesResource> resources = captured.manifest().kubernetes().resources();
        assertThat(resources).filteredOn(r -> r.kind().equals("Secret")).singleElement().satisfies(r -> assertThat(r.pack()).isNull());
        assertThat(resources).filteredOn(r -> !r.kind().equals("Secret")).extracting(r -> r.pack().digest())
                .hasSize(ShopApp.EXPECTED.size() - 1).containsOnly(resources.get(0).pack().digest());
        for (KubernetesResource r : resources) {
            JsonNode stored = Json.mapper().readTree(r.pack() == null ? store.readBlob(r.digest()) : store.readPacked(r.digest(), r.pack()));
            assertThat(stored.path("metadata").has("managedFields")).isFalse();
            assertThat(r.encrypted()).isEqualTo(r.kind().equals("Secret"));
        }
        try (Stream<Path> files = Files.walk(tmp.resolve("store"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String text = Files.readString(f, StandardCharsets.ISO_8859_1);
                assertThat(text).doesNotContain(ShopApp.SECRET_PASSWORD, ShopApp.SECRET_TOKEN, "czNjcjN0LXBhNTV3MHJk");
            }
        }

        RestoreRequest.KubernetesTarget restoreTarget = new RestoreRequest.KubernetesTarget(true, targetConfig.toString(), "dr",
                Map.of("shop-front", "front-restored", "shop-data", "data-restored"), "skip", false, null, null, null);
        KubernetesRestoreReport report = new KubernetesRestore(store, captured.manifest(), captured.digest(), KubeRestoreTargets.of(restoreTarget), false,
                recorder, Access.fromEnvironment(env())).run();

        assertThat(report.failed()).isEmpty();
        assertThat(report.applied()).hasSize(ShopApp.EXPECTED.size());
        assertThat(report.entries().get(0).kind()).isEqualTo("CustomResourceDefinition");
        Map<String, String> mapping = restoreTarget.namespaceMapping();
        for (KubernetesResource r : captured.manifest().kubernetes().resources()) {
            ObjectNode original = (ObjectNode) Json.mapper().valueToTree(get(source, r.apiVersion(), r.kind(), r.namespace(), r.name()));
            String newNs = r.namespace() == null ? null : mapping.get(r.namespace());
            String newName = r.kind().equals("Namespace") ? mapping.get(r.name()) : r.name();
            GenericKubernetesResource restored = get(target, r.apiVersion(), r.kind(), newNs, newName);
            assertThat(restored).as("restored " + r.kind() + " " + newName).isNotNull();
            assertThat(restored.getMetadata().getAnnotations()).containsEntry(KubeRules.ANNOTATION_RELEASE, "r1")
                    .containsEntry(KubeRules.ANNOTATION_APP, "shop")
                    .containsEntry(KubeRules.ANNOTATION_MANIFEST, captured.digest().toString());
            KubernetesRestore.mapNamespaces(original, mapping);
            JsonNode expected = Sanitizer.forComparison(original);
            JsonNode actual = Sanitizer.forComparison(Json.mapper().valueToTree(restored));
            assertThat(ObjectDiff.full(expected, actual, false)).as(r.kind() + " " + r.name()).isEmpty();
        }
        GenericKubernetesResource secret = get(target, "v1", "Secret", "front-restored", "db-credentials");
        assertThat(((Map<?, ?>) secret.getAdditionalProperties().get("data")).get("password")).isEqualTo("czNjcjN0LXBhNTV3MHJk");
        assertThat(((Map<?, ?>) secret.getAdditionalProperties().get("stringData")).get("token")).isEqualTo(ShopApp.SECRET_TOKEN);
        assertThat(secret.getMetadata().getAnnotations().get(SecretCipher.LAST_APPLIED)).contains(ShopApp.SECRET_TOKEN);
        // sanitized on the way: cluster IPs re-allocated except headless, node ports dropped, PVC binding dropped
        JsonNode web = Json.mapper().valueToTree(get(target, "v1", "Service", "front-restored", "web"));
        assertThat(web.path("spec").has("clusterIP")).isFalse();
        JsonNode db = Json.mapper().valueToTree(get(target, "v1", "Service", "data-restored", "db"));
        assertThat(db.path("spec").path("clusterIP").asText()).isEqualTo("None");
        JsonNode publicSvc = Json.mapper().valueToTree(get(target, "v1", "Service", "front-restored", "web-public"));
        assertThat(publicSvc.path("spec").path("ports").get(0).has("nodePort")).isFalse();
        JsonNode pvc = Json.mapper().valueToTree(get(target, "v1", "PersistentVolumeClaim", "data-restored", "data-db-0"));
        assertThat(pvc.path("spec").has("volumeName")).isFalse();
        JsonNode binding = Json.mapper().valueToTree(get(target, "rbac.authorization.k8s.io/v1", "RoleBinding", "front-restored", "web-reader"));
        assertThat(binding.path("subjects").get(0).path("namespace").asText()).isEqualTo("front-restored");
        // the other app stayed home
        assertThat(get(target, "apps/v1", "Deployment", "front-restored", "other-web")).isNull();
    }

    /**
     * The next release stores only what changed: the edited ConfigMap (in a new pack) and the Secret, whose
     * encryption is new each time (fresh nonce; a blob of its own). Everything else points into the first release's
     * pack. Both releases verify; once r1 is pruned and collected, its Secret is gone but its pack stays for r2.
     */
    @Test
    void theNextReleaseStoresOnlyWhatChangedAndPointsIntoTheLastPackForTheRest() throws IOException {
        Path kubeconfig = source.writeKubeconfig(tmp.resolve("source.yaml"), "prod");
        KubernetesOptions options = new KubernetesOptions(kubeconfig.toString(), null, List.of("shop-front", "shop-data"),
                List.of(), KubernetesOptions.ENCRYPT, null, null);
        KubeTestSupport.Recorder recorder = new KubeTestSupport.Recorder();
        try (ReleaseStore store = ReleaseStore.open(StoreLocation.parse(tmp.resolve("store").toString()))) {
            KubeTestSupport.Captured first = KubeTestSupport.backup(store, "shop", "r1", options, env(), null, recorder);
            List<String> blobsAfterFirst = store.objects().list("blobs/").stream().map(o -> o.key()).toList();
            assertThat(blobsAfterFirst).as("one pack for the whole capture, and the Secret").hasSize(2);

            source.client().configMaps().inNamespace("shop-front").withName("web-config")
                    .edit(cm -> { cm.getData().put("greeting", "hi"); return cm; });
            KubeTestSupport.Captured second = KubeTestSupport.backup(store, "shop", "r2", options, env(), null, recorder);

            List<String> blobsAfterSecond = store.objects().list("blobs/").stream().map(o -> o.key()).toList();
            assertThat(blobsAfterSecond).as("a new pack for the changed ConfigMap, the re-encrypted Secret").hasSize(4);
            Map<String, KubernetesResource> before = byName(first.manifest().kubernetes().resources());
            Map<String, KubernetesResource> after = byName(second.manifest().kubernetes().resources());
            assertThat(after.keySet()).isEqualTo(before.keySet());
            for (Map.Entry<String, KubernetesResource> e : after.entrySet()) {
                if (e.getKey().startsWith("Secret ")) {
                    assertThat(e.getValue().pack()).as(e.getKey()).isNull();
                    assertThat(e.getValue().digest()).as(e.getKey()).isNotEqualTo(before.get(e.getKey()).digest());
                } else if (e.getKey().equals("ConfigMap shop-front/web-config")) {
                    assertThat(e.getValue().pack().digest()).as(e.getKey()).isNotEqualTo(before.get(e.getKey()).pack().digest());
                } else {
                    assertThat(e.getValue().pack()).as(e.getKey()).isEqualTo(before.get(e.getKey()).pack());
                }
            }
            assertThat(second.manifest().referencedBlobs()).as("the first pack, the new one, the Secret").hasSize(3);
            for (String release : List.of("r1", "r2")) {
                assertThat(new dev.layercake.verify.ReleaseVerifier(store, recorder).verify("shop", release).ok()).as(release).isTrue();
            }
            JsonNode greeting = Json.mapper().readTree(store.readPacked(after.get("ConfigMap shop-front/web-config").digest(),
                    after.get("ConfigMap shop-front/web-config").pack()));
            assertThat(greeting.path("data").path("greeting").asText()).isEqualTo("hi");

            // r1 pruned and collected: its pack stays, because r2 points into it
            dev.layercake.retention.Pruner.prune(store, "shop", 1, null, false, recorder);
            assertThat(store.listReleases("shop")).containsExactly("r2");
            dev.layercake.retention.GarbageCollector.collect(store, java.time.Duration.ZERO, false, recorder);
            assertThat(store.objects().list("blobs/")).hasSize(3);
            assertThat(store.hasBlob(before.get("Secret shop-front/db-credentials").digest())).as("r1's Secret went with r1").isFalse();
            assertThat(store.hasBlob(before.get("Service shop-front/web").pack().digest())).as("r1's pack, named by r2").isTrue();
            assertThat(new dev.layercake.verify.ReleaseVerifier(store, recorder).verify("shop", "r2").ok()).isTrue();
        }
    }

    private static Map<String, KubernetesResource> byName(List<KubernetesResource> resources) {
        Map<String, KubernetesResource> out = new java.util.TreeMap<>();
        resources.forEach(r -> out.put(r.describe(), r));
        return out;
    }

    static GenericKubernetesResource get(KubernetesMockServerFixture server, String apiVersion, String kind, String ns, String name) {
        var op = server.client().genericKubernetesResources(apiVersion, kind);
        return ns == null ? op.withName(name).get() : op.inNamespace(ns).withName(name).get();
    }
}
