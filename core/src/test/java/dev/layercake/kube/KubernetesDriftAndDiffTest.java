package dev.layercake.kube;

import dev.layercake.api.access.Access;
import dev.layercake.api.request.KubernetesOptions;
import dev.layercake.model.Digest;
import dev.layercake.model.DriftEntry;
import dev.layercake.model.Json;
import dev.layercake.model.SourceFile;
import dev.layercake.model.SourceSection;
import dev.layercake.api.request.RestoreRequest;
import dev.layercake.store.ReleaseStore;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.testing.KubernetesMockServerFixture;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class KubernetesDriftAndDiffTest {

    static final String DECLARED = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: web-config
            data:
              greeting: hello
              color: blue
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: retired, namespace: shop-front}
            data: {a: b}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: db-tuning, namespace: shop-data, labels: {app.kubernetes.io/part-of: shop}}
            data: {max_connections: "200"}
            """;

    @TempDir
    Path tmp;

    KubernetesMockServerFixture cluster;
    ReleaseStore store;
    Path kubeconfig;
    final Map<String, String> env = Map.of("LAYERCAKE_ENCRYPTION_KEY", Base64.getEncoder().encodeToString(KubernetesRoundTripTest.KEY));

    @BeforeEach
    void start() {
        cluster = KubernetesMockServerFixture.start();
        ShopApp.install(cluster.client());
        kubeconfig = cluster.writeKubeconfig(tmp.resolve("kubeconfig"), "prod");
        store = ReleaseStore.open(StoreLocation.parse(tmp.resolve("store").toString()));
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    KubernetesOptions options() {
        return new KubernetesOptions(kubeconfig.toString(), "prod", List.of("shop-front", "shop-data"), List.of(),
                KubernetesOptions.ENCRYPT, null, null);
    }

    @Test
    void reportsDriftOfTheDeclaredYamlAgainstTheLiveObjects() {
        byte[] yaml = DECLARED.getBytes(StandardCharsets.UTF_8);
        Digest digest = store.putBytes(yaml, "text/yaml").digest();
        SourceSection source = new SourceSection("repo", "abc123", "main", null, false,
                List.of(new SourceFile("deploy/app.yaml", "kubernetes", digest, yaml.length, SourceFile.MODE_FILE)), List.of(), null);
        KubeTestSupport.Recorder recorder = new KubeTestSupport.Recorder();

        KubeTestSupport.Captured captured = KubeTestSupport.backup(store, "shop", "r1", options(), env, source, recorder);

        List<DriftEntry> drift = captured.manifest().kubernetes().drift();
        DriftEntry config = find(drift, "ConfigMap", "web-config");
        assertThat(config.change()).isEqualTo(DriftEntry.CHANGED);
        assertThat(config.namespace()).isEqualTo("shop-front");
        assertThat(config.declaredIn()).isEqualTo("deploy/app.yaml");
        assertThat(config.fields()).containsExactly("/data/greeting");
        assertThat(config.details().get(0)).isEqualTo(new DriftEntry.Field("/data/greeting", DriftEntry.CHANGED, "hello", "hola"));
        assertThat(find(drift, "ConfigMap", "retired").change()).isEqualTo(DriftEntry.REMOVED);
        assertThat(drift).noneMatch(d -> d.name().equals("db-tuning"));
        assertThat(find(drift, "Deployment", "web").change()).isEqualTo(DriftEntry.ADDED);
        assertThat(recorder.warnings).anyMatch(w -> w.contains("ConfigMap shop-front/web-config differs from deploy/app.yaml")
                && w.contains("/data/greeting: declared hello, live hola"));
        // the manifest carries it
        assertThat(new String(Json.write(captured.manifest()), StandardCharsets.UTF_8)).contains("\"/data/greeting\"");
    }

    @Test
    void diffsTwoReleasesAndAReleaseAgainstTheLiveNamespaces() {
        KubeTestSupport.Captured r1 = KubeTestSupport.backup(store, "shop", "r1", options(), env, null, new KubeTestSupport.Recorder());
        RestoreRequest.KubernetesTarget live = new RestoreRequest.KubernetesTarget(true, kubeconfig.toString(), "prod", Map.of(),
                "skip", false, null, null, null);
        dev.layercake.api.result.DiffReport unchanged = ReleaseDiff.againstLive(store, r1.manifest(), live, new KubeTestSupport.Recorder(), Access.fromEnvironment(env));
        assertThat(unchanged.identical()).as(unchanged.text()).isTrue();

        cluster.client().configMaps().inNamespace("shop-front").withName("web-config").edit(cm -> {
            cm.getData().put("greeting", "hello");
            return cm;
        });
        cluster.client().apps().deployments().inNamespace("shop-front").withName("web").edit(d -> {
            d.getSpec().setReplicas(3);
            return d;
        });
        cluster.client().secrets().inNamespace("shop-front").withName("db-credentials").edit(s -> {
            s.getData().put("password", Base64.getEncoder().encodeToString("rotated".getBytes(StandardCharsets.UTF_8)));
            return s;
        });
        cluster.client().configMaps().inNamespace("shop-front").withName("web-flags").delete();
        cluster.client().configMaps().inNamespace("shop-data").resource(new ConfigMapBuilder().withNewMetadata().withName("db-extra")
                .addToLabels("app.kubernetes.io/part-of", "shop").endMetadata().addToData("k", "v").build()).create();

        KubeTestSupport.Captured r2 = KubeTestSupport.backup(store, "shop", "r2", options(), env, null, new KubeTestSupport.Recorder());

        dev.layercake.api.result.DiffReport diff = ReleaseDiff.between(store, r1.manifest(), r2.manifest(), null);
        assertThat(diff.changes()).extracting(c -> c.change() + " " + c.object()).containsExactlyInAnyOrder(
                "changed ConfigMap shop-front/web-config", "changed Deployment shop-front/web", "changed Secret shop-front/db-credentials",
                "removed ConfigMap shop-front/web-flags", "added ConfigMap shop-data/db-extra");
        dev.layercake.api.result.DiffChange deployment = diff.changes().stream().filter(c -> c.kind().equals("Deployment")).findFirst().orElseThrow();
        assertThat(deployment.fields()).containsExactly(new DriftEntry.Field("/spec/replicas", DriftEntry.CHANGED, "2", "3"));
        String text = diff.text();
        assertThat(text).contains("diff shop/r1 -> shop/r2", "3 changed, 1 added, 1 removed", "~ ConfigMap shop-front/web-config",
                "    ~ /data/greeting: hola -> hello", "+ ConfigMap shop-data/db-extra", "- ConfigMap shop-front/web-flags");
        assertThat(text).doesNotContain("rotated", "cm90YXRlZA==", "czNjcjN0LXBhNTV3MHJk");
        assertThat(Json.writeString(diff)).contains("\"change\" : \"changed\"").doesNotContain("cm90YXRlZA==");

        // with the key, the Secret's changed field is named, its values still hidden
        dev.layercake.api.result.DiffReport keyed = ReleaseDiff.between(store, r1.manifest(), r2.manifest(), SecretCipher.ofKey(KubernetesRoundTripTest.KEY));
        dev.layercake.api.result.DiffChange secret = keyed.changes().stream().filter(c -> c.kind().equals("Secret")).findFirst().orElseThrow();
        assertThat(secret.fields()).containsExactly(new DriftEntry.Field("/data/password", DriftEntry.CHANGED, "(hidden)", "(hidden)"));

        dev.layercake.api.result.DiffReport againstLive = ReleaseDiff.againstLive(store, r1.manifest(), live, new KubeTestSupport.Recorder(), Access.fromEnvironment(env));
        assertThat(againstLive.changes()).extracting(c -> c.change() + " " + c.object())
                .containsExactlyInAnyOrderElementsOf(diff.changes().stream().map(c -> c.change() + " " + c.object()).toList());
    }

    static DriftEntry find(List<DriftEntry> drift, String kind, String name) {
        return drift.stream().filter(d -> d.kind().equals(kind) && d.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no drift for " + kind + " " + name + " in " + drift));
    }
}
