package dev.layercake.tekton;

import com.fasterxml.jackson.databind.JsonNode;
import dev.layercake.testing.GitRepoFixture;
import dev.layercake.testing.KubernetesMockServerFixture;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * layercake-backup-app capturing an app's live objects through the `kubeconfig` workspace, its Secret
 * encrypted with the key from the `encryption-key` workspace. The cluster is core's
 * KubernetesMockServerFixture (fabric8's mock API server in CRUD mode with discovery).
 */
class KubernetesTaskRunTest {

    static final String PASSWORD = "hunter2-never-in-the-store";

    @TempDir
    Path tmp;

    @Test
    void capturesTheAppsObjectsWithSecretsEncryptedByTheWorkspaceKey() throws Exception {
        try (MockCluster cluster = MockCluster.start()) {
            KubernetesClient client = cluster.client();
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build()).create();
            Map<String, String> labels = Map.of("app.kubernetes.io/part-of", "shop");
            client.configMaps().inNamespace("shop").resource(new ConfigMapBuilder().withNewMetadata().withName("web-config")
                    .withLabels(labels).endMetadata().addToData("greeting", "hello").build()).create();
            client.secrets().inNamespace("shop").resource(new SecretBuilder().withNewMetadata().withName("web-secret")
                    .withLabels(labels).endMetadata().addToStringData("password", PASSWORD).build()).create();
            client.apps().deployments().inNamespace("shop").resource(new DeploymentBuilder().withNewMetadata().withName("web")
                    .withLabels(labels).endMetadata().withNewSpec().withNewSelector().withMatchLabels(labels).endSelector()
                    .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata().withNewSpec().addNewContainer()
                    .withName("web").withImage("registry.example.com/shop/web:1.0").endContainer().endSpec().endTemplate()
                    .endSpec().build()).create();

            Path source = tmp.resolve("ws/source");
            try (GitRepoFixture repo = GitRepoFixture.create(source)) {
                repo.write("Dockerfile", "FROM scratch\n").commit("1.0");
            }
            Path kube = Files.createDirectories(tmp.resolve("ws/kubeconfig"));
            cluster.writeKubeconfig(kube.resolve("kubeconfig"), "prod");
            Path key = Files.createDirectories(tmp.resolve("ws/encryption-key"));
            byte[] aes = new byte[32];
            new SecureRandom().nextBytes(aes);
            Files.writeString(key.resolve("key"), Base64.getEncoder().encodeToString(aes));
            Path pvc = Files.createDirectories(tmp.resolve("ws/store"));

            TaskRunSimulator.Run run = new TaskRunSimulator(Catalog.Entry.BACKUP.task(), tmp.resolve("runs"))
                    .path(CliOnPath.install(tmp.resolve("bin")))
                    .imageEnv("JAVA_TOOL_OPTIONS", "-Xmx256m")
                    .workspace("source", source).workspace("store", pvc)
                    .workspace("kubeconfig", kube).workspace("encryption-key", key)
                    .param("app", "shop").param("store", "releases").param("release", "1.0")
                    .param("namespace", List.of("shop")).param("image-mode", "none")
                    .run();

            assertThat(run.exitCode()).as(run.toString()).isZero();
            byte[] manifest = Files.readAllBytes(pvc.resolve("releases/releases/shop/1.0/manifest.json"));
            BackupTaskRunTest.assertResultsDescribe(run, manifest);
            List<String> captured = new ArrayList<>();
            for (JsonNode r : TektonDocuments.JSON.readTree(manifest).at("/kubernetes/resources")) {
                captured.add(r.get("kind").asText() + "/" + r.get("name").asText() + (r.path("encrypted").asBoolean() ? " encrypted" : ""));
            }
            assertThat(captured).contains("Deployment/web", "ConfigMap/web-config", "Secret/web-secret encrypted");
            try (Stream<Path> files = Files.walk(pvc)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as(f.toString())
                            .doesNotContain(PASSWORD).doesNotContain(Base64.getEncoder().encodeToString(PASSWORD.getBytes(StandardCharsets.UTF_8)));
                }
            }
            assertThat(run.stderr()).doesNotContain(Base64.getEncoder().encodeToString(aes));
        }
    }

    /** core's Kubernetes API test server (fabric8's mock server in CRUD mode, with discovery served). */
    record MockCluster(KubernetesMockServerFixture fixture) implements AutoCloseable {

        static MockCluster start() {
            return new MockCluster(KubernetesMockServerFixture.start());
        }

        KubernetesClient client() {
            return fixture.client();
        }

        void writeKubeconfig(Path file, String context) {
            fixture.writeKubeconfig(file, context);
        }

        @Override
        public void close() {
            fixture.close();
        }
    }
}
