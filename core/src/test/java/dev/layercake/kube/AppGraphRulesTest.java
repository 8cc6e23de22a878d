package dev.layercake.kube;

import dev.layercake.api.request.KubernetesOptions;
import dev.layercake.store.ReleaseStore;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.testing.KubernetesMockServerFixture;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application graph's rules, one object for each: what a controller generated is left to the
 * controller, what is unowned is kept, what the pods use or what selects them is pulled in, a Node never.
 */
class AppGraphRulesTest {

    @TempDir
    Path tmp;

    KubernetesMockServerFixture server;

    static final String APP = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: api, namespace: graph, labels: {app.kubernetes.io/part-of: shop}}
            spec:
              selector: {matchLabels: {app: api}}
              template:
                metadata: {labels: {app: api, tier: backend}}
                spec:
                  imagePullSecrets: [{name: registry-login}]
                  containers: [{name: api, image: registry.example.com/shop/api:2.0}]
                  volumes: [{name: cache, persistentVolumeClaim: {claimName: api-cache}}]
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: registry-login, namespace: graph}
            type: kubernetes.io/dockerconfigjson
            data: {.dockerconfigjson: e30=}
            ---
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: api-cache, namespace: graph}
            spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
            ---
            apiVersion: apps/v1
            kind: ReplicaSet
            metadata: {name: api-6d4cf56db6, namespace: graph, labels: {app.kubernetes.io/part-of: shop}}
            spec:
              selector: {matchLabels: {app: api}}
              template:
                metadata: {labels: {app: api}}
                spec: {containers: [{name: api, image: registry.example.com/shop/api:2.0}]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: debug-shell, namespace: graph, labels: {app.kubernetes.io/part-of: shop}}
            spec: {containers: [{name: sh, image: registry.example.com/tools/shell:1}]}
            ---
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: nightly, namespace: graph, labels: {app.kubernetes.io/part-of: shop}}
            spec:
              schedule: "0 3 * * *"
              jobTemplate:
                spec:
                  template:
                    spec: {restartPolicy: Never, containers: [{name: report, image: registry.example.com/shop/report:1}]}
            ---
            apiVersion: batch/v1
            kind: Job
            metadata: {name: nightly-28990000, namespace: graph, labels: {app.kubernetes.io/part-of: shop}}
            spec:
              template:
                spec: {restartPolicy: Never, containers: [{name: report, image: registry.example.com/shop/report:1}]}
            ---
            apiVersion: batch/v1
            kind: Job
            metadata: {name: migrate-once, namespace: graph, labels: {app.kubernetes.io/part-of: shop}}
            spec:
              template:
                spec: {restartPolicy: Never, containers: [{name: migrate, image: registry.example.com/shop/migrate:1}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: api, namespace: graph}
            spec: {selector: {app: api}, ports: [{port: 80}]}
            ---
            apiVersion: v1
            kind: Endpoints
            metadata: {name: api, namespace: graph, labels: {app.kubernetes.io/part-of: shop}}
            subsets: [{addresses: [{ip: 10.1.2.3}], ports: [{port: 80}]}]
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: api-x7k2p, namespace: graph, labels: {app.kubernetes.io/part-of: shop, kubernetes.io/service-name: api}}
            addressType: IPv4
            endpoints: [{addresses: [10.1.2.3]}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: api-ingress, namespace: graph}
            spec: {podSelector: {matchLabels: {tier: backend}}, policyTypes: [Ingress]}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: someone-else, namespace: graph}
            spec: {podSelector: {matchLabels: {app: billing}}, policyTypes: [Ingress]}
            ---
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata: {name: api, namespace: graph}
            spec: {minAvailable: 1, selector: {matchLabels: {app: api}}}
            ---
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata: {name: billing, namespace: graph}
            spec: {minAvailable: 1, selector: {matchLabels: {app: billing}}}
            ---
            apiVersion: v1
            kind: Node
            metadata: {name: worker-1, labels: {app.kubernetes.io/part-of: shop}}
            """;

    @BeforeEach
    void start() {
        server = KubernetesMockServerFixture.start();
        server.client().namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata().withName("graph").endMetadata().build()).create();
        ShopApp.create(server.client(), APP);
        // Owner references as the controllers set them (uids of the live owners).
        own("apps/v1", "ReplicaSet", "api-6d4cf56db6", "apps/v1", "Deployment", "api");
        own("batch/v1", "Job", "nightly-28990000", "batch/v1", "CronJob", "nightly");
        own("discovery.k8s.io/v1", "EndpointSlice", "api-x7k2p", "v1", "Service", "api");
    }

    private void own(String apiVersion, String kind, String name, String ownerApiVersion, String ownerKind, String ownerName) {
        HasMetadata owner = server.client().genericKubernetesResources(ownerApiVersion, ownerKind).inNamespace("graph").withName(ownerName).get();
        server.client().genericKubernetesResources(apiVersion, kind).inNamespace("graph").withName(name).edit(o -> {
            o.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder().withApiVersion(ownerApiVersion).withKind(ownerKind)
                    .withName(ownerName).withUid(owner.getMetadata().getUid()).withController(true).build()));
            return o;
        });
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void followsTheGraphAndLeavesGeneratedObjectsToTheirControllers() throws Exception {
        Path kubeconfig = server.writeKubeconfig(tmp.resolve("kubeconfig"), "prod");
        ReleaseStore store = ReleaseStore.open(StoreLocation.parse(tmp.resolve("store").toString()));
        KubeTestSupport.Captured captured = KubeTestSupport.backup(store, "shop", "r1",
                new KubernetesOptions(kubeconfig.toString(), null, List.of("graph"), List.of(), KubernetesOptions.PLAIN, null, null),
                Map.of(), null, new KubeTestSupport.Recorder());

        List<String> ids = captured.manifest().kubernetes().resources().stream()
                .map(r -> new ObjectId(ObjectId.groupOf(r.apiVersion()), r.kind(), r.namespace(), r.name()).toString()).toList();
        assertThat(ids).containsExactlyInAnyOrder(
                "Deployment graph/api",
                "Secret graph/registry-login",                 // imagePullSecrets of the pod template
                "PersistentVolumeClaim graph/api-cache",        // a volume of the pod template
                "Pod graph/debug-shell",                        // labelled and unowned: kept
                "CronJob graph/nightly",
                "Job graph/migrate-once",                       // labelled and unowned: kept
                "Service graph/api",                            // selects the app's pods
                "NetworkPolicy graph/api-ingress",              // selects the app's pods
                "PodDisruptionBudget graph/api",                // selects the app's pods
                "Namespace graph");
        // Never: the ReplicaSet of the Deployment, the Job of the CronJob, the Service's Endpoints and
        // EndpointSlice, policies selecting someone else's pods, and a Node however it is labelled.
        assertThat(captured.images()).containsKeys("registry.example.com/shop/api:2.0", "registry.example.com/shop/report:1",
                "registry.example.com/shop/migrate:1", "registry.example.com/tools/shell:1");
    }
}
