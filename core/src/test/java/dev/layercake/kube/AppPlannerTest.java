package dev.layercake.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The graph rules without a server: a snapshot built from a few YAML objects, planned by {@link AppPlanner}, and
 * what it selects (and why) asserted.
 */
class AppPlannerTest {

    static final YAMLMapper YAML = new YAMLMapper();

    static final String WEB = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: shop, uid: u-web, labels: {app.kubernetes.io/part-of: shop}}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web, tier: front}}
                spec:
                  serviceAccountName: web
                  containers:
                  - name: web
                    image: registry.example.com/shop/web:1.0
                    envFrom: [{configMapRef: {name: web-config}}]
                  volumes:
                  - {name: tls, secret: {secretName: web-tls}}
                  - {name: data, persistentVolumeClaim: {claimName: web-data}}
            """;

    static final String WEB_REFS = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: web-config, namespace: shop}
            data: {MODE: prod}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: web-tls, namespace: shop}
            type: kubernetes.io/tls
            ---
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: web-data, namespace: shop}
            spec: {accessModes: [ReadWriteOnce]}
            ---
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: web, namespace: shop}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: unrelated, namespace: shop}
            data: {x: y}
            """;

    static List<ObjectNode> objects(String... yaml) {
        List<ObjectNode> out = new ArrayList<>();
        for (String text : yaml) {
            for (String doc : text.split("(?m)^---$")) {
                if (doc.isBlank()) {
                    continue;
                }
                try {
                    JsonNode node = YAML.readTree(doc);
                    out.add((ObjectNode) node);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return out;
    }

    static AppPlanner.Plan plan(String... yaml) {
        return plan(GraphRules.DEFAULT, yaml);
    }

    static AppPlanner.Plan plan(GraphRules rules, String... yaml) {
        return AppPlanner.plan(ClusterSnapshot.of(List.of("shop"), objects(yaml)),
                List.of(LabelSelector.parse("app.kubernetes.io/part-of=shop")), rules);
    }

    /** "Kind ns/name" of every selected object, in selection order, with why. */
    static Map<String, String> selected(AppPlanner.Plan plan) {
        Map<String, String> out = new LinkedHashMap<>();
        plan.selection().members().forEach(m -> out.put(m.id().toString(), m.reason()));
        return out;
    }

    @Test
    void aDeploymentPullsInItsEnvFromConfigMapAndNotAnUnrelatedOne() {
        Map<String, String> selected = selected(plan(WEB, WEB_REFS));
        assertThat(selected).containsEntry("Deployment shop/web", "selected by label")
                .containsEntry("ConfigMap shop/web-config", "used by Deployment shop/web")
                .doesNotContainKey("ConfigMap shop/unrelated");
    }

    @Test
    void volumeSecretClaimAndServiceAccountJoinInPodSpecOrder() {
        AppPlanner.Plan plan = plan(WEB, WEB_REFS);
        assertThat(selected(plan).keySet()).containsExactly("Deployment shop/web", "ConfigMap shop/web-config",
                "Secret shop/web-tls", "PersistentVolumeClaim shop/web-data", "ServiceAccount shop/web");
        assertThat(plan.selection().images()).containsExactly(
                Map.entry("registry.example.com/shop/web:1.0", List.of("Deployment shop/web")));
        assertThat(plan.notes()).isEmpty();
    }

    @Test
    void theServiceAccountBringsItsBindingsAndTheirRolesButNeverABuiltInClusterRole() {
        String rbac = """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: web-reads, namespace: shop}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
                subjects: [{kind: ServiceAccount, name: web}]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: reader, namespace: shop}
                rules: []
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: web-views}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
                subjects: [{kind: ServiceAccount, name: web, namespace: shop}]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: web-metrics}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: metrics-reader}
                subjects: [{kind: ServiceAccount, name: web, namespace: shop}]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: metrics-reader}
                rules: []
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: other-app}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: metrics-reader}
                subjects: [{kind: ServiceAccount, name: web, namespace: elsewhere}]
                """;
        Map<String, String> selected = selected(plan(WEB, WEB_REFS, rbac));
        assertThat(selected).containsEntry("RoleBinding shop/web-reads", "binds service account web")
                .containsEntry("Role shop/reader", "bound to service account web")
                .containsEntry("ClusterRoleBinding web-views", "binds service account web")
                .containsEntry("ClusterRoleBinding web-metrics", "binds service account web")
                .containsEntry("ClusterRole metrics-reader", "bound to service account web")
                .doesNotContainKey("ClusterRoleBinding other-app");
        assertThat(selected.keySet()).noneMatch(k -> k.equals("ClusterRole view"));
    }

    @Test
    void aServiceSelectingTheAppsPodsIsPulledInAndOneSelectingOtherPodsIsNot() {
        String services = """
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: shop}
                spec: {selector: {app: web}, ports: [{port: 80}]}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: billing, namespace: shop}
                spec: {selector: {app: billing}, ports: [{port: 80}]}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: external, namespace: shop}
                spec: {type: ExternalName, externalName: example.com}
                ---
                apiVersion: policy/v1
                kind: PodDisruptionBudget
                metadata: {name: web, namespace: shop}
                spec: {minAvailable: 1, selector: {matchLabels: {tier: front}}}
                """;
        Map<String, String> selected = selected(plan(WEB, WEB_REFS, services));
        assertThat(selected).containsEntry("Service shop/web", "selects the app's pods")
                .containsEntry("PodDisruptionBudget shop/web", "selects the app's pods")
                .doesNotContainKeys("Service shop/billing", "Service shop/external");
    }

    @Test
    void anIngressRoutingToACapturedServiceComesWithItsTlsSecret() {
        String ingress = """
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: shop}
                spec: {selector: {app: web}}
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: web, namespace: shop}
                spec:
                  tls: [{hosts: [shop.example.com], secretName: shop-cert}]
                  rules:
                  - host: shop.example.com
                    http:
                      paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: billing, namespace: shop}
                spec: {defaultBackend: {service: {name: billing, port: {number: 80}}}}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: shop-cert, namespace: shop}
                type: kubernetes.io/tls
                """;
        AppPlanner.Plan plan = plan(WEB, WEB_REFS, ingress);
        Map<String, String> selected = selected(plan);
        assertThat(selected).containsEntry("Ingress shop/web", "routes to the app's services")
                .containsEntry("Secret shop/shop-cert", "TLS of Ingress shop/web")
                .doesNotContainKey("Ingress shop/billing");
        List<String> order = List.copyOf(selected.keySet());
        assertThat(order.indexOf("Service shop/web")).isLessThan(order.indexOf("Ingress shop/web"));
        assertThat(order.indexOf("Ingress shop/web") + 1).isEqualTo(order.indexOf("Secret shop/shop-cert"));
    }

    @Test
    void anHpaScalingACapturedWorkloadIsPulledIn() {
        String hpas = """
                apiVersion: autoscaling/v2
                kind: HorizontalPodAutoscaler
                metadata: {name: web, namespace: shop}
                spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, maxReplicas: 3}
                ---
                apiVersion: autoscaling/v2
                kind: HorizontalPodAutoscaler
                metadata: {name: billing, namespace: shop}
                spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: billing}, maxReplicas: 3}
                """;
        assertThat(selected(plan(WEB, WEB_REFS, hpas))).containsEntry("HorizontalPodAutoscaler shop/web", "scales Deployment shop/web")
                .doesNotContainKey("HorizontalPodAutoscaler shop/billing");
    }

    @Test
    void generatedObjectsAreReplacedByTheirOwnerAndEndpointsOfASelectorServiceSkipped() {
        String generated = """
                apiVersion: apps/v1
                kind: ReplicaSet
                metadata:
                  name: web-5d9c
                  namespace: shop
                  labels: {app.kubernetes.io/part-of: shop}
                  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: u-web, controller: true}]
                spec: {template: {spec: {containers: [{name: web, image: registry.example.com/shop/web:1.0}]}}}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: shop, labels: {app.kubernetes.io/part-of: shop}}
                spec: {selector: {app: web}}
                ---
                apiVersion: v1
                kind: Endpoints
                metadata: {name: web, namespace: shop, labels: {app.kubernetes.io/part-of: shop}}
                ---
                apiVersion: v1
                kind: Endpoints
                metadata: {name: manual, namespace: shop, labels: {app.kubernetes.io/part-of: shop}}
                """;
        Map<String, String> selected = selected(plan(generated, WEB, WEB_REFS));
        assertThat(selected.keySet()).first().isEqualTo("Deployment shop/web");
        assertThat(selected).containsEntry("Deployment shop/web", "owner of ReplicaSet shop/web-5d9c")
                .doesNotContainKeys("ReplicaSet shop/web-5d9c", "Endpoints shop/web")
                .containsEntry("Endpoints shop/manual", "selected by label");
    }

    @Test
    void excludedAndMissingReferencesAreNotSelectedAndTheMissingOnesAreNoted() {
        String pod = """
                apiVersion: v1
                kind: Pod
                metadata: {name: tool, namespace: shop, labels: {app.kubernetes.io/part-of: shop}}
                spec:
                  serviceAccountName: default
                  containers:
                  - name: tool
                    image: tool:1
                    env:
                    - {name: A, valueFrom: {configMapKeyRef: {name: private, key: a}}}
                    - {name: B, valueFrom: {secretKeyRef: {name: gone, key: b}}}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: private, namespace: shop, labels: {layercake.dev/exclude: "true"}}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: private, namespace: other}
                """;
        AppPlanner.Plan plan = plan(pod);
        assertThat(selected(plan).keySet()).containsExactly("Pod shop/tool");
        // the default service account is made by the cluster: absent from the snapshot, it is not reported missing
        assertThat(plan.notes()).containsExactly(
                "Secret shop/gone is referenced (used by Pod shop/tool) but does not exist; not captured");
    }

    @Test
    void aStatefulSetBringsTheClaimsOfItsReplicas() {
        String db = """
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: db, namespace: shop, labels: {app.kubernetes.io/part-of: shop}}
                spec:
                  replicas: 2
                  template: {spec: {containers: [{name: db, image: postgres:16}]}}
                  volumeClaimTemplates: [{metadata: {name: data}}]
                ---
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata: {name: data-db-0, namespace: shop}
                ---
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata: {name: data-db-1, namespace: shop}
                ---
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata: {name: data-db-2, namespace: shop}
                """;
        AppPlanner.Plan plan = plan(db);
        assertThat(selected(plan)).containsEntry("PersistentVolumeClaim shop/data-db-0", "claim of StatefulSet shop/db")
                .containsEntry("PersistentVolumeClaim shop/data-db-1", "claim of StatefulSet shop/db")
                .doesNotContainKey("PersistentVolumeClaim shop/data-db-2");
        assertThat(plan.notes()).isEmpty();
    }

    @Test
    void referencesJoinContainerByContainerAsTheSpecListsThem() {
        String two = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: two, namespace: shop, labels: {app.kubernetes.io/part-of: shop}}
                spec:
                  template:
                    spec:
                      initContainers: [{name: init, image: init:1, envFrom: [{secretRef: {name: s-init}}]}]
                      containers:
                      - {name: a, image: a:1, envFrom: [{configMapRef: {name: c-a}}, {secretRef: {name: s-a}}]}
                      - {name: b, image: b:1, env: [{name: X, valueFrom: {configMapKeyRef: {name: c-b, key: x}}}]}
                      volumes: [{name: p, projected: {sources: [{secret: {name: s-proj}}, {configMap: {name: c-proj}}]}}]
                """;
        StringBuilder refs = new StringBuilder();
        for (String name : List.of("c-proj", "s-proj", "c-b", "s-a", "c-a", "s-init")) {
            refs.append("---\napiVersion: v1\nkind: ").append(name.startsWith("c-") ? "ConfigMap" : "Secret")
                    .append("\nmetadata: {name: ").append(name).append(", namespace: shop}\n");
        }
        AppPlanner.Plan plan = plan(two, refs.toString());
        assertThat(selected(plan).keySet()).containsExactly("Deployment shop/two", "Secret shop/s-init", "ConfigMap shop/c-a",
                "Secret shop/s-a", "ConfigMap shop/c-b", "Secret shop/s-proj", "ConfigMap shop/c-proj");
        assertThat(plan.selection().images().keySet()).containsExactly("init:1", "a:1", "b:1");
    }

    @Test
    void theCrdOfACapturedCustomResourceIsPulledIn() {
        String custom = """
                apiVersion: example.com/v1
                kind: Widget
                metadata: {name: w1, namespace: shop, labels: {app.kubernetes.io/part-of: shop}}
                ---
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: widgets.example.com}
                spec: {group: example.com, names: {kind: Widget, plural: widgets}, scope: Namespaced}
                ---
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: gadgets.example.com}
                spec: {group: example.com, names: {kind: Gadget, plural: gadgets}, scope: Namespaced}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: shop}
                """;
        assertThat(selected(plan(custom))).containsExactly(Map.entry("Widget.example.com shop/w1", "selected by label"),
                Map.entry("Namespace shop", "namespace of the app"),
                Map.entry("CustomResourceDefinition widgets.example.com", "defines Widget.example.com"));
    }

    @Test
    void theRulesAreData() {
        GraphRules noPodReferences = new GraphRules(KubeRules.POD_TEMPLATES, List.of(), KubeRules.IMAGE_PATHS,
                KubeRules.REFERENCES, KubeRules.SUBJECT_BINDINGS, KubeRules.PULLED_IN, KubeRules.GENERATED_WITHOUT_OWNER,
                KubeRules.IMPLICIT);
        assertThat(selected(plan(noPodReferences, WEB, WEB_REFS)).keySet()).containsExactly("Deployment shop/web");
        GraphRules onlyConfigMaps = new GraphRules(KubeRules.POD_TEMPLATES,
                List.of(new KubeRules.PodReference("/containers/*/envFrom/*/configMapRef/name", KubeRules.CONFIG_MAP)),
                List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
        AppPlanner.Plan plan = plan(onlyConfigMaps, WEB, WEB_REFS);
        assertThat(selected(plan).keySet()).containsExactly("Deployment shop/web", "ConfigMap shop/web-config");
        assertThat(plan.selection().images()).isEmpty();
    }

    @Test
    void aMalformedRulePathIsRefusedWhenTheRulesAreMade() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new GraphRules(KubeRules.POD_TEMPLATES,
                        List.of(new KubeRules.PodReference("volumes/*/secret/secretName", KubeRules.SECRET)), List.of(), List.of(),
                        List.of(), List.of(), List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("volumes/*/secret/secretName");
    }

    @Test
    void everyReferenceIsFollowedSomewhere() {
        for (KubeRules.Reference r : KubeRules.REFERENCES) {
            boolean workload = KubeRules.podTemplate(r.from()) != null;
            boolean subject = KubeRules.SUBJECT_BINDINGS.stream().anyMatch(b -> b.subject().equals(r.from()));
            boolean pulled = KubeRules.PULLED_IN.stream().flatMap(List::stream).anyMatch(p -> p.type().equals(r.from()));
            assertThat(workload || subject || pulled).as("%s is a workload, a binding subject or pulled in", r.from()).isTrue();
        }
    }

    @Test
    void anUpdateKeepsTheClusterIpTheTargetAllocated() {
        ObjectNode release = objects("""
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: shop}
                spec: {selector: {app: web}}
                """).get(0);
        ObjectNode live = objects("""
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: shop}
                spec: {selector: {app: old}, clusterIP: 10.0.0.7, clusterIPs: [10.0.0.7]}
                """).get(0);
        KubernetesRestore.carryOver(release, live);
        assertThat(release.at("/spec/clusterIP").asText()).isEqualTo("10.0.0.7");
        assertThat(release.at("/spec/clusterIPs/0").asText()).isEqualTo("10.0.0.7");
        assertThat(release.at("/spec/selector/app").asText()).isEqualTo("web");
        ObjectNode configMap = objects("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nspec: {}\n").get(0);
        KubernetesRestore.carryOver(configMap, live);
        assertThat(configMap.path("spec").has("clusterIP")).isFalse();
    }

    @Test
    void theNamespaceMappingReachesBindingSubjectsAndNamespaceNames() {
        ObjectNode binding = objects("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: web-views}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
                subjects: [{kind: ServiceAccount, name: web, namespace: shop}, {kind: ServiceAccount, name: x, namespace: keep}]
                """).get(0);
        KubernetesRestore.mapNamespaces(binding, Map.of("shop", "shop-dr"));
        assertThat(binding.at("/subjects/0/namespace").asText()).isEqualTo("shop-dr");
        assertThat(binding.at("/subjects/1/namespace").asText()).isEqualTo("keep");
        ObjectNode ns = objects("apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n").get(0);
        KubernetesRestore.mapNamespaces(ns, Map.of("shop", "shop-dr"));
        assertThat(ns.at("/metadata/name").asText()).isEqualTo("shop-dr");
        ObjectNode cm = objects("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shop, namespace: shop}\n").get(0);
        KubernetesRestore.mapNamespaces(cm, Map.of("shop", "shop-dr"));
        assertThat(cm.at("/metadata/name").asText()).isEqualTo("shop");
        assertThat(cm.at("/metadata/namespace").asText()).isEqualTo("shop-dr");
    }
}
