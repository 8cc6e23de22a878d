package dev.layercake.cli;

import dev.layercake.api.access.Access;
import com.fasterxml.jackson.databind.JsonNode;
import dev.layercake.api.request.KubernetesOptions;
import dev.layercake.kube.KubernetesCaptureStep;
import dev.layercake.model.Json;
import dev.layercake.model.KubernetesSection;
import dev.layercake.model.Manifest;
import dev.layercake.api.request.Vocabulary;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.store.ReleaseStore;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.testing.KubernetesMockServerFixture;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

class DiffCommandTest {

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
    }

    static Run diff(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new DiffCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return new Run(cl.execute(args), out.toString(), err.toString());
    }

    @Test
    void diffsTwoReleasesAndALiveNamespaceReadableAndJson() throws Exception {
        try (KubernetesMockServerFixture cluster = KubernetesMockServerFixture.start()) {
            cluster.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("demo").endMetadata().build()).create();
            cluster.client().configMaps().inNamespace("demo").resource(new ConfigMapBuilder().withNewMetadata().withName("settings")
                    .addToLabels("app.kubernetes.io/part-of", "demo").endMetadata().addToData("level", "info").build()).create();
            // an app selection must find a workload (issue 12 item 11): the app runs one that reads the ConfigMap
            cluster.client().apps().deployments().inNamespace("demo").resource(new DeploymentBuilder().withNewMetadata().withName("web")
                    .addToLabels("app.kubernetes.io/part-of", "demo").endMetadata().withNewSpec().withNewSelector()
                    .addToMatchLabels("app", "web").endSelector().withNewTemplate().withNewMetadata().addToLabels("app", "web")
                    .endMetadata().withNewSpec().addNewContainer().withName("web").withImage("registry.example.com/demo/web:1")
                    .addNewEnvFrom().withNewConfigMapRef().withName("settings").endConfigMapRef().endEnvFrom().endContainer()
                    .endSpec().endTemplate().endSpec().build()).create();
            Path kubeconfig = cluster.writeKubeconfig(tmp.resolve("kubeconfig"), "prod");
            Path storeDir = tmp.resolve("store");
            KubernetesOptions options = new KubernetesOptions(kubeconfig.toString(), null, List.of("demo"), List.of(),
                    KubernetesOptions.SKIP, null, null);
            try (ReleaseStore store = ReleaseStore.open(StoreLocation.parse(storeDir.toString()))) {
                capture(store, options, "r1");
                cluster.client().configMaps().inNamespace("demo").withName("settings").edit(cm -> {
                    cm.getData().put("level", "debug");
                    return cm;
                });
                capture(store, options, "r2");
            }

            Run text = diff("--store", storeDir.toString(), "--app", "demo", "--release", "r1", "--against", "r2");
            assertThat(text.code()).as("differences exit 1, like kubectl diff: " + text.err()).isEqualTo(1);
            assertThat(text.out()).contains("diff demo/r1 -> demo/r2", "1 changed", "~ ConfigMap demo/settings",
                    "~ /data/level: info -> debug");

            Run json = diff("--store", storeDir.toString(), "--app", "demo", "--release", "r1", "--against", "r2", "--json");
            JsonNode doc = Json.mapper().readTree(json.out());
            assertThat(doc.path("changes").get(0).path("fields").get(0).path("pointer").asText()).isEqualTo("/data/level");

            Run live = diff("--store", storeDir.toString(), "--app", "demo", "--release", "r2", "--kubeconfig", kubeconfig.toString());
            assertThat(live.code()).as(live.err()).isZero();
            assertThat(live.out()).contains("diff demo/r2 -> live (context prod)", "0 changed, 0 added, 0 removed");

            Run same = diff("--store", storeDir.toString(), "--app", "demo", "--release", "r2", "--against", "r2");
            assertThat(same.code()).as(same.err()).isZero();

            // An error is above 1 (through the real front door's failure handler), never confused with "differences".
            Cli.Run missing = Cli.run("diff", "--store", storeDir.toString(), "--app", "demo", "--release", "r1", "--against", "nope");
            assertThat(missing.exitCode()).as(missing.err()).isEqualTo(2);
            assertThat(missing.err()).contains("nope");
            Cli.Run usage = Cli.run("diff", "--store", storeDir.toString(), "--app", "demo");
            assertThat(usage.exitCode()).isEqualTo(2);
        }
    }

    @Test
    void flagsAreTheVocabularyOfDiff() {
        Set<String> cli = new TreeSet<>();
        for (OptionSpec o : new CommandLine(new DiffCommand()).getCommandSpec().options()) {
            if (!Set.of("--json", "--debug", "--quiet", "--help").contains(o.longestName())) {
                cli.add(o.names()[0].startsWith("--") ? o.names()[0] : o.longestName());
            }
        }
        Set<String> vocabulary = new TreeSet<>();
        Vocabulary.forCommand("diff").stream().filter(v -> v != Vocabulary.JSON).forEach(v -> vocabulary.add(v.cliFlag()));
        assertThat(cli).isEqualTo(vocabulary);
    }

    private static void capture(ReleaseStore store, KubernetesOptions options, String release) {
        KubernetesSection section = KubernetesCaptureStep.capture(options, "demo", store, Access.fromEnvironment(Map.of()), ProgressListener.NONE, null,
                (ref, foundIn) -> { });
        store.writeManifest(new Manifest(Manifest.SCHEMA_VERSION, "demo", release, "2026-11-25T06:00:00Z", null, null, null,
                List.of(), section));
    }
}
