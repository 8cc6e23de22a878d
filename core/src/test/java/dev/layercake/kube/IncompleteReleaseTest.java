package dev.layercake.kube;

import dev.layercake.api.access.Access;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.layercake.LayercakeException;
import dev.layercake.backup.BackupEngine;
import dev.layercake.api.request.BackupRequest;
import dev.layercake.api.result.BackupResult;
import dev.layercake.backup.BackupSteps;
import dev.layercake.api.request.ImageOptions;
import dev.layercake.api.request.KubernetesOptions;
import dev.layercake.api.request.SourceOptions;
import dev.layercake.model.IncompleteEntry;
import dev.layercake.model.Json;
import dev.layercake.model.Manifest;
import dev.layercake.store.ReleaseStore;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.testing.GitRepoFixture;
import dev.layercake.testing.KubernetesMockServerFixture;
import dev.layercake.verify.ReleaseVerifier;
import dev.layercake.api.result.VerifyReport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A release never looks more complete than it is (issue 11, item 1): what the backup was asked to capture and
 * could not fails it by default, with nothing visible in the store; with {@code --secrets skip} or
 * {@code allowIncomplete} the release is written and its manifest names every missing part. On the code before
 * this, both backups without a key exited 0 with a manifest that looked whole.
 */
class IncompleteReleaseTest {

    @TempDir
    Path tmp;

    private GitRepoFixture repo;
    private KubernetesMockServerFixture cluster;
    private Path kubeconfig;
    private StoreLocation store;

    @BeforeEach
    void setUp() throws Exception {
        repo = GitRepoFixture.create(tmp.resolve("repo"));
        repo.write("deploy/app.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\n");
        repo.commit("release");
        cluster = KubernetesMockServerFixture.start();
        ShopApp.install(cluster.client());
        kubeconfig = cluster.writeKubeconfig(tmp.resolve("kubeconfig"), "prod");
        store = StoreLocation.parse(tmp.resolve("store").toString());
    }

    @AfterEach
    void tearDown() {
        cluster.close();
        repo.close();
    }

    private BackupResult backup(String release, KubernetesOptions.Secrets secrets, boolean allowIncomplete, ImageOptions images, KubeTestSupport.Recorder recorder) {
        return new BackupEngine(BackupSteps.defaults(), Access.fromEnvironment(Map.of()), Clock.systemUTC()).backup(new BackupRequest(store, "shop", release,
                new SourceOptions(repo.dir().toString(), null, List.of(), List.of(), false), null,
                images == null ? new ImageOptions(List.of(), ImageOptions.NONE, null, List.of()) : images,
                new KubernetesOptions(kubeconfig.toString(), null, List.of("shop-front", "shop-data"), List.of(), secrets, null, null),
                null, allowIncomplete), recorder);
    }

    @Test
    void secretsWithoutAKeyFailTheBackupAndWriteNoRelease() {
        KubeTestSupport.Recorder recorder = new KubeTestSupport.Recorder();
        assertThatThrownBy(() -> backup("r1", null, false, null, recorder))
                .isInstanceOfSatisfying(LayercakeException.class, e -> assertThat(e.kind()).isEqualTo(LayercakeException.Kind.FAILED))
                .hasMessageContaining("nothing was written")
                .hasMessageContaining("Secret(s) in namespace shop-front")
                .hasMessageContaining("--encryption-key-file")
                .hasMessageContaining("--allow-incomplete")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(ShopApp.SECRET_PASSWORD, ShopApp.SECRET_TOKEN, "czNjcjN0"));
        try (ReleaseStore s = ReleaseStore.open(store)) {
            assertThat(s.listReleases("shop")).isEmpty();
        }
    }

    @Test
    void secretsSkipOnPurposeIsRecordedAsIncompleteAndShownByVerify() throws Exception {
        BackupResult result = backup("r1", KubernetesOptions.SKIP, false, null, new KubeTestSupport.Recorder());
        assertThat(result.complete()).isFalse();
        try (ReleaseStore s = ReleaseStore.open(store)) {
            Manifest m = s.readManifest("shop", "r1");
            assertThat(m.complete()).isFalse();
            assertThat(m.incomplete()).extracting(IncompleteEntry::what).anyMatch(w -> w.contains("Secret(s) in namespace shop-front"));
            assertThat(m.incomplete()).extracting(IncompleteEntry::why).allMatch(w -> w.contains("--secrets skip"));
            byte[] bytes = s.readManifestBytes("shop", "r1");
            String text = new String(bytes, StandardCharsets.UTF_8);
            assertThat(text).contains("\"incomplete\"").doesNotContain(ShopApp.SECRET_PASSWORD, ShopApp.SECRET_TOKEN);
            JsonNode json = Json.mapper().readTree(bytes);
            try (InputStream in = getClass().getResourceAsStream("/schema/manifest-v1.schema.json")) {
                assertThat(JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in).validate(json)).isEmpty();
            }
            KubeTestSupport.Recorder verifyLog = new KubeTestSupport.Recorder();
            VerifyReport report = new ReleaseVerifier(s, verifyLog).verify("shop", "r1");
            assertThat(report.ok()).isTrue();
            assertThat(report.complete()).isFalse();
            assertThat(report.incomplete()).isEqualTo(m.incomplete());
            assertThat(verifyLog.warnings).anyMatch(w -> w.startsWith("INCOMPLETE release"));
        }
    }

    /** restore of an incomplete release warns, before it writes, naming what it cannot bring back; the result carries it. */
    @Test
    void restoreOfAnIncompleteReleaseWarnsLoudlyNamingWhatIsMissing() {
        backup("r1", KubernetesOptions.SKIP, false, null, new KubeTestSupport.Recorder());
        KubeTestSupport.Recorder log = new KubeTestSupport.Recorder();
        dev.layercake.api.result.RestoreResult result = new dev.layercake.restore.RestoreEngine(Access.fromEnvironment(Map.of())).restore(
                new dev.layercake.api.request.RestoreRequest(store, "shop", "r1", tmp.resolve("restored").toString(), null, List.of(),
                        null, false), log);
        assertThat(result.complete()).isFalse();
        assertThat(result.incomplete()).extracting(IncompleteEntry::what).anyMatch(w -> w.contains("Secret(s) in namespace shop-front"));
        assertThat(log.warnings).anyMatch(w -> w.startsWith("INCOMPLETE release") && w.contains("Secret(s) in namespace shop-front")
                && w.contains("this restore does NOT bring them back"));
        assertThat(String.join("\n", log.warnings) + Json.writeString(result))
                .doesNotContain(ShopApp.SECRET_PASSWORD, ShopApp.SECRET_TOKEN);
    }

    @Test
    void allowIncompleteWritesTheReleaseNamingWhatIsMissing() {
        BackupResult result = backup("r1", null, true, null, new KubeTestSupport.Recorder());
        assertThat(result.incomplete()).singleElement().satisfies(e -> {
            assertThat(e.what()).isEqualTo("1 Secret(s) in namespace shop-front");
            assertThat(e.why()).contains("no encryption key").contains("--encryption-key-file");
        });
        try (ReleaseStore s = ReleaseStore.open(store)) {
            assertThat(s.readManifest("shop", "r1").incomplete()).isEqualTo(result.incomplete());
        }
    }

    @Test
    void anImageThatCannotBePinnedFailsTheBackupUnlessAllowed() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = free.getLocalPort();
        }
        String gone = "127.0.0.1:" + port + "/shop/base:1";
        repo.write("Dockerfile", "FROM " + gone + "\n");
        repo.commit("base image out of reach");
        ImageOptions digestOnly = new ImageOptions(List.of(), ImageOptions.DIGEST_ONLY, null, List.of("127.0.0.1:" + port));
        assertThatThrownBy(() -> backup("r1", KubernetesOptions.SKIP, false, digestOnly, new KubeTestSupport.Recorder()))
                .isInstanceOfSatisfying(LayercakeException.class, e -> assertThat(e.kind()).isEqualTo(LayercakeException.Kind.FAILED))
                .hasMessageContaining("image " + gone + " (found in Dockerfile:1)").hasMessageContaining("not pinned");
        try (ReleaseStore s = ReleaseStore.open(store)) {
            assertThat(s.listReleases("shop")).isEmpty();
        }

        BackupResult result = backup("r2", KubernetesOptions.SKIP, true, digestOnly, new KubeTestSupport.Recorder());
        assertThat(result.incomplete()).extracting(IncompleteEntry::what).contains("image " + gone + " (found in Dockerfile:1)");
    }

    /** The third cause: a kind RBAC forbids listing in the app's namespace fails by default and is recorded when allowed. */
    @Test
    void aKindForbiddenByRbacFailsTheBackupUnlessAllowedThenTheManifestNamesIt() {
        cluster.forbid("GET", "/api/v1/namespaces/shop-data/configmaps");
        assertThatThrownBy(() -> backup("r1", KubernetesOptions.SKIP, false, null, new KubeTestSupport.Recorder()))
                .isInstanceOfSatisfying(LayercakeException.class, e -> assertThat(e.kind()).isEqualTo(LayercakeException.Kind.AUTH))
                .hasMessageContaining("RBAC forbids listing configmaps in shop-data")
                .hasMessageContaining("--allow-incomplete");
        try (ReleaseStore s = ReleaseStore.open(store)) {
            assertThat(s.listReleases("shop")).isEmpty();
        }

        KubeTestSupport.Recorder recorder = new KubeTestSupport.Recorder();
        BackupResult result = backup("r2", KubernetesOptions.SKIP, true, null, recorder);
        assertThat(result.complete()).isFalse();
        assertThat(result.incomplete()).anySatisfy(e -> {
            assertThat(e.what()).isEqualTo("Kubernetes configmaps in shop-data (every object of this type)");
            assertThat(e.why()).contains("RBAC forbids listing them").contains("context prod");
        });
        assertThat(recorder.warnings).anyMatch(w -> w.startsWith("INCOMPLETE release") && w.contains("configmaps in shop-data"));
        try (ReleaseStore s = ReleaseStore.open(store)) {
            Manifest m = s.readManifest("shop", "r2");
            assertThat(m.incomplete()).isEqualTo(result.incomplete());
            assertThat(m.kubernetes().resources()).noneMatch(r -> r.kind().equals("ConfigMap") && "shop-data".equals(r.namespace()));
            // No secret value in any new output: the manifest, the warnings, the result.
            assertThat(new String(s.readManifestBytes("shop", "r2"), StandardCharsets.UTF_8) + String.join("\n", recorder.warnings)
                    + Json.writeString(result)).doesNotContain(ShopApp.SECRET_PASSWORD, ShopApp.SECRET_TOKEN, "czNjcjN0");
        }
    }
}
