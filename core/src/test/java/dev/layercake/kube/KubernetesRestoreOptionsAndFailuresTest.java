package dev.layercake.kube;

import dev.layercake.restore.KubeRestoreTargets;
import dev.layercake.api.access.Access;
import dev.layercake.api.result.KubernetesRestoreReport;
import dev.layercake.LayercakeException;
import dev.layercake.api.request.KubernetesOptions;
import dev.layercake.model.Digest;
import dev.layercake.model.ImageCopy;
import dev.layercake.model.ImageEntry;
import dev.layercake.model.Manifest;
import dev.layercake.model.SourceFile;
import dev.layercake.model.SourceSection;
import dev.layercake.restore.RestoreEngine;
import dev.layercake.api.request.RestoreRequest;
import dev.layercake.api.result.RestoreResult;
import dev.layercake.store.ReleaseStore;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.testing.KubernetesMockServerFixture;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class KubernetesRestoreOptionsAndFailuresTest {

    static final Map<String, String> MAPPING = Map.of("shop-front", "front-restored", "shop-data", "data-restored");

    @TempDir
    Path tmp;

    KubernetesMockServerFixture source;
    KubernetesMockServerFixture target;
    ReleaseStore store;
    Path sourceConfig;
    Path targetConfig;
    final Map<String, String> env = Map.of("LAYERCAKE_ENCRYPTION_KEY", Base64.getEncoder().encodeToString(KubernetesRoundTripTest.KEY));

    @BeforeEach
    void start() {
        source = KubernetesMockServerFixture.start();
        target = KubernetesMockServerFixture.start();
        ShopApp.install(source.client());
        sourceConfig = source.writeKubeconfig(tmp.resolve("source"), "prod");
        targetConfig = target.writeKubeconfig(tmp.resolve("target"), "dr");
        store = ReleaseStore.open(StoreLocation.parse(tmp.resolve("store").toString()));
    }

    @AfterEach
    void stop() {
        source.close();
        target.close();
    }

    KubernetesOptions options(List<String> selectors) {
        return new KubernetesOptions(sourceConfig.toString(), null, List.of("shop-front", "shop-data"), selectors,
                KubernetesOptions.ENCRYPT, null, null);
    }

    KubeTestSupport.Captured backup() {
        return KubeTestSupport.backup(store, "shop", "r1", options(List.of()), env, null, new KubeTestSupport.Recorder());
    }

    RestoreRequest.KubernetesTarget to(String existing, boolean pin, String imagesFrom) {
        return new RestoreRequest.KubernetesTarget(true, targetConfig.toString(), null, MAPPING, existing, pin, imagesFrom, null, null);
    }

    KubernetesRestoreReport restore(Manifest m, Digest d, RestoreRequest.KubernetesTarget t, boolean dryRun, Map<String, String> env) {
        return new KubernetesRestore(store, m, d, KubeRestoreTargets.of(t), dryRun, new KubeTestSupport.Recorder(), Access.fromEnvironment(env)).run();
    }

    boolean targetHasAnything() {
        return !target.client().namespaces().list().getItems().isEmpty()
                || !target.client().apiextensions().v1().customResourceDefinitions().list().getItems().isEmpty();
    }

    // ---------------------------------------------------------------- capture: bad input

    @Test
    void unknownContextIsAUsageErrorNamingTheContextsThatExist() {
        KubernetesOptions bad = new KubernetesOptions(sourceConfig.toString(), "staging", List.of("shop-front"), List.of(),
                KubernetesOptions.ENCRYPT, null, null);
        assertThatThrownBy(() -> KubeTestSupport.backup(store, "shop", "r1", bad, env, null, new KubeTestSupport.Recorder()))
                .isInstanceOfSatisfying(LayercakeException.class, e -> assertThat(e.kind()).isEqualTo(LayercakeException.Kind.USAGE))
                .hasMessageContaining("no context 'staging'").hasMessageContaining("it has: prod");
        assertThat(store.listApps()).isEmpty();
    }

    @Test
    void forbiddenByRbacIsAnAuthErrorNamingWhatCannotBeListed() {
        source.forbid("GET", "/api/v1/namespaces/shop-front/secrets");
        assertThatThrownBy(this::backup)
                .isInstanceOfSatisfying(LayercakeException.class, e -> assertThat(e.kind()).isEqualTo(LayercakeException.Kind.AUTH))
                .hasMessageContaining("RBAC forbids listing secrets in shop-front").hasMessageContaining("context prod");
        assertThat(store.listApps()).isEmpty();
    }

    @Test
    void anUnreachableClusterIsUnavailableNamingTheServer() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = free.getLocalPort();
        }
        Path gone = tmp.resolve("gone");
        java.nio.file.Files.writeString(gone, "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: 'http://127.0.0.1:"
                + port + "'}\nusers:\n- name: u\n  user: {}\ncontexts:\n- name: gone\n  context: {cluster: c, user: u}\ncurrent-context: gone\n");
        KubernetesOptions bad = new KubernetesOptions(gone.toString(), null, List.of("shop-front"), List.of(),
                KubernetesOptions.SKIP, null, null);
        assertThatThrownBy(() -> KubeTestSupport.backup(store, "shop", "r1", bad, env, null, new KubeTestSupport.Recorder()))
                .isInstanceOfSatisfying(LayercakeException.class, e -> assertThat(e.kind()).isEqualTo(LayercakeException.Kind.UNAVAILABLE))
                .hasMessageContaining("cannot be reached").hasMessageContaining("127.0.0.1:" + port);
        assertThat(store.listApps()).isEmpty();
    }

    @Test
    void anApiGroupFailingDiscoveryIsSkippedWithAWarning() {
        source.fail("GET", "/apis/policy/v1", 503);
        KubeTestSupport.Recorder recorder = new KubeTestSupport.Recorder();
        KubeTestSupport.Captured c = KubeTestSupport.backup(store, "shop", "r1", options(List.of()), env, null, recorder);
        assertThat(c.manifest().kubernetes().resources()).hasSize(ShopApp.EXPECTED.size());
        assertThat(recorder.warnings).anyMatch(w -> w.contains("API groups not answering discovery") && w.contains("policy/v1 (HTTP 503)"));
    }

    @Test
    void malformedSelectorIsAUsageError() {
        assertThatThrownBy(() -> KubeTestSupport.backup(store, "shop", "r1", options(List.of("tier in (web,db")), env, null,
                new KubeTestSupport.Recorder()))
                .isInstanceOfSatisfying(LayercakeException.class, e -> assertThat(e.kind()).isEqualTo(LayercakeException.Kind.USAGE))
                .hasMessageContaining("--selector 'tier in (web,db' is malformed");
    }

    @Test
    void selectorsAreOredAndSecretsAreSkippedWithAWarningWithoutAKey() {
        KubeTestSupport.Recorder recorder = new KubeTestSupport.Recorder();
        KubeTestSupport.Captured c = KubeTestSupport.backup(store, "shop", "r1",
                options(List.of("app.kubernetes.io/part-of=shop", "app.kubernetes.io/part-of in (other)")), Map.of(), null, recorder);
        List<String> names = c.manifest().kubernetes().resources().stream().map(r -> r.kind() + " " + r.name()).toList();
        assertThat(names).contains("Deployment web", "Deployment other-web", "ConfigMap other-config", "ConfigMap other-data")
                .doesNotContain("Secret db-credentials");
        assertThat(c.manifest().kubernetes().encryptionKeyId()).isNull();
        assertThat(recorder.warnings).anyMatch(w -> w.contains("NOT captured: 1 Secret(s) in namespace shop-front: no encryption key"));
    }

    // ---------------------------------------------------------------- restore: bad input and failures

    @Test
    void missingEncryptionKeyOnRestoreFailsBeforeTouchingTheCluster() {
        KubeTestSupport.Captured c = backup();
        assertThatThrownBy(() -> restore(c.manifest(), c.digest(), to("skip", false, null), false, Map.of()))
                .isInstanceOfSatisfying(LayercakeException.class, e -> assertThat(e.kind()).isEqualTo(LayercakeException.Kind.USAGE))
                .hasMessageContaining("1 encrypted Secret(s)").hasMessageContaining("--encryption-key-file")
                .hasMessageContaining("nothing was applied");
        assertThat(targetHasAnything()).isFalse();

        byte[] wrong = new byte[32];
        Map<String, String> wrongEnv = Map.of("LAYERCAKE_ENCRYPTION_KEY", Base64.getEncoder().encodeToString(wrong));
        assertThatThrownBy(() -> restore(c.manifest(), c.digest(), to("skip", false, null), false, wrongEnv))
                .isInstanceOfSatisfying(LayercakeException.class, e -> assertThat(e.kind()).isEqualTo(LayercakeException.Kind.AUTH))
                .hasMessageContaining("was encrypted with key " + c.manifest().kubernetes().encryptionKeyId());
        assertThat(targetHasAnything()).isFalse();
    }

    @Test
    void aRestoreThatCannotApplyItsObjectsWritesNoFileEither() {
        byte[] tf = "resource \"x\" \"y\" {}\n".getBytes(StandardCharsets.UTF_8);
        SourceSection files = new SourceSection("repo", "abc123", "main", null, false,
                List.of(new SourceFile("infra/main.tf", "terraform", store.putBytes(tf, "text/plain").digest(),
                        tf.length, SourceFile.MODE_FILE)), List.of(), null);
        KubeTestSupport.Captured c = KubeTestSupport.backup(store, "shop", "r1", options(List.of()), env, files, new KubeTestSupport.Recorder());
        Path sources = tmp.resolve("restored-sources");
        RestoreRequest request = new RestoreRequest(StoreLocation.parse(tmp.resolve("store").toString()), "shop", "r1",
                sources.toString(), null, List.of(), to("skip", false, null), false);
        // No encryption key in the engine's environment: the cluster check fails before any other write.
        assertThatThrownBy(() -> new RestoreEngine(Access.fromEnvironment(Map.of())).restore(request, new KubeTestSupport.Recorder()))
                .isInstanceOfSatisfying(LayercakeException.class, e -> assertThat(e.kind()).isEqualTo(LayercakeException.Kind.USAGE))
                .hasMessageContaining("nothing was applied");
        assertThat(sources).doesNotExist();
        assertThat(targetHasAnything()).isFalse();
        assertThat(c.manifest().kubernetes().resources()).isNotEmpty();

        // With the key, the same request restores both.
        RestoreResult done = new RestoreEngine(Access.fromEnvironment(env)).restore(request, new KubeTestSupport.Recorder());
        assertThat(done.kubernetes().entries()).isNotEmpty();
        assertThat(sources.resolve("infra/main.tf")).hasBinaryContent(tf);
        assertThat(targetHasAnything()).isTrue();
    }

    @Test
    void customResourcesWaitUntilTheirCrdIsEstablished() throws Exception {
        KubeTestSupport.Captured c = backup();
        target.establishCrds(false);
        // The API server establishes the CRD 800 ms after it was created (here: an update once allowed).
        Thread establisher = new Thread(() -> {
            try {
                for (int i = 0; i < 100 && target.client().apiextensions().v1().customResourceDefinitions().withName("widgets.example.com").get() == null; i++) {
                    Thread.sleep(50);
                }
                Thread.sleep(800);
                target.establishCrds(true);
                var crd = target.client().apiextensions().v1().customResourceDefinitions().withName("widgets.example.com").get();
                crd.getMetadata().setLabels(Map.of("touched", "true"));
                target.client().resource(crd).update(); // a PUT, which the fixture's API server answers by establishing it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        establisher.start();
        long t0 = System.nanoTime();
        KubernetesRestoreReport report = new KubernetesRestore(store, c.manifest(), c.digest(), KubeRestoreTargets.of(to("skip", false, null)), false,
                new KubeTestSupport.Recorder(), Access.fromEnvironment(env)).establishTimeout(Duration.ofSeconds(30)).run();
        long waitedMs = (System.nanoTime() - t0) / 1_000_000;
        establisher.join();
        assertThat(waitedMs).as("waited for Established").isGreaterThanOrEqualTo(800);
        assertThat(report.applied()).extracting(KubernetesRestoreReport.Entry::object)
                .contains("Widget front-restored/shop-widget", "Deployment front-restored/web");
    }

    @Test
    void aCrdThatIsNeverEstablishedStopsTheRestoreSayingWhatWasApplied() {
        KubeTestSupport.Captured c = backup();
        target.establishCrds(false);
        KubernetesRestoreException e = catchThrowableOfType(KubernetesRestoreException.class, () ->
                new KubernetesRestore(store, c.manifest(), c.digest(), KubeRestoreTargets.of(to("skip", false, null)), false,
                        new KubeTestSupport.Recorder(), Access.fromEnvironment(env)).establishTimeout(Duration.ofSeconds(1)).run());
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("not established within 1s").contains("Applied before the failure")
                .contains("CustomResourceDefinition widgets.example.com");
        assertThat(e.report().applied()).extracting(KubernetesRestoreReport.Entry::object)
                .containsExactly("CustomResourceDefinition widgets.example.com");
        assertThat(target.client().apiextensions().v1().customResourceDefinitions().withName("widgets.example.com").get())
                .as("the CRD itself was created, and the message says so").isNotNull();
    }

    @Test
    void aCustomResourceWhoseCrdTheTargetLacksFailsBeforeApplyingAnything() {
        source.client().apiextensions().v1().customResourceDefinitions().withName("widgets.example.com").edit(crd -> {
            crd.getMetadata().setLabels(Map.of(KubeRules.EXCLUDE_LABEL, "true"));
            return crd;
        });
        KubeTestSupport.Captured c = backup();
        assertThat(c.manifest().kubernetes().resources()).noneMatch(r -> r.kind().equals("CustomResourceDefinition"));
        assertThatThrownBy(() -> restore(c.manifest(), c.digest(), to("skip", false, null), false, env))
                .isInstanceOfSatisfying(LayercakeException.class, e -> assertThat(e.kind()).isEqualTo(LayercakeException.Kind.UNSUPPORTED))
                .hasMessageContaining("does not serve example.com/v1 Widget")
                .hasMessageContaining("Widget.example.com front-restored/shop-widget")
                .hasMessageContaining("nothing was applied");
        assertThat(targetHasAnything()).isFalse();
    }

    @Test
    void aRestoreThatFailsMidwaySaysExactlyWhatWasApplied() {
        KubeTestSupport.Captured c = backup();
        target.forbid("POST", "/api/v1/namespaces/front-restored/services");
        KubernetesRestoreException e = catchThrowableOfType(KubernetesRestoreException.class,
                () -> restore(c.manifest(), c.digest(), to("skip", false, null), false, env));
        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(LayercakeException.Kind.AUTH);
        KubernetesRestoreReport report = e.report();
        assertThat(report.failed()).singleElement().satisfies(f -> assertThat(f.kind()).isEqualTo("Service"));
        assertThat(report.applied()).extracting(KubernetesRestoreReport.Entry::kind)
                .contains("CustomResourceDefinition", "Namespace", "ServiceAccount", "Secret", "Deployment", "StatefulSet")
                .doesNotContain("Service", "Ingress");
        for (KubernetesRestoreReport.Entry applied : report.applied()) {
            assertThat(e.getMessage()).contains(applied.object());
            assertThat(KubernetesRoundTripTest.get(target, applied.apiVersion(), applied.kind(), applied.namespace(), applied.name()))
                    .as(applied.object()).isNotNull();
        }
        assertThat(e.getMessage()).contains("stopped at Service front-restored/").contains("forbidden by RBAC");
        assertThat(KubernetesRoundTripTest.get(target, "networking.k8s.io/v1", "Ingress", "front-restored", "web")).isNull();
        assertThat(report.entries()).anyMatch(x -> x.action().equals(KubernetesRestoreReport.NOT_APPLIED) && x.kind().equals("Ingress"));

        // fixed: a second run skips what exists and completes
        target.allowAll();
        KubernetesRestoreReport second = restore(c.manifest(), c.digest(), to("skip", false, null), false, env);
        assertThat(second.skipped()).hasSize(report.applied().size());
        assertThat(second.applied()).hasSize(ShopApp.EXPECTED.size() - report.applied().size());
    }

    @Test
    void dryRunPrintsThePlanInOrderAndTouchesNothing() {
        KubeTestSupport.Captured c = backup();
        KubernetesRestoreReport plan = restore(c.manifest(), c.digest(), to("skip", false, null), true, env);
        assertThat(plan.dryRun()).isTrue();
        assertThat(plan.entries()).allMatch(e -> e.action().equals(KubernetesRestoreReport.WOULD_CREATE));
        List<String> kinds = plan.entries().stream().map(KubernetesRestoreReport.Entry::kind).toList();
        assertThat(kinds.indexOf("CustomResourceDefinition")).isLessThan(kinds.indexOf("Namespace"));
        assertThat(kinds.lastIndexOf("Namespace")).isLessThan(kinds.indexOf("ServiceAccount"));
        assertThat(kinds.indexOf("ServiceAccount")).isLessThan(kinds.indexOf("Role"));
        assertThat(kinds.indexOf("RoleBinding")).isLessThan(kinds.indexOf("Secret"));
        assertThat(kinds.indexOf("Secret")).isLessThan(kinds.indexOf("ConfigMap"));
        assertThat(kinds.lastIndexOf("ConfigMap")).isLessThan(kinds.indexOf("PersistentVolumeClaim"));
        assertThat(kinds.indexOf("PersistentVolumeClaim")).isLessThan(kinds.indexOf("Deployment"));
        assertThat(kinds.indexOf("StatefulSet")).isLessThan(kinds.indexOf("Service"));
        assertThat(kinds.lastIndexOf("Service")).isLessThan(kinds.indexOf("Ingress"));
        assertThat(kinds.indexOf("Ingress")).isLessThan(kinds.indexOf("Widget"));
        assertThat(plan.lines()).contains("create Deployment front-restored/web");
        assertThat(targetHasAnything()).isFalse();
    }

    @Test
    void existingObjectsAreSkippedUpdatedOrRefused() {
        KubeTestSupport.Captured c = backup();
        restore(c.manifest(), c.digest(), to("skip", false, null), false, env);
        target.client().configMaps().inNamespace("front-restored").withName("web-config").edit(cm -> {
            cm.getData().put("greeting", "changed on target");
            return cm;
        });

        assertThatThrownBy(() -> restore(c.manifest(), c.digest(), to("fail", false, null), false, env))
                .isInstanceOfSatisfying(LayercakeException.class, e -> assertThat(e.kind()).isEqualTo(LayercakeException.Kind.CONFLICT))
                .hasMessageContaining("ConfigMap front-restored/web-config").hasMessageContaining("nothing was applied");

        KubernetesRestoreReport skipped = restore(c.manifest(), c.digest(), to("skip", false, null), false, env);
        assertThat(skipped.applied()).isEmpty();
        assertThat(target.client().configMaps().inNamespace("front-restored").withName("web-config").get().getData())
                .containsEntry("greeting", "changed on target");

        KubernetesRestoreReport updated = restore(c.manifest(), c.digest(), to("update", false, null), false, env);
        assertThat(updated.applied()).hasSize(ShopApp.EXPECTED.size());
        assertThat(target.client().configMaps().inNamespace("front-restored").withName("web-config").get().getData())
                .containsEntry("greeting", "hola");
    }

    @Test
    void updateUsesTheObjectAsItIsWhenApplied() {
        KubeTestSupport.Captured c = backup();
        restore(c.manifest(), c.digest(), to("skip", false, null), false, env);
        KubernetesRestore restore = new KubernetesRestore(store, c.manifest(), c.digest(), KubeRestoreTargets.of(to("update", false, null)), false,
                new KubeTestSupport.Recorder(), Access.fromEnvironment(env));
        try (KubernetesRestore.Checked checked = restore.check()) {
            // While sources and images are restored, a controller (here: us) changes a live object.
            target.client().configMaps().inNamespace("front-restored").withName("web-config").edit(cm -> {
                cm.getData().put("greeting", "changed after the check");
                return cm;
            });
            KubernetesRestoreReport updated = restore.apply(checked);
            assertThat(updated.applied()).hasSize(ShopApp.EXPECTED.size());
        }
        assertThat(target.client().configMaps().inNamespace("front-restored").withName("web-config").get().getData())
                .containsEntry("greeting", "hola");
    }

    @Test
    void imagesArePinnedToTheReleaseDigestsAndPointedAtTheBackupRegistry() {
        KubeTestSupport.Captured c = backup();
        Digest web = Digest.of("web".getBytes(StandardCharsets.UTF_8));
        Digest db = Digest.of("db".getBytes(StandardCharsets.UTF_8));
        Manifest withImages = new Manifest(c.manifest().schemaVersion(), "shop", "r1", c.manifest().createdAt(), null, null, null,
                List.of(new ImageEntry("registry.example.com/shop/web:1.4.2", web, null, List.of(), 0, List.of(),
                                List.of(new ImageCopy(ImageCopy.REGISTRY, "backup.example.com/mirror/shop/web:1.4.2")), List.of(), List.of()),
                        new ImageEntry("registry.example.com/shop/db:16.2", db, null, List.of(), 0, List.of(), List.of(), List.of(), List.of())),
                c.manifest().kubernetes());

        restore(withImages, c.digest(), to("skip", true, "backup.example.com/mirror"), false, env);

        Deployment d = target.client().apps().deployments().inNamespace("front-restored").withName("web").get();
        assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("backup.example.com/mirror/shop/web@" + web);
        assertThat(target.client().apps().statefulSets().inNamespace("data-restored").withName("db").get()
                .getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("backup.example.com/mirror/shop/db@" + db);
    }

    @Test
    void pinningAloneKeepsTheRegistry() {
        ImageRewriter pin = new ImageRewriter(List.of(new ImageEntry("nginx:1.27", Digest.of(new byte[]{1}), null, List.of(), 0,
                List.of(), List.of(), List.of(), List.of())), true, null);
        assertThat(pin.rewrite("docker.io/library/nginx:1.27")).isEqualTo("docker.io/library/nginx@" + Digest.of(new byte[]{1}));
        assertThat(pin.rewrite("quay.io/x/y:2")).isEqualTo("quay.io/x/y:2");
    }
}
