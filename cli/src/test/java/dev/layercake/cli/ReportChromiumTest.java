package dev.layercake.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.layercake.testing.GitRepoFixture;
import dev.layercake.testing.KubernetesMockServerFixture;
import dev.layercake.testing.RegistryFixture;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end: two real releases (git, images in a real registry, objects from the mock API server, hostile names
 * in all three), their report and diff written by the CLI, opened in headless Chromium: the DOM Chromium built is
 * checked, and screenshots are written under target/report-screenshots/ for people to look at.
 */
class ReportChromiumTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final String HOSTILE = "<script>document.title='pwned'</script>\"'&";
    static final String NON_ASCII = "café-商店-🍰";
    static final String LONG = "very-long-" + "n".repeat(3000);

    @TempDir
    Path tmp;

    @Test
    void aReleaseAndADiffRenderInChromiumWithHostileNamesAsText() throws Exception {
        RegistryFixture.requireBinary(CHROMIUM.toString(), "chromium");
        try (RegistryFixture registry = RegistryFixture.start(); KubernetesMockServerFixture cluster = KubernetesMockServerFixture.start();
             GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo"))) {
            byte[] base = "base layer ".repeat(4000).getBytes(StandardCharsets.UTF_8);
            String api1 = registry.host() + "/shop/api:1";
            String web1 = registry.host() + "/shop/web:1";
            OciPush.push(registry.host(), "shop/api", "1", List.of(base, "api v1".getBytes(StandardCharsets.UTF_8)));
            OciPush.push(registry.host(), "shop/web", "1", List.of(base, "web v1".getBytes(StandardCharsets.UTF_8)));

            var c = cluster.client();
            c.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build()).create();
            // The mock validates nothing: a name no real API server accepts stands for any attacker-chosen label or value.
            c.configMaps().inNamespace("shop").resource(new ConfigMapBuilder().withNewMetadata().withName(HOSTILE)
                    .addToLabels("app.kubernetes.io/part-of", "shop").endMetadata().addToData("level", "info")
                    .addToData("ASSETS_BUCKET", "shop-report-assets").build()).create();
            c.configMaps().inNamespace("shop").resource(new ConfigMapBuilder().withNewMetadata().withName(NON_ASCII)
                    .addToLabels("app.kubernetes.io/part-of", "shop").endMetadata().build()).create();
            c.configMaps().inNamespace("shop").resource(new ConfigMapBuilder().withNewMetadata().withName(LONG)
                    .addToLabels("app.kubernetes.io/part-of", "shop").endMetadata().build()).create();
            c.secrets().inNamespace("shop").resource(new SecretBuilder().withNewMetadata().withName("db-creds")
                    .addToLabels("app.kubernetes.io/part-of", "shop").endMetadata()
                    .addToData("password", Base64.getEncoder().encodeToString("hunter2-report".getBytes())).build()).create();
            c.persistentVolumeClaims().inNamespace("shop").resource(new PersistentVolumeClaimBuilder().withNewMetadata().withName("data")
                    .addToLabels("app.kubernetes.io/part-of", "shop").endMetadata().withNewSpec().withAccessModes("ReadWriteOnce").endSpec().build()).create();
            c.apps().deployments().inNamespace("shop").resource(new DeploymentBuilder().withNewMetadata().withName("api")
                    .addToLabels("app.kubernetes.io/part-of", "shop").endMetadata().withNewSpec().withReplicas(2).withNewSelector()
                    .addToMatchLabels("app", "api").endSelector().withNewTemplate().withNewMetadata().addToLabels("app", "api").endMetadata()
                    .withNewSpec().addNewContainer().withName("api").withImage(api1).endContainer().endSpec().endTemplate().endSpec().build()).create();
            Path kubeconfig = cluster.writeKubeconfig(tmp.resolve("kubeconfig"), "demo");
            Path key = tmp.resolve("key");
            Files.write(key, new byte[32]);

            repo.write("services/api/Dockerfile", "FROM " + api1 + "\n");
            repo.write("services/web/Dockerfile", "FROM " + web1 + "\n");
            repo.write("deploy/k8s/" + HOSTILE.replace("/", "_") + ".yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg-ünïcødé-" + "x".repeat(300) + "\n");
            repo.commit("release 1");
            String store = tmp.resolve("store").toString();
            Path ciRun = Files.writeString(tmp.resolve("ci-run.json"), "{\"run\": \"" + "r".repeat(1500) + "\"}");
            backup(store, repo, kubeconfig, key, registry, "r1", "https://ci.example/job/shop/1/", "--pipeline-file", ciRun.toString());

            // Release 2: the api image gains a layer, a file changes, the Deployment scales.
            OciPush.push(registry.host(), "shop/api", "1", List.of(base, "api v2".getBytes(StandardCharsets.UTF_8)));
            repo.write("deploy/k8s/extra.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n");
            repo.commit("release 2");
            c.apps().deployments().inNamespace("shop").withName("api").edit(d -> {
                d.getSpec().setReplicas(3);
                return d;
            });
            backup(store, repo, kubeconfig, key, registry, "r2", "javascript:alert(1)");

            Path out = Path.of("target", "report-screenshots").toAbsolutePath();
            Files.createDirectories(out);
            Path release = out.resolve("release-r1.html");
            Cli.Run report = Cli.run("report", "--store", store, "--app", "shop", "--release", "r1", "-o", release.toString(), "--json");
            assertThat(report.exitCode()).as(report.err()).isZero();
            JsonNode json = report.json();
            assertThat(json.path("file").asText()).isEqualTo(release.toString());
            assertThat(json.path("report").path("cake").path("images")).hasSize(2);
            Path diff = out.resolve("diff-r1-r2.html");
            Cli.Run diffRun = Cli.run("report", "--store", store, "--app", "shop", "--release", "r2", "--against", "r1", "-o", diff.toString());
            assertThat(diffRun.exitCode()).as(diffRun.err()).isZero();
            assertThat(diffRun.out()).contains("report of shop/r2 against r1: " + diff);

            String html = Files.readString(release);
            // Self-contained: nothing to fetch (the SVG namespace URI is a name, not a request).
            assertThat(html).doesNotContain("hunter2").doesNotContain("<script>").doesNotContain("<link").doesNotContain(" src=")
                    .doesNotContain("url(").doesNotContain("@import");
            String dom = chromium(release, out.resolve("release-r1.png"), "--dump-dom");
            // Chromium parsed no script: the title is ours, and the hostile name is a text node, not an element.
            assertThat(dom).contains("<title>Layercake report: shop/r1</title>");
            assertThat(dom).doesNotContain("<script>").contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;\"'&amp;");
            assertThat(dom).contains("id=\"cake-svg\"").contains("<a id=\"build-url\" href=\"https://ci.example/job/shop/1/\"");
            assertThat(dom).contains("db-creds").contains("names only, values encrypted").contains("shop/data");
            assertThat(dom).contains("cfg-ünïcødé-").doesNotContain("id=\"diff\"");
            // Non-ASCII and very long names arrive in the DOM as the same text (UTF-8 end to end, nothing cut).
            assertThat(dom).contains(NON_ASCII).contains(LONG);
            assertThat(count(dom, "<rect class=\"")).isEqualTo(4); // two images of two layers each
            // issue 16: the pipeline section (name, size) and the coverage map, grouped, each entry not covered
            assertThat(dom).contains("id=\"pipeline-files\"").contains("<td class=\"mono\">ci-run.json</td>").contains("<td>1.5 KiB</td>");
            String coverage = dom.substring(dom.indexOf("<section id=\"coverage\">"));
            coverage = coverage.substring(0, coverage.indexOf("</section>"));
            assertThat(coverage).contains("<table id=\"coverage-services\" class=\"coverage-group\">").contains("shop-report-assets")
                    .contains("not covered by this release").doesNotContain("id=\"coverage-items\"");
            assertThat(dom).contains("class=\"shared\"");

            String diffDom = chromium(diff, out.resolve("diff-r1-r2.png"), "--dump-dom");
            assertThat(diffDom).contains("id=\"diff\"").contains("+ deploy/k8s/extra.yaml");
            assertThat(diffDom).contains(registry.host() + "/shop/api").contains("class=\"reused\"");
            assertThat(diffDom).contains("/spec/replicas").contains("Deployment shop/api");
            assertThat(diffDom).doesNotContain("href=\"javascript").doesNotContain("hunter2");
            assertThat(out.resolve("release-r1.png")).isNotEmptyFile();
            assertThat(out.resolve("diff-r1-r2.png")).isNotEmptyFile();
        }
    }

    static void backup(String store, GitRepoFixture repo, Path kubeconfig, Path key, RegistryFixture registry, String release, String url,
                       String... extra) {
        List<String> args = new ArrayList<>(List.of("backup", "--app", "shop", "--release", release, "--store", store, "--source", repo.dir().toString(),
                "--namespace", "shop", "--kubeconfig", kubeconfig.toString(), "--encryption-key-file", key.toString(),
                "--insecure-registry", registry.host(), "--build-system", "jenkins", "--build-job", "shop/release",
                "--build-number", release.substring(1), "--build-url", url, "--json"));
        args.addAll(List.of(extra));
        Cli.Run run = Cli.run(args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.err()).isZero();
    }

    static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    /** Runs headless Chromium on the file (no network, a fresh profile); writes a screenshot; returns the dumped DOM. */
    static String chromium(Path html, Path screenshot, String mode) throws Exception {
        Path profile = Files.createTempDirectory("layercake-chromium-");
        List<String> base = List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--no-first-run", "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile);
        List<String> shot = new ArrayList<>(base);
        shot.addAll(List.of("--window-size=1100,1600", "--screenshot=" + screenshot, html.toUri().toString()));
        run(shot);
        List<String> dump = new ArrayList<>(base);
        dump.addAll(List.of(mode, html.toUri().toString()));
        return run(dump);
    }

    static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish: " + command);
        }
        assertThat(p.exitValue()).as("chromium exit code of " + command).isZero();
        return new String(out, StandardCharsets.UTF_8);
    }
}
