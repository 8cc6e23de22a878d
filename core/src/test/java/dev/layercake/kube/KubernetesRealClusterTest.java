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
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The round trip against a real cluster: opt-in by design (set LAYERCAKE_IT_KUBECONFIG, and optionally
 * LAYERCAKE_IT_CONTEXT); skipped otherwise, also under CI. It works in two fresh namespaces it deletes
 * afterwards; workloads run zero replicas so no image is pulled.
 */
class KubernetesRealClusterTest {

    static final String APP = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: NS}
            ---
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: web, namespace: NS}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata: {name: web-reader, namespace: NS}
            rules: [{apiGroups: [""], resources: [configmaps], verbs: [get]}]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: web-reader, namespace: NS}
            subjects: [{kind: ServiceAccount, name: web, namespace: NS}]
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: web-reader}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: web-config, namespace: NS}
            data: {greeting: hola}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: db-credentials, namespace: NS}
            type: Opaque
            data: {password: czNjcjN0LXBhNTV3MHJk}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: NS, labels: {app.kubernetes.io/part-of: lc-it}}
            spec:
              replicas: 0
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  serviceAccountName: web
                  containers:
                  - name: web
                    image: registry.invalid/shop/web:1.0
                    envFrom: [{configMapRef: {name: web-config}}]
                    env: [{name: P, valueFrom: {secretKeyRef: {name: db-credentials, key: password}}}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: NS}
            spec: {selector: {app: web}, ports: [{port: 80}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web-public, namespace: NS, labels: {app.kubernetes.io/part-of: lc-it}}
            spec: {type: NodePort, selector: {app: web}, ports: [{port: 80}]}
            ---
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: db, namespace: NS, labels: {app.kubernetes.io/part-of: lc-it}}
            spec:
              replicas: 0
              serviceName: db
              selector: {matchLabels: {app: db}}
              template:
                metadata: {labels: {app: db}}
                spec: {containers: [{name: db, image: registry.invalid/shop/db:1.0}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: db, namespace: NS}
            spec: {clusterIP: None, selector: {app: db}, ports: [{port: 5432}]}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: web, namespace: NS}
            spec:
              rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
            ---
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: web, namespace: NS}
            spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, minReplicas: 1, maxReplicas: 2}
            """;

    @TempDir
    Path tmp;

    @Test
    void roundTripOnARealCluster() {
        String kubeconfig = System.getenv("LAYERCAKE_IT_KUBECONFIG");
        Assumptions.assumeTrue(kubeconfig != null && !kubeconfig.isBlank(),
                "opt-in: set LAYERCAKE_IT_KUBECONFIG to run against a real cluster");
        String context = System.getenv("LAYERCAKE_IT_CONTEXT");
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String ns = "lc-it-" + suffix;
        String restored = ns + "-restored";
        Map<String, String> env = Map.of("LAYERCAKE_ENCRYPTION_KEY", Base64.getEncoder().encodeToString(KubernetesRoundTripTest.KEY));
        try (KubeConnection connection = KubeConnection.open(kubeconfig, context, Access.fromEnvironment(Map.of()))) {
            KubernetesClient client = connection.client();
            try {
                List<HasMetadata> items = client.load(new ByteArrayInputStream(APP.replace("NS", ns).getBytes(StandardCharsets.UTF_8))).items();
                items.forEach(i -> client.resource(i).create());
                ReleaseStore store = ReleaseStore.open(StoreLocation.parse(tmp.resolve("store").toString()));
                KubernetesOptions options = new KubernetesOptions(kubeconfig, context, List.of(ns), List.of(), KubernetesOptions.ENCRYPT, null, null);
                KubeTestSupport.Captured captured = KubeTestSupport.backup(store, "lc-it", "r1", options, env, null, new KubeTestSupport.Recorder());
                assertThat(captured.manifest().kubernetes().resources()).hasSize(items.size());

                RestoreRequest.KubernetesTarget target = new RestoreRequest.KubernetesTarget(true, kubeconfig, context,
                        Map.of(ns, restored), "fail", false, null, null, null);
                KubernetesRestoreReport report = new KubernetesRestore(store, captured.manifest(), captured.digest(), KubeRestoreTargets.of(target), false,
                        new KubeTestSupport.Recorder(), Access.fromEnvironment(env)).establishTimeout(Duration.ofSeconds(30)).run();
                assertThat(report.applied()).hasSize(items.size());

                for (KubernetesResource r : captured.manifest().kubernetes().resources()) {
                    if (r.kind().equals("Namespace")) {
                        continue; // its name (and the label the API server derives from it) is what the mapping changes
                    }
                    GenericKubernetesResource original = client.genericKubernetesResources(r.apiVersion(), r.kind()).inNamespace(ns)
                            .withName(r.name()).get();
                    GenericKubernetesResource copy = client.genericKubernetesResources(r.apiVersion(), r.kind()).inNamespace(restored)
                            .withName(r.name()).get();
                    assertThat(copy).as(r.kind() + " " + r.name()).isNotNull();
                    ObjectNode o = Json.mapper().valueToTree(original);
                    KubernetesRestore.mapNamespaces(o, Map.of(ns, restored));
                    JsonNode expected = Sanitizer.forComparison(o);
                    JsonNode actual = Sanitizer.forComparison(Json.mapper().valueToTree(copy));
                    assertThat(ObjectDiff.full(expected, actual, r.kind().equals("Secret"))).as(r.kind() + " " + r.name()).isEmpty();
                }
            } finally {
                client.namespaces().withName(ns).delete();
                client.namespaces().withName(restored).delete();
            }
        }
    }

    /**
     * The drill's readiness path, which the mock server cannot exercise (it runs no pods): a Deployment of one
     * replica must be reported ready (status passed, never "not observed"), and one whose image cannot be pulled
     * must fail naming the pull error. The image is {@code LAYERCAKE_IT_IMAGE} (default registry.k8s.io/pause:3.9),
     * which the cluster must be able to pull.
     */
    @Test
    void drillObservesReadinessOnARealCluster() {
        String kubeconfig = System.getenv("LAYERCAKE_IT_KUBECONFIG");
        Assumptions.assumeTrue(kubeconfig != null && !kubeconfig.isBlank(),
                "opt-in: set LAYERCAKE_IT_KUBECONFIG to run against a real cluster");
        String context = System.getenv("LAYERCAKE_IT_CONTEXT");
        String image = System.getenv().getOrDefault("LAYERCAKE_IT_IMAGE", "registry.k8s.io/pause:3.9");
        String ns = "lc-drill-" + UUID.randomUUID().toString().substring(0, 6);
        String app = """
                apiVersion: v1
                kind: Namespace
                metadata: {name: NS}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: NAME, namespace: NS, labels: {app: NAME}}
                spec:
                  replicas: 1
                  selector: {matchLabels: {app: NAME}}
                  template:
                    metadata: {labels: {app: NAME}}
                    spec: {containers: [{name: main, image: IMAGE}]}
                """;
        try (KubeConnection connection = KubeConnection.open(kubeconfig, context, Access.fromEnvironment(Map.of()))) {
            KubernetesClient client = connection.client();
            try {
                ReleaseStore store = ReleaseStore.open(StoreLocation.parse(tmp.resolve("drill-store").toString()));
                String good = app.replace("NS", ns).replace("NAME", "web").replace("IMAGE", image);
                client.load(new ByteArrayInputStream(good.getBytes(StandardCharsets.UTF_8))).items().forEach(o -> client.resource(o).create());
                KubernetesOptions options = new KubernetesOptions(kubeconfig, context, List.of(ns), List.of(), KubernetesOptions.SKIP, null, null);
                KubeTestSupport.backup(store, "lc-drill", "r1", options, Map.of(), null, new KubeTestSupport.Recorder());
                dev.layercake.api.result.DrillRecord ready = drill(store, "r1", kubeconfig, context, Duration.ofMinutes(3));
                assertThat(ready.checks()).filteredOn(c -> c.name().equals("readiness")).singleElement()
                        .satisfies(c -> assertThat(c.status()).as(c.how() + " " + c.problems()).isEqualTo(dev.layercake.api.result.DrillRecord.PASSED));

                client.apps().deployments().inNamespace(ns).withName("web").edit(d -> {
                    d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("registry.invalid/layercake/missing:1");
                    return d;
                });
                KubeTestSupport.backup(store, "lc-drill", "r2", options, Map.of(), null, new KubeTestSupport.Recorder());
                dev.layercake.api.result.DrillRecord broken = drill(store, "r2", kubeconfig, context, Duration.ofSeconds(90));
                assertThat(broken.outcome()).isEqualTo(dev.layercake.api.result.DrillRecord.FAILED);
                assertThat(broken.checks()).filteredOn(c -> c.name().equals("readiness")).singleElement()
                        .satisfies(c -> assertThat(String.join(" ", c.problems())).containsAnyOf("ErrImagePull", "ImagePullBackOff"));
            } finally {
                client.namespaces().withName(ns).delete();
            }
        }
    }

    private static dev.layercake.api.result.DrillRecord drill(ReleaseStore store, String release, String kubeconfig, String context,
                                                              Duration timeout) {
        dev.layercake.api.request.DrillRequest request = new dev.layercake.api.request.DrillRequest(store.location(), "lc-drill", release,
                null, null, null, List.of(), true, kubeconfig, context, Map.of(), null, null, timeout, false);
        return new dev.layercake.drill.Drill(Access.fromEnvironment(System.getenv()), java.time.Clock.systemUTC())
                .run(request, new KubeTestSupport.Recorder()).record();
    }
}
