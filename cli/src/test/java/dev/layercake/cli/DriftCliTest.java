package dev.layercake.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.layercake.testing.GitRepoFixture;
import dev.layercake.testing.KubernetesMockServerFixture;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12 items 11 and 12, issue 16 section 3: the app selection must find a workload, and drift compares what
 * git declares, rendered (Kustomize roots with kubectl kustomize), with what the cluster serves and capture read.
 * Each a tiny real git repo, `backup --image-mode none`, `show --json`, against the fabric8 mock API server.
 */
class DriftCliTest {

    @TempDir
    Path tmp;

    KubernetesMockServerFixture cluster;
    Path kubeconfig;
    String store;

    @BeforeEach
    void start() {
        cluster = KubernetesMockServerFixture.start();
        kubeconfig = cluster.writeKubeconfig(tmp.resolve("kubeconfig"), "prod");
        store = tmp.resolve("store").toString();
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private void namespace(String name) {
        cluster.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
    }

    /** Creates every object of a YAML stream in the mock cluster (what `kubectl apply` of the render would leave). */
    private void apply(String yaml) {
        for (HasMetadata o : cluster.client().load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items()) {
            cluster.client().resource(o).create();
        }
    }

    /** kubectl kustomize, as a user would run it; kubectl is part of this project's test tools. */
    static String kustomize(Path dir) throws Exception {
        Process p = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("kubectl kustomize " + dir + ": " + err).isZero();
        return out;
    }

    private Cli.Run backup(Path repo, String app, String... extra) {
        List<String> args = new ArrayList<>(List.of("backup", "--store", store, "--app", app, "--source", repo.toString(),
                "--image-mode", "none", "--secrets", "skip", "--kubeconfig", kubeconfig.toString()));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    private JsonNode show(String app, String release) {
        Cli.Run show = Cli.run("show", "--store", store, "--app", app, "--release", release, "--json");
        assertThat(show.exitCode()).as(show.err()).isZero();
        return show.json();
    }

    private static List<String> drift(JsonNode manifest) {
        List<String> out = new ArrayList<>();
        for (JsonNode d : manifest.path("kubernetes").path("drift")) {
            out.add(d.path("change").asText() + " " + d.path("kind").asText() + " "
                    + (d.path("namespace").isTextual() ? d.path("namespace").asText() + "/" : "") + d.path("name").asText()
                    + " " + d.path("fields"));
        }
        return out;
    }

    static boolean onPath(String tool) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, tool)));
    }

    // ------------------------------------------------------------------ item 12 / issue 16 section 3

    @Test
    void aKustomizeOverlayScaledByHandIsDriftOnSpecReplicasAndNothingElse() throws Exception {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo"))) {
            repo.write("deploy/base/kustomization.yaml", """
                    apiVersion: kustomize.config.k8s.io/v1beta1
                    kind: Kustomization
                    resources: [deployment.yaml, service.yaml]
                    configMapGenerator:
                      - name: app-config
                        literals: [LEVEL=info]
                    labels:
                      - pairs: {app.kubernetes.io/part-of: shop}
                    """);
            repo.write("deploy/base/deployment.yaml", """
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata: {name: web}
                    spec:
                      replicas: 1
                      selector: {matchLabels: {app: web}}
                      template:
                        metadata: {labels: {app: web}}
                        spec:
                          containers:
                            - name: web
                              image: registry.example.com/shop/web:1.0
                              envFrom: [{configMapRef: {name: app-config}}]
                    """);
            repo.write("deploy/base/service.yaml", """
                    apiVersion: v1
                    kind: Service
                    metadata: {name: web}
                    spec: {selector: {app: web}, ports: [{port: 80}]}
                    """);
            repo.write("deploy/overlays/prod/kustomization.yaml", """
                    apiVersion: kustomize.config.k8s.io/v1beta1
                    kind: Kustomization
                    namespace: shop-prod
                    namePrefix: prod-
                    resources: [../../base]
                    patches:
                      - path: replicas.yaml
                    images:
                      - name: registry.example.com/shop/web
                        newTag: "2.0"
                    """);
            repo.write("deploy/overlays/prod/replicas.yaml", """
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata: {name: web}
                    spec: {replicas: 2}
                    """);
            repo.write("deploy/overlays/staging/kustomization.yaml", """
                    apiVersion: kustomize.config.k8s.io/v1beta1
                    kind: Kustomization
                    namespace: shop-staging
                    namePrefix: staging-
                    resources: [../../base]
                    """);
            // another tool's apiVersion/kind file: not a declared Kubernetes object
            repo.write("skaffold.yaml", "apiVersion: skaffold/v4beta6\nkind: Config\nmetadata: {name: shop}\nbuild: {artifacts: [{image: web}]}\n");
            // a cluster-scoped object written with a namespace (kubectl ignores it): printed without one
            repo.write("rbac/reader.yaml", """
                    apiVersion: rbac.authorization.k8s.io/v1
                    kind: ClusterRole
                    metadata:
                      name: shop-reader
                      namespace: shop-prod
                      labels: {app.kubernetes.io/part-of: shop}
                    rules:
                      - apiGroups: [""]
                        resources: [configmaps]
                        verbs: [get]
                    """);
            repo.commit("overlay layout");

            namespace("shop-prod");
            apply(kustomize(repo.dir().resolve("deploy/overlays/prod")));
            apply("""
                    apiVersion: rbac.authorization.k8s.io/v1
                    kind: ClusterRole
                    metadata:
                      name: shop-reader
                      labels: {app.kubernetes.io/part-of: shop}
                    rules:
                      - apiGroups: [""]
                        resources: [configmaps]
                        verbs: [get, list]
                    """);
            // scaled by hand
            cluster.client().apps().deployments().inNamespace("shop-prod").withName("prod-web").edit(d -> {
                d.getSpec().setReplicas(5);
                return d;
            });

            Cli.Run run = backup(repo.dir(), "shop", "--namespace", "shop-prod", "--release", "r1");
            assertThat(run.exitCode()).as(run.err()).isZero();
            JsonNode m = show("shop", "r1");

            assertThat(drift(m)).containsExactlyInAnyOrder(
                    "changed Deployment shop-prod/prod-web [\"/spec/replicas\"]",
                    "changed ClusterRole shop-reader [\"/rules/0/verbs\"]");
            JsonNode replicas = m.path("kubernetes").path("drift").findValues("details").stream()
                    .flatMap(d -> java.util.stream.StreamSupport.stream(d.spliterator(), false))
                    .filter(f -> f.path("pointer").asText().equals("/spec/replicas")).findFirst().orElseThrow();
            assertThat(replicas.path("declared").asText()).isEqualTo("2");
            assertThat(replicas.path("live").asText()).isEqualTo("5");
            JsonNode deployment = m.path("kubernetes").path("drift").get(0).path("kind").asText().equals("Deployment")
                    ? m.path("kubernetes").path("drift").get(0) : m.path("kubernetes").path("drift").get(1);
            assertThat(deployment.path("declaredIn").asText()).isEqualTo("kustomize deploy/overlays/prod");

            // the two overlays are the roots, the base is not; both rendered by kubectl kustomize with its version
            JsonNode rendered = m.path("kubernetes").path("rendered");
            assertThat(rendered).hasSize(2);
            List<String> roots = new ArrayList<>();
            for (JsonNode r : rendered) {
                roots.add(r.path("path").asText() + " " + r.path("status").asText() + " " + r.path("objects").asInt());
                assertThat(r.path("tool").asText()).isEqualTo("kubectl kustomize");
                assertThat(r.path("toolVersion").asText()).contains("kustomize v");
            }
            assertThat(roots).containsExactlyInAnyOrder("deploy/overlays/prod rendered 3", "deploy/overlays/staging rendered 3");
            // the log says what was not compared, and why
            assertThat(run.err()).contains("declared for namespaces not read: shop-staging (3)", "skaffold/v4beta6 Config (1)");
            assertThat(run.err()).doesNotContain("but not live", "live but not declared");

            Cli.Run text = Cli.run("show", "--store", store, "--app", "shop", "--release", "r1");
            assertThat(text.out()).contains("drift (2)", "~ Deployment shop-prod/prod-web", "/spec/replicas: declared 2, live 5",
                    "~ ClusterRole shop-reader", "rendered for drift (2)", "  kustomize deploy/overlays/prod: rendered by kubectl kustomize");
        }
    }

    @Test
    void theSampleReleaseRendersItsOverlayAndSaysItsChartIsNotRendered() throws Exception {
        Path src = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("../src").normalize();
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("sample"))) {
            copyTree(src, repo.dir());
            repo.commit("sample");
            for (String f : List.of("namespace.yaml")) {
                apply(Files.readString(repo.dir().resolve("deploy/k8s/" + f)));
            }
            apply(kustomize(repo.dir().resolve("deploy/kustomize/overlays/prod")));
            for (String f : List.of("worker.yaml", "ingress.yaml")) {
                apply(Files.readString(repo.dir().resolve("deploy/k8s/" + f)));
            }
            cluster.client().apps().deployments().inNamespace("shop-prod").withName("web").edit(d -> {
                d.getSpec().setReplicas(5);
                return d;
            });

            Path ciRun = Files.writeString(tmp.resolve("ci-run.json"), "{\"run\": 42}");
            Cli.Run run = backup(repo.dir(), "shop", "--namespace", "shop-prod", "--release", "r1", "--pipeline-file", ciRun.toString());
            assertThat(run.exitCode()).as(run.err()).isZero();
            JsonNode m = show("shop", "r1");
            assertThat(drift(m)).containsExactly("changed Deployment shop-prod/web [\"/spec/replicas\"]");

            // issue 16, must show: each of the three sections in `show` for the sample release
            String text = Cli.run("show", "--store", store, "--app", "shop", "--release", "r1").out();
            assertThat(text).contains("drift (1)", "~ Deployment shop-prod/web", "/spec/replicas: declared 3, live 5",
                    "rendered for drift (2)", "  kustomize deploy/kustomize/overlays/prod: rendered by kubectl kustomize",
                    onPath("helm") ? "  helm deploy/helm/shop: rendered by helm template" : "  helm deploy/helm/shop: not rendered: helm not on PATH");
            assertThat(text).contains("pipeline (1 file(s), cli)").containsPattern("\\n  ci-run\\.json +11  ");
            assertThat(text).containsPattern("NOT covered by this release: \\d+ volume\\(s\\), \\d+ storage service reference\\(s\\)")
                    .contains("  bucket (aws-s3): ${var.name}-assets-${var.environment} (aws_s3_bucket.assets)  (infra/terraform/main.tf:20): not covered by this release")
                    .contains("  database (aws-rds): ${var.name}-orders-${var.environment} (aws_db_instance.orders)  (infra/terraform/main.tf:25): not covered by this release");
            // the database is named in git and on the live ConfigMap, its user never
            assertThat(text).containsPattern("database \\(postgresql\\): postgres://shop-orders-prod\\.[^\\n]*\\(deploy/k8s/worker\\.yaml:10 ")
                    .containsPattern("database \\(postgresql\\): postgres://shop-orders-prod\\.[^\\n]*\\(ConfigMap shop-prod/worker-config data\\.DATABASE_URL")
                    .doesNotContain("postgres://shop@");
            List<String> rendered = new ArrayList<>();
            m.path("kubernetes").path("rendered").forEach(r -> rendered.add(r.path("type").asText() + " " + r.path("path").asText()
                    + " " + r.path("status").asText() + (r.path("why").isTextual() ? ": " + r.path("why").asText() : "")));
            String helm = onPath("helm") ? "helm deploy/helm/shop rendered" : "helm deploy/helm/shop not rendered: helm not on PATH";
            assertThat(rendered).containsExactly("kustomize deploy/kustomize/overlays/prod rendered", helm);
            if (!onPath("helm")) {
                // what the chart declares is unknown, so nothing live is called "not declared"
                assertThat(run.err()).contains("live objects not declared in git are not reported");
            }
        }
    }

    static void copyTree(Path from, Path to) {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ item 11

    @Test
    void aSelectionThatFindsNoWorkloadFailsAndSuggestsTheLabelsItSaw() {
        namespace("demo");
        cluster.client().apps().deployments().inNamespace("demo").resource(new DeploymentBuilder().withNewMetadata().withName("web")
                .addToLabels("app", "web").endMetadata().withNewSpec().withNewSelector().addToMatchLabels("app", "web").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata().withNewSpec().addNewContainer()
                .withName("web").withImage("registry.example.com/web:1").endContainer().endSpec().endTemplate().endSpec().build()).create();
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo"))) {
            repo.write("README.md", "x\n");
            repo.commit("one");

            Cli.Run none = backup(repo.dir(), "demo", "--namespace", "demo", "--release", "r1");
            assertThat(none.exitCode()).as(none.err()).isEqualTo(1);
            assertThat(none.err()).contains("app.kubernetes.io/part-of=demo", "found no workload", "namespace(s) demo",
                    "Workloads in namespace demo carry `app=web`", "Try `--selector app=web`", "--allow-empty-selection");
            Cli.Run list = Cli.run("list", "--store", store, "--app", "demo", "--json");
            assertThat(list.out()).doesNotContain("r1");

            Cli.Run empty = backup(repo.dir(), "demo", "--namespace", "demo", "--release", "r2", "--allow-empty-selection");
            assertThat(empty.exitCode()).as(empty.err()).isZero();
            assertThat(show("demo", "r2").path("kubernetes").path("resources")).extracting(r -> r.path("kind").asText())
                    .containsExactly("Namespace");

            Cli.Run fixed = backup(repo.dir(), "demo", "--namespace", "demo", "--release", "r3", "--selector", "app=web");
            assertThat(fixed.exitCode()).as(fixed.err()).isZero();
            assertThat(show("demo", "r3").path("kubernetes").path("resources")).extracting(r -> r.path("kind").asText())
                    .contains("Deployment");
        }
    }
}
