package dev.layercake.kube;

import dev.layercake.api.access.Access;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.layercake.backup.BackupEngine;
import dev.layercake.api.request.BackupRequest;
import dev.layercake.api.result.BackupResult;
import dev.layercake.backup.BackupSteps;
import dev.layercake.api.request.ImageOptions;
import dev.layercake.api.request.KubernetesOptions;
import dev.layercake.api.request.SourceOptions;
import dev.layercake.model.DriftEntry;
import dev.layercake.model.Json;
import dev.layercake.model.Manifest;
import dev.layercake.store.ReleaseStore;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.testing.GitRepoFixture;
import dev.layercake.testing.KubernetesMockServerFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The Kubernetes step inside a whole backup: git capture first, then the cluster, drift against the git YAML. */
class KubernetesBackupEngineTest {

    @TempDir
    Path tmp;

    @Test
    void aBackupCapturesTheAppRecordsDriftAndValidatesAgainstTheSchema() throws Exception {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo")).sampleRelease();
             KubernetesMockServerFixture cluster = KubernetesMockServerFixture.start()) {
            repo.write("k8s/config.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\n  namespace: shop-front\n"
                    + "data:\n  greeting: hello\n  color: blue\n");
            repo.commit("release");
            ShopApp.install(cluster.client());
            Path kubeconfig = cluster.writeKubeconfig(tmp.resolve("kubeconfig"), "prod");
            StoreLocation store = StoreLocation.parse(tmp.resolve("store").toString());
            KubeTestSupport.Recorder recorder = new KubeTestSupport.Recorder();
            Map<String, String> env = Map.of("LAYERCAKE_ENCRYPTION_KEY", Base64.getEncoder().encodeToString(KubernetesRoundTripTest.KEY));

            BackupResult result = new BackupEngine(BackupSteps.defaults(), Access.fromEnvironment(env), Clock.systemUTC()).backup(new BackupRequest(store, "shop", "r1",
                    new SourceOptions(repo.dir().toString(), null, List.of(), List.of(), false), null,
                    new ImageOptions(List.of(), ImageOptions.NONE, null, List.of()),
                    new KubernetesOptions(kubeconfig.toString(), null, List.of("shop-front", "shop-data"), List.of(), (KubernetesOptions.Secrets) null, null, null),
                    null), recorder);

            assertThat(result.kubernetesObjects()).isEqualTo(ShopApp.EXPECTED.size());
            try (ReleaseStore s = ReleaseStore.open(store)) {
                Manifest m = s.readManifest("shop", "r1");
                assertThat(m.kubernetes().resources()).hasSize(ShopApp.EXPECTED.size());
                DriftEntry config = KubernetesDriftAndDiffTest.find(m.kubernetes().drift(), "ConfigMap", "web-config");
                assertThat(config.declaredIn()).isEqualTo("k8s/config.yaml");
                assertThat(config.fields()).containsExactly("/data/greeting");
                // k8s/deploy.yaml declares Deployment web (no namespace): found in shop-front, its containers differ
                DriftEntry web = KubernetesDriftAndDiffTest.find(m.kubernetes().drift(), "Deployment", "web");
                assertThat(web.declaredIn()).isEqualTo("k8s/deploy.yaml");
                assertThat(web.namespace()).isEqualTo("shop-front");
                assertThat(web.change()).isEqualTo(DriftEntry.CHANGED);
                assertThat(recorder.warnings).anyMatch(w -> w.startsWith("drift: ConfigMap shop-front/web-config differs"));

                JsonNode manifest = Json.mapper().readTree(s.readManifestBytes("shop", "r1"));
                try (InputStream in = getClass().getResourceAsStream("/schema/manifest-v1.schema.json")) {
                    assertThat(JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in).validate(manifest)).isEmpty();
                }
            }
        }
    }
}
