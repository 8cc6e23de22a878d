package dev.layercake.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.layercake.testing.GitRepoFixture;
import dev.layercake.testing.KubernetesMockServerFixture;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** `layercake backup --namespace ...` end to end against the mock API server: exit codes and messages. */
class KubernetesCliTest {

    @TempDir
    Path tmp;

    KubernetesMockServerFixture cluster;
    GitRepoFixture repo;
    Path kubeconfig;
    Path keyFile;
    String store;

    @BeforeEach
    void start() throws Exception {
        cluster = KubernetesMockServerFixture.start();
        var c = cluster.client();
        c.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("demo").endMetadata().build()).create();
        c.configMaps().inNamespace("demo").resource(new ConfigMapBuilder().withNewMetadata().withName("settings").endMetadata()
                .addToData("level", "info").build()).create();
        c.secrets().inNamespace("demo").resource(new SecretBuilder().withNewMetadata().withName("creds").endMetadata()
                .addToData("password", Base64.getEncoder().encodeToString("hunter2-cli".getBytes())).build()).create();
        c.apps().deployments().inNamespace("demo").resource(new DeploymentBuilder().withNewMetadata().withName("web")
                .addToLabels("app.kubernetes.io/part-of", "shop").endMetadata().withNewSpec().withNewSelector().addToMatchLabels("app", "web")
                .endSelector().withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata().withNewSpec().addNewContainer()
                .withName("web").withImage("registry.example.com/shop/web:1.0").addNewEnvFrom().withNewConfigMapRef().withName("settings")
                .endConfigMapRef().endEnvFrom().addNewEnv().withName("P").withNewValueFrom().withNewSecretKeyRef().withName("creds")
                .withKey("password").endSecretKeyRef().endValueFrom().endEnv().endContainer().endSpec().endTemplate().endSpec().build()).create();
        kubeconfig = cluster.writeKubeconfig(tmp.resolve("kubeconfig"), "prod");
        keyFile = tmp.resolve("key");
        Files.write(keyFile, new byte[32]);
        repo = GitRepoFixture.create(tmp.resolve("repo")).sampleRelease();
        repo.commit("release");
        store = tmp.resolve("store").toString();
    }

    @AfterEach
    void stop() {
        repo.close();
        cluster.close();
    }

    Cli.Run backup(String release, String... extra) {
        List<String> args = new ArrayList<>(List.of("backup", "--app", "shop", "--release", release, "--store", store,
                "--source", repo.dir().toString(), "--image-mode", "none", "--namespace", "demo",
                "--kubeconfig", kubeconfig.toString(), "--encryption-key-file", keyFile.toString(), "--json"));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void backupCapturesTheNamespaceAndShowListsTheObjects() throws Exception {
        Cli.Run run = backup("r1");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.json().path("kubernetesObjects").asInt()).isEqualTo(4); // Namespace, Deployment, ConfigMap, Secret
        Cli.Run show = Cli.run("show", "--store", store, "--app", "shop", "--release", "r1");
        assertThat(show.out()).contains("Deployment demo/web", "ConfigMap demo/settings", "Secret demo/creds (encrypted)");
        for (Path f : Files.walk(Path.of(store)).filter(Files::isRegularFile).toList()) {
            assertThat(Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("hunter2-cli",
                    Base64.getEncoder().encodeToString("hunter2-cli".getBytes()));
        }
    }

    @Test
    void badInputGivesAClearErrorAndTheRightExitCode() {
        Cli.Run context = backup("r1", "--context", "staging");
        assertThat(context.exitCode()).isEqualTo(2);
        assertThat(context.err()).contains("no context 'staging'", "it has: prod");

        Cli.Run selector = backup("r1", "--selector", "tier in (web");
        assertThat(selector.exitCode()).isEqualTo(2);
        assertThat(selector.err()).contains("--selector 'tier in (web' is malformed");

        cluster.forbid("GET", "/apis/apps/v1/namespaces/demo/deployments");
        Cli.Run forbidden = backup("r1");
        assertThat(forbidden.exitCode()).isEqualTo(1);
        JsonNode error = forbidden.json().path("error");
        assertThat(error.path("kind").asText()).isEqualTo("auth");
        assertThat(error.path("message").asText()).contains("RBAC forbids listing deployments.apps in demo");
        assertThat(Cli.run("list", "--store", store, "--json").out()).doesNotContain("r1");
    }

    @Test
    void restoreAppliesTheReleaseToAnotherClusterUnderAMappedNamespace() throws Exception {
        assertThat(backup("r1").exitCode()).isZero();
        try (KubernetesMockServerFixture target = KubernetesMockServerFixture.start()) {
            Path targetConfig = target.writeKubeconfig(tmp.resolve("target-kubeconfig"), "dr");
            Cli.Run dry = Cli.run("restore", "--store", store, "--app", "shop", "--release", "r1", "--kubeconfig", targetConfig.toString(),
                    "--namespace-mapping", "demo=demo-dr", "--encryption-key-file", keyFile.toString(), "--dry-run");
            assertThat(dry.exitCode()).as(dry.err()).isZero();
            assertThat(target.client().apps().deployments().inNamespace("demo-dr").list().getItems()).isEmpty();

            Cli.Run run = Cli.run("restore", "--store", store, "--app", "shop", "--release", "r1", "--kubeconfig", targetConfig.toString(),
                    "--namespace-mapping", "demo=demo-dr", "--encryption-key-file", keyFile.toString(), "--json");
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.json().path("kubernetes")).isNotNull();
            var web = target.client().apps().deployments().inNamespace("demo-dr").withName("web").get();
            assertThat(web).isNotNull();
            assertThat(web.getMetadata().getAnnotations()).containsKey("layercake.dev/release");
            var secret = target.client().secrets().inNamespace("demo-dr").withName("creds").get();
            assertThat(new String(Base64.getDecoder().decode(secret.getData().get("password")))).isEqualTo("hunter2-cli");

            Cli.Run noKey = Cli.run("restore", "--store", store, "--app", "shop", "--release", "r1", "--kubeconfig", targetConfig.toString(),
                    "--namespace-mapping", "demo=demo-other", "--encryption-key-env", "LAYERCAKE_TEST_NO_SUCH_KEY");
            assertThat(noKey.exitCode()).isNotZero();
            assertThat(target.client().apps().deployments().inNamespace("demo-other").list().getItems()).isEmpty();
        }
    }
}
