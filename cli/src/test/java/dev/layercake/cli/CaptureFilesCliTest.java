package dev.layercake.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.layercake.testing.GitRepoFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12 items 8-10 and the small things: each a tiny real git repo, `backup --image-mode none`, `show --json`.
 */
class CaptureFilesCliTest {

    @TempDir
    Path tmp;

    private String store() {
        return tmp.resolve("store").toString();
    }

    private Cli.Run backup(GitRepoFixture repo, String release, String... extra) {
        List<String> args = new ArrayList<>(List.of("backup", "--store", store(), "--app", "app", "--release", release,
                "--source", repo.dir().toString(), "--image-mode", "none"));
        args.addAll(List.of(extra));
        Cli.Run run = Cli.run(args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.err()).isZero();
        return run;
    }

    private JsonNode show(String release) {
        Cli.Run show = Cli.run("show", "--store", store(), "--app", "app", "--release", release, "--json");
        assertThat(show.exitCode()).as(show.err()).isZero();
        return show.json();
    }

    private static Map<String, String> files(JsonNode m) {
        Map<String, String> out = new TreeMap<>();
        m.path("source").path("files").forEach(f -> out.put(f.path("path").asText(), f.path("kind").asText()
                + (f.path("mode").asText().equals("120000") ? " link" : "")));
        return out;
    }

    private static List<String> images(JsonNode m) {
        List<String> out = new ArrayList<>();
        m.path("source").path("referencedImages").forEach(r -> out.add(r.path("ref").asText() + " " + r.path("file").asText()
                + ":" + r.path("line").asInt()));
        return out;
    }

    // item 8
    @Test
    void gitlabLocalIncludesAreFollowedCapturedAndScannedInsideTheRepository() {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo"))) {
            repo.write(".gitlab-ci.yml", """
                    include:
                      - local: .gitlab/build.yml
                      - /.gitlab/test.yml
                      - local: '.gitlab/jobs/*.yml'
                      - project: other/group
                        file: /templates/x.yml
                      - remote: https://example.com/ci.yml
                      - local: ../../outside.yml
                      - local: $CI_DIR/x.yml
                    stages: [build]
                    """);
            repo.write(".gitlab/build.yml", """
                    include: .gitlab/nested.yml
                    build:
                      image: {name: registry.example.com/ci/builder:3, entrypoint: [""]}
                      services: [docker:27-dind]
                      script: [make]
                    """);
            repo.write(".gitlab/test.yml", "test:\n  image: python:3.12\n  script: [pytest]\n");
            repo.write(".gitlab/nested.yml", "lint:\n  image: golangci/golangci-lint:v1.59\n  script: [lint]\n");
            repo.write(".gitlab/jobs/deploy.yml", """
                    deploy:
                      image: alpine:3.20
                      services:
                        - name: postgres:16
                          alias: db
                      script: [deploy]
                    """);
            repo.write(".gitlab/jobs/notes.md", "not YAML\n");
            repo.write(".gitlab/unused.yml", "unused:\n  image: never/included:1\n");
            repo.commit("ci");

            Cli.Run run = backup(repo, "r1");
            JsonNode m = show("r1");
            assertThat(files(m)).containsOnlyKeys(".gitlab-ci.yml", ".gitlab/build.yml", ".gitlab/test.yml", ".gitlab/nested.yml",
                    ".gitlab/jobs/deploy.yml");
            assertThat(files(m).values()).containsOnly("pipeline");
            assertThat(Cli.run("show", "--store", store(), "--app", "app", "--release", "r1").out())
                    .contains("included CI files, followed (4)", "  .gitlab/nested.yml");
            List<String> includes = new ArrayList<>();
            m.path("source").path("includes").forEach(i -> includes.add(i.asText()));
            assertThat(includes).containsExactlyInAnyOrder(".gitlab/build.yml", ".gitlab/test.yml", ".gitlab/jobs/deploy.yml",
                    ".gitlab/nested.yml");
            assertThat(images(m)).containsExactlyInAnyOrder(
                    "registry.example.com/ci/builder:3 .gitlab/build.yml:3", "docker:27-dind .gitlab/build.yml:4",
                    "python:3.12 .gitlab/test.yml:2", "golangci/golangci-lint:v1.59 .gitlab/nested.yml:2",
                    "alpine:3.20 .gitlab/jobs/deploy.yml:2", "postgres:16 .gitlab/jobs/deploy.yml:4");
            assertThat(run.err()).contains("gitlab-ci: 4 included file(s) followed", "4 include(s) not followed",
                    "project other/group", "remote https://example.com/ci.yml", "../../outside.yml (leaves the repository)",
                    "$CI_DIR/x.yml (uses CI variables");
        }
    }

    // item 9
    @Test
    void symlinksToIacFilesAreClassifiedByTheirTargetAndRestoredAsLinks() throws Exception {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo"))) {
            repo.write("k/d.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n"
                    + "      containers: [{name: a, image: registry.example.com/a:1}]\n");
            repo.symlink("deploy.yaml", "k/d.yaml");
            repo.symlink("chain.yaml", "deploy.yaml");
            repo.write("docker/Dockerfile.prod", "FROM alpine:3.20\n");
            repo.symlink("Dockerfile", "docker/Dockerfile.prod");
            repo.symlink("outside.yaml", "../../etc/hosts");
            repo.symlink("abs.yaml", "/etc/hosts");
            repo.symlink("loop-a.yaml", "loop-b.yaml");
            repo.symlink("loop-b.yaml", "loop-a.yaml");
            repo.write("notes.txt", "x\n");
            repo.symlink("notes.yaml", "notes.txt");
            repo.commit("links");

            Cli.Run run = backup(repo, "r1");
            JsonNode m = show("r1");
            assertThat(files(m)).isEqualTo(new TreeMap<>(Map.of(
                    "k/d.yaml", "kubernetes", "deploy.yaml", "kubernetes link", "chain.yaml", "kubernetes link",
                    "docker/Dockerfile.prod", "dockerfile", "Dockerfile", "dockerfile link")));
            // each image once, from the file itself, not from the links
            assertThat(images(m)).containsExactlyInAnyOrder("registry.example.com/a:1 k/d.yaml:7", "alpine:3.20 docker/Dockerfile.prod:1");
            assertThat(run.err()).contains("2 symlink(s) point out of the repository", "outside.yaml -> ../../etc/hosts",
                    "abs.yaml -> /etc/hosts");

            Path out = tmp.resolve("restored");
            Cli.Run restore = Cli.run("restore", "--store", store(), "--app", "app", "--release", "r1", "--sources-to", out.toString());
            assertThat(restore.exitCode()).as(restore.err()).isZero();
            assertThat(Files.isSymbolicLink(out.resolve("deploy.yaml"))).isTrue();
            assertThat(Files.readSymbolicLink(out.resolve("deploy.yaml"))).isEqualTo(Path.of("k/d.yaml"));
            assertThat(Files.readString(out.resolve("chain.yaml"))).contains("kind: Deployment");
            assertThat(Files.isSymbolicLink(out.resolve("Dockerfile"))).isTrue();
        }
    }

    // item 10
    @Test
    void kubernetesLookingYamlThatDoesNotParseIsCountedAndNamed() {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo"))) {
            repo.write("samples/a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{NAME}}\ndata:\n  k: {{VALUE}\n");
            repo.write("samples/b.yml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n   bad: indent\n");
            repo.write("notes/plain.yaml", "just: [unclosed\n");
            repo.write("k/ok.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n");
            repo.commit("templated");

            Cli.Run run = backup(repo, "r1");
            assertThat(run.err()).contains("2 YAML file(s) with apiVersion/kind do not parse", "samples/a.yaml (line ", "samples/b.yml (line ");
            assertThat(run.err()).doesNotContain("notes/plain.yaml");
            JsonNode m = show("r1");
            List<String> unparsed = new ArrayList<>();
            m.path("source").path("unparsedYaml").forEach(u -> unparsed.add(u.path("path").asText()));
            assertThat(unparsed).containsExactly("samples/a.yaml", "samples/b.yml");
            assertThat(m.path("source").path("unparsedYaml").get(0).path("error").asText()).startsWith("line ");
            assertThat(files(m)).containsOnlyKeys("k/ok.yaml");
            assertThat(Cli.run("show", "--store", store(), "--app", "app", "--release", "r1").out())
                    .contains("YAML with apiVersion/kind that does not parse (2)", "  samples/a.yaml  (line ");

            Cli.Run json = Cli.run("backup", "--store", store(), "--app", "app", "--release", "r2", "--source", repo.dir().toString(),
                    "--image-mode", "none", "--json");
            assertThat(json.exitCode()).as(json.err()).isZero();
            assertThat(json.json().path("unparsedYaml")).hasSize(2);
        }
    }

    // small things: no empty kubernetes section, a sensible build line for a plain CLI run
    @Test
    void aPlainCliRunShowsNoEmptyKubernetesPhaseAndASensibleBuildLine() {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo"))) {
            repo.write("Dockerfile", "FROM alpine:3.20\n");
            repo.commit("one");
            Cli.Run run = backup(repo, "r1", "--build-system", "cli");
            assertThat(run.err()).contains("==> sources").doesNotContain("==> kubernetes");
            Cli.Run text = Cli.run("show", "--store", store(), "--app", "app", "--release", "r1");
            assertThat(text.out()).contains("build     cli (plain CLI run: job, number and URL not recorded)")
                    .doesNotContain("#-");
        }
    }

    // small things: digest-only with an unreachable image counts pinned and not pinned; the manifest says why
    @Test
    void digestOnlySummaryCountsImagesNotPinnedAndTheManifestRecordsWhy() {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo"))) {
            repo.write("Dockerfile", "FROM 127.0.0.1:9/unreachable/base:1\n");
            repo.commit("one");
            Cli.Run run = Cli.run("backup", "--store", store(), "--app", "app", "--release", "r1", "--source", repo.dir().toString(),
                    "--image-mode", "digest-only", "--allow-incomplete");
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out()).contains("images 0 pinned of 1 found, 1 not pinned (each listed as not captured, with the reason)");
            JsonNode m = show("r1");
            assertThat(m.path("incomplete").get(0).path("what").asText()).contains("image 127.0.0.1:9/unreachable/base:1");
            assertThat(m.path("incomplete").get(0).path("why").asText()).startsWith("not pinned: ");
        }
    }

    // neighbour of item 5 found on prometheus-community/helm-charts (kube-state-metrics): an empty tag the templates
    // default to "v" + appVersion is that, not appVersion
    @Test
    void anEmptyHelmTagFollowsTheChartsVPrefixedAppVersionDefault() {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo"))) {
            repo.write("ksm/Chart.yaml", "apiVersion: v2\nname: ksm\nversion: 1.0.0\nappVersion: 2.20.0\n");
            repo.write("ksm/values.yaml", "image:\n  registry: registry.k8s.io\n  repository: kube-state-metrics/kube-state-metrics\n  tag: \"\"\n");
            repo.write("ksm/templates/_helpers.tpl", "{{- printf \"%s/%s:%s\" .Values.image.registry .Values.image.repository"
                    + " (default (printf \"v%s\" .Chart.AppVersion) .Values.image.tag) }}\n");
            repo.write("plain/Chart.yaml", "apiVersion: v2\nname: plain\nversion: 1.0.0\nappVersion: 1.4.2\n");
            repo.write("plain/values.yaml", "image:\n  repository: example/app\n  tag: \"\"\n");
            repo.write("plain/templates/d.yaml", "image: {{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}\n");
            repo.commit("charts");
            backup(repo, "r1");
            assertThat(images(show("r1"))).containsExactlyInAnyOrder(
                    "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.20.0 ksm/values.yaml:3", "example/app:1.4.2 plain/values.yaml:2");
        }
    }
}
