package dev.layercake.tekton;

import com.fasterxml.jackson.databind.JsonNode;
import dev.layercake.testing.GitRepoFixture;
import dev.layercake.testing.KubernetesMockServerFixture;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The RBAC samples against the code: each Task runs the built CLI against the mock API server while the
 * server refuses every request the sample's Role and ClusterRole do not grant the sample ServiceAccount
 * ({@link SampleRbac}). A sample that grants less than the CLI does fails here with the refused request.
 */
class SampleRbacTaskRunTest {

    static final String LABEL = "app.kubernetes.io/part-of: shop";

    /** The CRD of a custom resource the app uses. */
    static final String CRD = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: widgets.example.com
            spec:
              group: example.com
              scope: Namespaced
              names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
              versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
            """;

    /** A namespaced app in "shop": a workload with what it references, its ServiceAccount's RBAC, a Service. */
    static final String APP = """
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: web, namespace: shop}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata: {name: web-reader, namespace: shop}
            rules: [{apiGroups: [""], resources: [configmaps], verbs: [get, list, watch]}]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: web-reader, namespace: shop}
            subjects: [{kind: ServiceAccount, name: web, namespace: shop}]
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: web-reader}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: web-view, namespace: shop}
            subjects: [{kind: ServiceAccount, name: web, namespace: shop}]
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: web-config, namespace: shop}
            data: {greeting: hola}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: web-secret, namespace: shop}
            type: Opaque
            stringData: {password: hunter2}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: shop, uid: 22222222-aaaa-bbbb-cccc-000000000001, labels: {%1$s}}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  serviceAccountName: web
                  containers:
                  - name: web
                    image: registry.example.com/shop/web:1.0
                    envFrom: [{configMapRef: {name: web-config}}, {secretRef: {name: web-secret}}]
            ---
            apiVersion: apps/v1
            kind: ReplicaSet
            metadata:
              name: web-5d8f7
              namespace: shop
              uid: 22222222-aaaa-bbbb-cccc-000000000002
              labels: {%1$s, app: web}
              ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: 22222222-aaaa-bbbb-cccc-000000000001, controller: true}]
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec: {containers: [{name: web, image: registry.example.com/shop/web:1.0}]}
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: web-5d8f7-x2x9z
              namespace: shop
              labels: {%1$s, app: web}
              ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-5d8f7, uid: 22222222-aaaa-bbbb-cccc-000000000002, controller: true}]
            spec: {containers: [{name: web, image: registry.example.com/shop/web:1.0}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec:
              selector: {app: web}
              ports: [{port: 80, targetPort: 8080}]
            ---
            apiVersion: v1
            kind: Endpoints
            metadata: {name: web, namespace: shop}
            subsets: [{addresses: [{ip: 10.0.0.7}], ports: [{port: 8080}]}]
            """.formatted(LABEL);

    /** What only an app with custom resources and cluster-wide RBAC has. */
    static final String CLUSTER_PARTS = """
            apiVersion: example.com/v1
            kind: Widget
            metadata: {name: shop-widget, namespace: shop, labels: {%1$s}}
            spec: {size: 3}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata: {name: shop-widget-reader}
            rules: [{apiGroups: [example.com], resources: [widgets], verbs: [get, list]}]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: shop-web-widgets}
            subjects: [{kind: ServiceAccount, name: web, namespace: shop}]
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: shop-widget-reader}
            """.formatted(LABEL);

    @TempDir
    Path tmp;
    Path bin;
    Path source;
    Path kubeconfig;
    Path key;
    Path store;

    @BeforeEach
    void setUp() throws Exception {
        bin = CliOnPath.install(tmp.resolve("bin"));
        source = tmp.resolve("ws/source");
        try (GitRepoFixture repo = GitRepoFixture.create(source)) {
            repo.write("Dockerfile", "FROM scratch\n").commit("1.0");
        }
        kubeconfig = Files.createDirectories(tmp.resolve("ws/kubeconfig"));
        key = Files.createDirectories(tmp.resolve("ws/encryption-key"));
        byte[] aes = new byte[32];
        new SecureRandom().nextBytes(aes);
        Files.writeString(key.resolve("key"), Base64.getEncoder().encodeToString(aes));
        store = Files.createDirectories(tmp.resolve("ws/store"));
    }

    @Test
    void theBackupSampleLetsCaptureListEverythingItReads() throws Exception {
        try (KubernetesMockServerFixture cluster = KubernetesMockServerFixture.start()) {
            install(cluster.client(), "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {team: shop}}\n");
            install(cluster.client(), CRD);
            install(cluster.client(), APP);
            install(cluster.client(), CLUSTER_PARTS);
            SampleRbac rbac = enforce(cluster, Catalog.Entry.BACKUP, "layercake-backup");

            TaskRunSimulator.Run run = backup(cluster, "1.0");

            assertThat(rbac.denied()).as("requests the backup sample refuses").isEmpty();
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.stderr()).doesNotContain("RBAC forbids");
            assertThat(captured("1.0")).contains("Namespace shop", "ServiceAccount web", "Role web-reader", "RoleBinding web-reader",
                    "RoleBinding web-view", "ConfigMap web-config", "Secret web-secret encrypted", "Deployment web", "Service web",
                    "Widget shop-widget", "CustomResourceDefinition widgets.example.com", "ClusterRole shop-widget-reader",
                    "ClusterRoleBinding shop-web-widgets");
            assertThat(rbac.allowed()).as("it listed Pods, ReplicaSets and Endpoints in the app's namespace, read-only")
                    .extracting(a -> a.verb() + " " + a.resource() + " " + a.namespace())
                    .contains("list pods shop", "list replicasets shop", "list endpoints shop", "list widgets shop",
                            "list customresourcedefinitions null", "list clusterroles null")
                    .allMatch(s -> s.startsWith("get ") || s.startsWith("list "));
        }
    }

    @Test
    void theRestoreSampleLetsRestoreCreateThenUpdateAndRefusesClusterWideRbacBeforeApplyingAnything() throws Exception {
        try (KubernetesMockServerFixture cluster = KubernetesMockServerFixture.start()) {
            KubernetesClient client = cluster.client();
            install(client, "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n");
            install(client, APP);
            TaskRunSimulator.Run backup = backup(cluster, "1.0");
            assertThat(backup.exitCode()).as(backup.toString()).isZero();
            // the admin who applies the sample makes the target namespace with it
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop-restore").endMetadata().build()).create();
            SampleRbac rbac = enforce(cluster, Catalog.Entry.RESTORE, "layercake-restore");

            TaskRunSimulator.Run create = restore(cluster, "1.0");
            assertThat(rbac.denied()).as("requests the restore sample refuses").isEmpty();
            assertThat(create.exitCode()).as(create.toString()).isZero();
            assertThat(client.apps().deployments().inNamespace("shop-restore").withName("web").get()).isNotNull();
            assertThat(client.rbac().roleBindings().inNamespace("shop-restore").withName("web-view").get()).isNotNull();

            TaskRunSimulator.Run update = restore(cluster, "1.0");
            assertThat(rbac.denied()).as("requests the restore sample refuses").isEmpty();
            assertThat(update.exitCode()).as(update.toString()).isZero();
            assertThat(rbac.allowed()).as("existing: update sends PUT (update), never PATCH")
                    .extracting(a -> a.verb() + " " + a.resource())
                    .contains("update deployments", "update secrets", "update roles", "update rolebindings", "update namespaces")
                    .noneMatch(s -> s.startsWith("patch ") || s.startsWith("delete"));

            // a release holding a ClusterRole (not granted by the sample): refused while checking, nothing applied
            cluster.authorizer(null);
            install(client, CRD);
            install(client, CLUSTER_PARTS);
            client.configMaps().inNamespace("shop").withName("web-config").edit(c -> {
                c.getData().put("greeting", "hello");
                return c;
            });
            assertThat(backup(cluster, "2.0").exitCode()).isZero();
            rbac = enforce(cluster, Catalog.Entry.RESTORE, "layercake-restore");
            TaskRunSimulator.Run refused = restore(cluster, "2.0");
            assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
            assertThat(refused.stderr()).contains("nothing was applied");
            assertThat(rbac.denied()).isNotEmpty().allMatch(d -> d.contains("widgets") || d.contains("clusterrole"));
            assertThat(client.configMaps().inNamespace("shop-restore").withName("web-config").get().getData())
                    .containsEntry("greeting", "hola");
        }
    }

    private SampleRbac enforce(KubernetesMockServerFixture cluster, Catalog.Entry entry, String account) {
        List<HasMetadata> docs = TektonDocuments.parse(entry.dir().resolve("samples/rbac.yaml"));
        SampleRbac rbac = SampleRbac.of(docs, "ci", account);
        cluster.authorizer(r -> rbac.authorize(r.method(), r.path(), r.body()));
        return rbac;
    }

    private TaskRunSimulator.Run backup(KubernetesMockServerFixture cluster, String release) throws Exception {
        cluster.writeKubeconfig(kubeconfig.resolve("kubeconfig"), "prod");
        return new TaskRunSimulator(Catalog.Entry.BACKUP.task(), tmp.resolve("runs")).path(bin)
                .imageEnv("JAVA_TOOL_OPTIONS", "-Xmx256m")
                .workspace("source", source).workspace("store", store)
                .workspace("kubeconfig", kubeconfig).workspace("encryption-key", key)
                .param("app", "shop").param("store", "releases").param("release", release)
                .param("namespace", List.of("shop")).param("image-mode", "none")
                .run();
    }

    private TaskRunSimulator.Run restore(KubernetesMockServerFixture cluster, String release) throws Exception {
        cluster.writeKubeconfig(kubeconfig.resolve("kubeconfig"), "prod");
        return new TaskRunSimulator(Catalog.Entry.RESTORE.task(), tmp.resolve("runs")).path(bin)
                .imageEnv("JAVA_TOOL_OPTIONS", "-Xmx256m")
                .workspace("store", store).workspace("kubeconfig", kubeconfig).workspace("encryption-key", key)
                .param("app", "shop").param("store", "releases").param("release", release)
                .param("kubernetes", "true").param("namespace-mapping", List.of("shop=shop-restore"))
                .param("existing", "update")
                .run();
    }

    private List<String> captured(String release) throws Exception {
        byte[] manifest = Files.readAllBytes(store.resolve("releases/releases/shop/" + release + "/manifest.json"));
        List<String> out = new ArrayList<>();
        for (JsonNode r : TektonDocuments.JSON.readTree(manifest).at("/kubernetes/resources")) {
            out.add(r.get("kind").asText() + " " + r.get("name").asText() + (r.path("encrypted").asBoolean() ? " encrypted" : ""));
        }
        return out;
    }

    private static void install(KubernetesClient client, String yaml) {
        for (HasMetadata item : client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items()) {
            client.resource(item).create();
        }
    }
}
