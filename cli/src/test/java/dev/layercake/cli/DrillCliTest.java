package dev.layercake.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.layercake.testing.GitRepoFixture;
import dev.layercake.testing.KubernetesMockServerFixture;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** `layercake drill` from the command line against a folder store and the mock API server: the demo's command. */
class DrillCliTest {

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
        c.configMaps().inNamespace("demo").resource(new ConfigMapBuilder().withNewMetadata().withName("settings")
                .addToLabels("app.kubernetes.io/part-of", "shop").endMetadata().addToData("level", "info").build()).create();
        // a workload: an app selection without one is refused (issue 12, item 11)
        c.apps().deployments().inNamespace("demo").resource(new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder()
                .withNewMetadata().withName("web").addToLabels("app.kubernetes.io/part-of", "shop").endMetadata()
                .withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app", "web").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage("registry.example.com/shop/web:1.4.2").endContainer()
                .endSpec().endTemplate().endSpec().build()).create();
        kubeconfig = cluster.writeKubeconfig(tmp.resolve("kubeconfig"), "demo");
        keyFile = tmp.resolve("key");
        Files.write(keyFile, new byte[32]);
        repo = GitRepoFixture.create(tmp.resolve("repo")).sampleRelease();
        repo.commit("release");
        store = tmp.resolve("store").toString();
        Cli.Run backup = Cli.run("backup", "--app", "shop", "--release", "r1", "--store", store, "--source", repo.dir().toString(),
                "--image-mode", "none", "--namespace", "demo", "--kubeconfig", kubeconfig.toString(),
                "--encryption-key-file", keyFile.toString(), "--json");
        assertThat(backup.exitCode()).as(backup.err()).isZero();
    }

    @AfterEach
    void stop() {
        repo.close();
        cluster.close();
    }

    @Test
    void drillOnTheMockSaysReadinessNotObservedExitsZeroAndShowListsIt() throws Exception {
        Cli.Run text = Cli.run("drill", "--store", store, "--app", "shop", "--release", "r1", "--kubeconfig", kubeconfig.toString(),
                "--encryption-key-file", keyFile.toString());
        assertThat(text.exitCode()).as(text.out() + text.err()).isZero();
        assertThat(text.out()).contains("drill of shop/r1: PASSED-WITH-UNOBSERVED (NOT OBSERVED, not passed: readiness)")
                .containsPattern("readiness\\s+not-observed").containsPattern("kubernetes\\s+passed").doesNotContain("difference:");

        Cli.Run json = Cli.run("drill", "--store", store, "--app", "shop", "--release", "r1", "--kubeconfig", kubeconfig.toString(),
                "--encryption-key-file", keyFile.toString(), "--json");
        assertThat(json.exitCode()).as(json.err()).isZero();
        JsonNode j = json.json();
        assertThat(j.path("outcome").asText()).isEqualTo("passed-with-unobserved");
        assertThat(j.path("exitCode").asInt()).isZero();
        assertThat(j.path("notObserved").get(0).asText()).isEqualTo("readiness");
        assertThat(j.path("record").path("notObserved").get(0).asText()).isEqualTo("readiness");
        String key = j.path("recordKey").asText();
        assertThat(Files.exists(Path.of(store).resolve(key))).isTrue();

        Cli.Run show = Cli.run("show", "--store", store, "--app", "shop", "--release", "r1");
        assertThat(show.out()).contains("drill     passed-with-unobserved (not observed: readiness)");
        Cli.Run list = Cli.run("list", "--store", store, "--app", "shop", "--json");
        assertThat(list.json().get(0).path("latestDrill").path("outcome").asText()).isEqualTo("passed-with-unobserved");
        assertThat(list.json().get(0).path("latestDrill").has("problem")).isFalse(); // a readable record's summary is as before
        assertThat(Cli.run("list", "--store", store).out()).contains("drill passed-with-unobserved");
        // nothing of the drill is left on the cluster
        assertThat(cluster.client().namespaces().list().getItems()).extracting(n -> n.getMetadata().getName()).containsExactly("demo");
    }

    @Test
    void anUnreadableDrillRecordIsShownAsUnreadableWithItsKeyNeverNull() throws Exception {
        Path drills = Path.of(store).resolve(dev.layercake.drill.DrillRecords.prefix("shop", "r1"));
        Files.createDirectories(drills);
        // a record with an outcome but no finish time (the case that printed "at null"), then one that is not JSON at all
        Files.writeString(drills.resolve("20261201T000000.000Z.json"),
                "{\"app\":\"shop\",\"release\":\"r1\",\"outcome\":\"passed\",\"checks\":[],\"differences\":[]}");
        Cli.Run empty = Cli.run("show", "--store", store, "--app", "shop", "--release", "r1");
        assertThat(empty.exitCode()).as(empty.err()).isZero();
        assertThat(empty.out()).contains("drill     record unreadable (releases/shop/r1/drills/20261201T000000.000Z.json): no valid finish time")
                .doesNotContain("null");

        Files.writeString(drills.resolve("20261202T000000.000Z.json"), "\u001b[31mnot json");
        Cli.Run garbage = Cli.run("show", "--store", store, "--app", "shop", "--release", "r1");
        assertThat(garbage.exitCode()).as(garbage.err()).isZero();
        assertThat(garbage.out()).contains("drill     record unreadable (releases/shop/r1/drills/20261202T000000.000Z.json): not a drill record")
                .doesNotContain("null").doesNotContain("\u001b");

        Cli.Run list = Cli.run("list", "--store", store, "--app", "shop", "--json");
        assertThat(list.exitCode()).as(list.err()).isZero();
        JsonNode latest = list.json().get(0).path("latestDrill");
        assertThat(latest.path("outcome").asText()).isEqualTo("unreadable");
        assertThat(latest.path("recordKey").asText()).isEqualTo("releases/shop/r1/drills/20261202T000000.000Z.json");
        assertThat(latest.path("problem").asText()).isEqualTo("not a drill record (JSON)");
        assertThat(Cli.run("list", "--store", store).out()).contains("drill unreadable").doesNotContain("null");
    }

    @Test
    void noRbacToCreateNamespacesExitsOneNamingTheNamespaceThePermissionAndTheFix() throws Exception {
        cluster.authorizer(r -> r.method().equals("POST") && r.path().split("\\?")[0].equals("/api/v1/namespaces")
                ? "User \"tester\" cannot create resource \"namespaces\" in API group \"\" at the cluster scope" : null);
        Cli.Run run = Cli.run("drill", "--store", store, "--app", "shop", "--release", "r1", "--kubeconfig", kubeconfig.toString(),
                "--namespace-mapping", "demo=demo-scratch", "--encryption-key-file", keyFile.toString());
        cluster.authorizer(null);
        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
        assertThat(run.err()).contains("scratch namespace demo-scratch").contains("permission to create namespaces")
                .contains("verbs: [create]").doesNotContain("Exception");
        assertThat(cluster.client().namespaces().list().getItems()).extracting(n -> n.getMetadata().getName()).containsExactly("demo");
        assertThat(cluster.client().configMaps().inNamespace("demo").withName("settings").get().getData()).containsEntry("level", "info");
        assertThat(Path.of(store).resolve(dev.layercake.drill.DrillRecords.prefix("shop", "r1"))).doesNotExist();
    }

    @Test
    void drillCleanFromTheCommandLineRemovesWhatAKeptDrillLeft() {
        Cli.Run kept = Cli.run("drill", "--store", store, "--app", "shop", "--release", "r1", "--kubeconfig", kubeconfig.toString(),
                "--encryption-key-file", keyFile.toString(), "--keep-scratch");
        assertThat(kept.exitCode()).as(kept.out() + kept.err()).isZero();
        assertThat(cluster.client().namespaces().list().getItems()).hasSize(2);

        Cli.Run clean = Cli.run("drill", "--clean", "--store", store, "--kubeconfig", kubeconfig.toString(), "--json");
        assertThat(clean.exitCode()).as(clean.out() + clean.err()).isZero();
        assertThat(clean.json().path("removed").asInt()).isGreaterThanOrEqualTo(3); // namespace, ConfigMap, Deployment
        assertThat(cluster.client().namespaces().list().getItems()).extracting(n -> n.getMetadata().getName()).containsExactly("demo");
        assertThat(cluster.client().apps().deployments().inNamespace("demo").withName("web").get()).isNotNull();
    }

    @Test
    void anUnknownReleaseExitsOne() {
        Cli.Run run = Cli.run("drill", "--store", store, "--app", "shop", "--release", "nope", "--kubeconfig", kubeconfig.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("release shop/nope does not exist");
    }
}
