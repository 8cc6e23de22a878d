package dev.layercake.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.layercake.testing.GitRepoFixture;
import dev.layercake.testing.TreeAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end on the repository's own sample release, {@code src/} (the quickstart's input): copied into a
 * fresh git repository, backed up with the CLI, verified, and restored byte-identical to {@code git archive}.
 * What it asserts about {@code src/} is what {@code src/README.md} says.
 */
class SampleReleaseTest {

    @TempDir
    Path tmp;

    /** The repository's {@code src/}: surefire runs in the cli module's folder. */
    private static Path sampleRelease() {
        Path src = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("../src").normalize();
        assertThat(src.resolve("README.md")).as("the sample release at " + src).isRegularFile();
        return src;
    }

    private static void copyTree(Path from, Path to) {
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

    private static Map<String, String> kinds(JsonNode manifest) {
        Map<String, String> kinds = new TreeMap<>();
        manifest.path("source").path("files").forEach(f -> kinds.put(f.path("path").asText(), f.path("kind").asText()));
        return kinds;
    }

    @Test
    void theSampleReleaseBacksUpVerifiesAndRestoresLikeGitArchive() throws Exception {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("shop"))) {
            copyTree(sampleRelease(), repo.dir());
            String commit = repo.commit("shop 1.4.2");
            String store = tmp.resolve("store").toString();
            Path archive = tmp.resolve("archive");
            repo.gitArchive(commit, archive);

            // The default selection: every kind of file, and nothing that is only application code.
            Cli.Run backup = Cli.run("backup", "--app", "shop", "--store", store, "--source", repo.dir().toString(),
                    "--release", "1.4.2", "--image-mode", "none", "--json");
            assertThat(backup.exitCode()).as(backup.err()).isZero();
            assertThat(backup.json().path("release").asText()).isEqualTo("1.4.2");
            Cli.Run show = Cli.run("show", "--store", store, "--app", "shop", "--release", "1.4.2", "--json");
            assertThat(show.exitCode()).as(show.err()).isZero();
            JsonNode manifest = show.json();
            assertThat(manifest.path("source").path("commit").asText()).isEqualTo(commit);

            Map<String, String> kinds = kinds(manifest);
            assertThat(kinds.values()).contains("dockerfile", "terraform", "helm", "kustomize", "kubernetes", "pipeline")
                    .doesNotContain("other");
            assertThat(kinds).containsEntry("services/api/Dockerfile", "dockerfile")
                    .containsEntry("services/web/Dockerfile", "dockerfile")
                    .containsEntry("services/worker/Containerfile", "dockerfile")
                    .containsEntry("infra/terraform/main.tf", "terraform")
                    .containsEntry("infra/terraform/prod.tfvars", "terraform")
                    .containsEntry("infra/terraform/.terraform.lock.hcl", "terraform")
                    .containsEntry("deploy/helm/shop/Chart.yaml", "helm")
                    .containsEntry("deploy/helm/shop/templates/_helpers.tpl", "helm")
                    .containsEntry("deploy/kustomize/base/kustomization.yaml", "kustomize")
                    .containsEntry("deploy/kustomize/base/web.env", "kustomize")
                    .containsEntry("deploy/kustomize/overlays/prod/replicas.yaml", "kustomize")
                    .containsEntry("deploy/k8s/namespace.yaml", "kubernetes")
                    .containsEntry("deploy/k8s/ingress.yaml", "kubernetes")
                    .containsEntry("deploy/k8s/worker.yaml", "kubernetes")
                    .containsEntry("Jenkinsfile", "pipeline")
                    .containsEntry("ci/tekton/release-pipelinerun.yaml", "pipeline");
            List<String> all = repo.lsFiles();
            List<String> left = new ArrayList<>(all);
            left.removeAll(kinds.keySet());
            assertThat(left).containsExactlyInAnyOrder("README.md", "services/api/go.mod", "services/api/main.go",
                    "services/web/app.js", "services/web/index.html", "services/web/package.json",
                    "services/worker/requirements.txt", "services/worker/worker.py");

            List<String> images = new ArrayList<>();
            manifest.path("source").path("referencedImages").forEach(r -> images.add(r.path("ref").asText()));
            assertThat(images).contains(
                    "golang:1.22.5-bookworm",                      // FROM --platform with an ARG default
                    "gcr.io/distroless/static-debian12:nonroot",   // FROM ${RUNTIME_IMAGE}
                    "node:20.15-alpine", "nginxinc/nginx-unprivileged:1.27-alpine",
                    "docker.io/library/python:3.12-slim",
                    "registry.example.com/shop/api:1.4.2",         // Helm: empty tag is the chart's appVersion
                    "registry.example.com/shop/web:1.4.2",
                    "registry.example.com/shop/worker:1.4.2",
                    "docker.io/library/redis:7.2-alpine");
            assertThat(images).doesNotContain("build", "assets", "deps");

            Cli.Run verify = Cli.run("verify", "--store", store, "--app", "shop", "--release", "1.4.2", "--json");
            assertThat(verify.exitCode()).as(verify.err()).isZero();
            assertThat(verify.json().path("ok").asBoolean()).isTrue();

            Path restored = tmp.resolve("restored");
            Cli.Run restore = Cli.run("restore", "--store", store, "--app", "shop", "--release", "1.4.2",
                    "--sources-to", restored.toString(), "--json");
            assertThat(restore.exitCode()).as(restore.err()).isZero();
            for (String path : kinds.keySet()) {
                assertThat(Files.readAllBytes(restored.resolve(path))).as(path).isEqualTo(Files.readAllBytes(archive.resolve(path)));
            }

            // Everything in the commit: the restored tree is git archive's, byte for byte.
            Cli.Run everything = Cli.run("backup", "--app", "shop", "--store", store, "--source", repo.dir().toString(),
                    "--release", "1.4.2-all", "--include", "**", "--image-mode", "none", "--json");
            assertThat(everything.exitCode()).as(everything.err()).isZero();
            assertThat(everything.json().path("files").asInt()).isEqualTo(all.size());
            Cli.Run verifyAll = Cli.run("verify", "--store", store, "--app", "shop", "--release", "1.4.2-all");
            assertThat(verifyAll.exitCode()).as(verifyAll.err()).isZero();
            Path restoredAll = tmp.resolve("restored-all");
            Cli.Run restoreAll = Cli.run("restore", "--store", store, "--app", "shop", "--release", "1.4.2-all",
                    "--sources-to", restoredAll.toString());
            assertThat(restoreAll.exitCode()).as(restoreAll.err()).isZero();
            TreeAssertions.assertSameTree(archive, restoredAll);
        }
    }
}
