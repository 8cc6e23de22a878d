package dev.layercake.tekton;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The backup step's script against a stand-in {@code layercake} that records how it was called and
 * prints a given JSON: how params, workspaces and credentials become CLI flags and environment, and how
 * the CLI's JSON becomes results, including the cases the real CLI rarely produces (hundreds of images,
 * escapes in the URI). The real CLI runs in {@link BackupTaskRunTest}.
 */
class BackupStepScriptTest {

    static final String DIGEST = "sha256:" + "ab".repeat(32);

    @TempDir
    Path tmp;
    Path source;
    Path bin;

    @BeforeEach
    void setUp() throws Exception {
        source = Files.createDirectories(tmp.resolve("workspace/source"));
        bin = tmp.resolve("bin");
    }

    /** A layercake that writes its arguments and selected environment to files and prints {@code json}. */
    void fakeCli(String json, int exitCode) throws Exception {
        Files.writeString(tmp.resolve("cli-output.json"), json);
        TaskRunSimulator.executable(bin.resolve("layercake"), """
                #!/usr/bin/env bash
                printf '%%s\\n' "$@" > '%1$s/cli-args'
                env | grep -E '^(DOCKER_CONFIG|REGISTRY_AUTH_FILE|LAYERCAKE_REGISTRY_CA|AWS_[A-Z_]+|TEKTON_[A-Z_]+)=' | sort > '%1$s/cli-env'
                echo "progress goes to stderr" >&2
                cat '%1$s/cli-output.json'
                exit %2$d
                """.formatted(tmp, exitCode));
    }

    static String output(String release, String uri, List<String> pinned) {
        StringBuilder images = new StringBuilder();
        for (String p : pinned) {
            images.append(images.isEmpty() ? "" : ",").append('"').append(p).append('"');
        }
        return """
                {"app":"shop","release":"%s","manifestDigest":"%s","store":"s3://bucket/x","manifestUri":"%s",
                 "files":3,"images":%d,"kubernetesObjects":0,"pinnedImages":[%s],
                 "nested":{"release":"not-this-one","pinnedImages":["nor-this"]},"frozen":false}
                """.formatted(release, DIGEST, uri, pinned.size(), images);
    }

    TaskRunSimulator backup() {
        return new TaskRunSimulator(Catalog.Entry.BACKUP.task(), tmp.resolve("run")).path(bin)
                .workspace("source", source)
                .param("app", "shop")
                .param("store", "s3://bucket/x");
    }

    List<String> cliArgs() throws Exception {
        return Files.readAllLines(tmp.resolve("cli-args"));
    }

    Map<String, String> cliEnv() throws Exception {
        Map<String, String> env = new java.util.TreeMap<>();
        for (String line : Files.readAllLines(tmp.resolve("cli-env"))) {
            int eq = line.indexOf('=');
            env.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return env;
    }

    @Test
    void everyParamBecomesItsCliFlag() throws Exception {
        fakeCli(output("r1", "s3://bucket/x/releases/shop/r1/manifest.json", List.of()), 0);
        TaskRunSimulator.Run run = backup()
                .param("release", "r1")
                .param("source", "app")
                .param("ref", "v1.2")
                .param("include", List.of("deploy/**", "*.tf"))
                .param("exclude", List.of("docs/**"))
                .param("git-bundle", "true")
                .param("images", List.of("registry.example/shop/web:1.2", "registry.example/shop/worker:1.2"))
                .param("image-mode", "digest-only")
                .param("image-target", "backup.example/shop")
                .param("insecure-registry", List.of("127.0.0.1:5000"))
                .param("namespace", List.of("shop", "shop-jobs"))
                .param("selector", List.of("app.kubernetes.io/part-of=shop"))
                .param("context", "prod")
                .param("secrets", "skip")
                .param("helm-release", "shop-web")
                .param("helm-namespace", "shop-prod")
                .param("s3-endpoint", "http://127.0.0.1:9000")
                .param("s3-region", "eu-west-1")
                .param("s3-path-style", "true")
                .param("freeze", "true")
                .param("retain-until", "2030-01-01")
                .param("legal-hold", "false")
                .param("build-url", "https://dashboard.example/#/pipelineruns/release-42")
                .param("triggered-by", "alice")
                .run();
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(cliArgs()).containsExactly(
                "backup", "--json",
                "--include", "deploy/**", "--include", "*.tf", "--exclude", "docs/**",
                "--image", "registry.example/shop/web:1.2", "--image", "registry.example/shop/worker:1.2",
                "--insecure-registry", "127.0.0.1:5000",
                "--namespace", "shop", "--namespace", "shop-jobs",
                "--selector", "app.kubernetes.io/part-of=shop",
                "--app", "shop", "--store", "s3://bucket/x", "--release", "r1",
                "--source", source + "/app", "--ref", "v1.2", "--git-bundle",
                "--build-url", "https://dashboard.example/#/pipelineruns/release-42", "--triggered-by", "alice",
                "--image-mode", "digest-only", "--image-target", "backup.example/shop",
                "--context", "prod", "--secrets", "skip", "--helm-release", "shop-web", "--helm-namespace", "shop-prod",
                "--s3-endpoint", "http://127.0.0.1:9000", "--s3-region", "eu-west-1", "--s3-path-style",
                "--freeze", "--retain-until", "2030-01-01");
        assertThat(run.stderr()).contains("progress goes to stderr");
    }

    @Test
    void defaultsPassOnlyWhatTheCliNeeds() throws Exception {
        fakeCli(output("r1", "s3://bucket/x/releases/shop/r1/manifest.json", List.of()), 0);
        TaskRunSimulator.Run run = backup().run();
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(cliArgs()).containsExactly("backup", "--json", "--app", "shop", "--store", "s3://bucket/x",
                "--source", source + "/.", "--ref", "HEAD", "--image-mode", "copy", "--secrets", "encrypt");
    }

    @Test
    void aValueThatLooksLikeShellStaysData() throws Exception {
        fakeCli(output("r1", "s3://bucket/x/releases/shop/r1/manifest.json", List.of()), 0);
        String hostile = "shop$(touch " + tmp + "/pwned)`touch " + tmp + "/pwned2`;echo";
        TaskRunSimulator.Run run = backup().param("app", hostile).param("selector", List.of("a=b; rm -rf /")).run();
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(cliArgs()).contains(hostile, "a=b; rm -rf /");
        assertThat(tmp.resolve("pwned")).doesNotExist();
        assertThat(tmp.resolve("pwned2")).doesNotExist();
    }

    @Test
    void theBuildComesFromTheTaskRunAndThePodsPipelineLabels() throws Exception {
        fakeCli(output("r1", "s3://bucket/x/releases/shop/r1/manifest.json", List.of()), 0);
        backup().taskRunName("release-42-backup").label("tekton.dev/pipelineRun", "release-42")
                .label("tekton.dev/pipeline", "release").run();
        assertThat(cliEnv()).containsEntry("TEKTON_PIPELINE_RUN", "release-42").containsEntry("TEKTON_PIPELINE", "release")
                .containsEntry("TEKTON_TASK_RUN", "release-42-backup").containsEntry("TEKTON_TASK", "layercake-backup-app");

        backup().taskRunName("standalone").run();
        assertThat(cliEnv()).containsEntry("TEKTON_TASK_RUN", "standalone").containsEntry("TEKTON_PIPELINE_RUN", "");
    }

    @Test
    void thePipelineRunsNamespaceReachesTheCliSoItCanStoreThePipeline() throws Exception {
        fakeCli(output("r1", "s3://bucket/x/releases/shop/r1/manifest.json", List.of()), 0);
        backup().taskRunName("release-42-backup").label("tekton.dev/pipelineRun", "release-42").run();
        assertThat(cliEnv()).containsEntry("TEKTON_PIPELINE_RUN", "release-42").containsEntry("TEKTON_NAMESPACE", "default");
    }

    @Test
    void theRbacSampleGrantsOnlyGetOnThePipelineKinds() {
        var docs = TektonDocuments.parse(java.nio.file.Path.of("task/layercake-backup-app/0.1/samples/rbac.yaml"));
        var role = TektonDocuments.ofType(docs, io.fabric8.kubernetes.api.model.rbac.Role.class).stream()
                .filter(r -> r.getMetadata().getName().equals("layercake-backup-pipeline")).findFirst().orElseThrow();
        assertThat(role.getRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getApiGroups()).containsExactly("tekton.dev");
            assertThat(rule.getResources()).containsExactlyInAnyOrder("pipelineruns", "pipelines", "tasks");
            assertThat(rule.getVerbs()).containsExactly("get");
        });
    }

    @Test
    void credentialsComeFromTheBoundWorkspaces() throws Exception {
        fakeCli(output("r1", "s3://bucket/x/releases/shop/r1/manifest.json", List.of()), 0);
        Path docker = Files.createDirectories(tmp.resolve("ws/dockerconfig"));
        Files.writeString(docker.resolve(".dockerconfigjson"), "{\"auths\":{}}");
        Path aws = Files.createDirectories(tmp.resolve("ws/aws"));
        Files.writeString(aws.resolve("credentials"), "[default]\n");
        Files.writeString(aws.resolve("config"), "[default]\n");
        Path key = Files.createDirectories(tmp.resolve("ws/key"));
        Files.writeString(key.resolve("aes.key"), "x".repeat(32));
        Path kube = Files.createDirectories(tmp.resolve("ws/kube"));
        Files.writeString(kube.resolve("kubeconfig"), "apiVersion: v1\n");
        Path ca = Files.createDirectories(tmp.resolve("ws/ca"));
        Files.writeString(ca.resolve("ca.crt"), "-----BEGIN CERTIFICATE-----\n");
        Files.writeString(ca.resolve("second.pem"), "-----BEGIN CERTIFICATE-----\n");

        TaskRunSimulator.Run run = backup().workspace("dockerconfig", docker).workspace("aws-credentials", aws)
                .workspace("encryption-key", key).param("encryption-key-file", "aes.key")
                .workspace("kubeconfig", kube).workspace("registry-ca", ca).run();
        assertThat(run.exitCode()).as(run.toString()).isZero();
        Map<String, String> env = cliEnv();
        Path dockerConfig = Path.of(env.get("DOCKER_CONFIG"));
        assertThat(dockerConfig.resolve("config.json")).hasContent("{\"auths\":{}}");
        assertThat(env).containsEntry("REGISTRY_AUTH_FILE", dockerConfig.resolve("config.json").toString())
                .containsEntry("AWS_SHARED_CREDENTIALS_FILE", aws.resolve("credentials").toString())
                .containsEntry("AWS_CONFIG_FILE", aws.resolve("config").toString())
                .containsEntry("LAYERCAKE_REGISTRY_CA", ca.resolve("ca.crt") + ":" + ca.resolve("second.pem"));
        assertThat(cliArgs()).containsSubsequence("--encryption-key-file", key.resolve("aes.key").toString())
                .containsSubsequence("--kubeconfig", kube.resolve("kubeconfig").toString());
        assertThat(run.stderr()).doesNotContain("auths").doesNotContain("xxxxxxxx");

        Path keys = Files.createDirectories(tmp.resolve("ws/aws-keys"));
        Files.writeString(keys.resolve("AWS_ACCESS_KEY_ID"), "AKIAEXAMPLE");
        Files.writeString(keys.resolve("AWS_SECRET_ACCESS_KEY"), "secret-from-a-file");
        TaskRunSimulator.Run fromKeys = backup().workspace("aws-credentials", keys).run();
        assertThat(fromKeys.exitCode()).as(fromKeys.toString()).isZero();
        assertThat(cliEnv()).containsEntry("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
                .containsEntry("AWS_SECRET_ACCESS_KEY", "secret-from-a-file").doesNotContainKeys("AWS_SESSION_TOKEN");
        assertThat(fromKeys.stderr()).doesNotContain("secret-from-a-file");

        Path emptyCa = Files.createDirectories(tmp.resolve("ws/empty-ca"));
        TaskRunSimulator.Run noCa = backup().workspace("registry-ca", emptyCa).run();
        assertThat(noCa.exitCode()).isNotZero();
        assertThat(noCa.stderr()).contains("workspace registry-ca holds no *.crt or *.pem file");

        backup().run();
        assertThat(cliEnv()).doesNotContainKeys("DOCKER_CONFIG", "AWS_SHARED_CREDENTIALS_FILE", "AWS_ACCESS_KEY_ID", "LAYERCAKE_REGISTRY_CA");
        assertThat(cliArgs()).doesNotContain("--kubeconfig", "--encryption-key-file");
    }

    @Test
    void misconfigurationStopsBeforeTheCliWithTheFix() throws Exception {
        fakeCli(output("r1", "u", List.of()), 0);
        Path empty = Files.createDirectories(tmp.resolve("ws/empty"));
        List<TaskRunSimulator> cases = List.of(
                backup().param("store", "releases"),
                backup().workspace("encryption-key", empty),
                backup().workspace("dockerconfig", empty),
                backup().workspace("aws-credentials", empty),
                backup().param("freeze", "yes"),
                backup().param("app", ""));
        List<String> messages = new ArrayList<>();
        for (TaskRunSimulator c : cases) {
            TaskRunSimulator.Run run = c.run();
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
            messages.add(run.stderr().strip());
        }
        assertThat(tmp.resolve("cli-args")).doesNotExist();
        assertThat(messages).containsExactly(
                "layercake-backup-app: store 'releases' is a relative folder: bind the 'store' workspace or give s3://bucket/prefix",
                "layercake-backup-app: workspace encryption-key holds no file 'key' (param encryption-key-file)",
                "layercake-backup-app: workspace dockerconfig holds neither config.json nor .dockerconfigjson",
                "layercake-backup-app: workspace aws-credentials holds neither a 'credentials' file nor AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY files",
                "layercake-backup-app: param freeze must be true or false, not 'yes'",
                "layercake-backup-app: param app is empty: name the application");
    }

    @Test
    void aRelativeStoreLivesInTheStoreWorkspace() throws Exception {
        fakeCli(output("r1", "u", List.of()), 0);
        Path pvc = Files.createDirectories(tmp.resolve("ws/store"));
        TaskRunSimulator.Run run = backup().param("store", "releases").workspace("store", pvc).run();
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(cliArgs()).containsSubsequence("--store", pvc.resolve("releases").toString());
    }

    @Test
    void aFailingCliFailsTheStepWithItsExitCodeAndWritesNoResults() throws Exception {
        fakeCli("", 1);
        TaskRunSimulator.Run run = backup().run();
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.results()).isEmpty();
    }

    @Test
    void cliOutputWithoutADigestFailsTheStep() throws Exception {
        fakeCli("{\"app\":\"shop\",\"release\":\"r1\"}", 0);
        TaskRunSimulator.Run run = backup().run();
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).contains("the CLI printed no manifestDigest");
        assertThat(run.results()).isEmpty();
    }

    @Test
    void resultsComeFromTheTopLevelFieldsAndTheObjectResultStaysValidJson() throws Exception {
        String uri = "file:///stores/with \\\"quote\\\" and \\\\ backslash/releases/shop/r1/manifest.json";
        fakeCli(output("r1", uri, List.of("reg.example/shop/web@" + DIGEST, "reg.example/shop/db@" + DIGEST)), 0);
        TaskRunSimulator.Run run = backup().run();
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.result("RELEASE")).isEqualTo("r1");
        assertThat(run.result("MANIFEST_DIGEST")).isEqualTo(DIGEST);
        assertThat(run.result("IMAGES")).isEqualTo("reg.example/shop/web@" + DIGEST + ",reg.example/shop/db@" + DIGEST);
        JsonNode artifact = TektonDocuments.JSON.readTree(run.result("layercake-ARTIFACT_OUTPUTS"));
        assertThat(artifact.get("uri").asText())
                .isEqualTo("file:///stores/with \"quote\" and \\ backslash/releases/shop/r1/manifest.json");
        assertThat(artifact.get("digest").asText()).isEqualTo(DIGEST);
        assertThat(artifact.get("isBuildArtifact").asText()).isEqualTo("true");
        assertThat(artifact.size()).isEqualTo(3);
    }

    @Test
    void anIncompleteReleaseSaysSoInItsResultAndLog() throws Exception {
        String json = """
                {"app":"shop","release":"r1","manifestDigest":"%s","store":"s3://bucket/x",
                 "manifestUri":"s3://bucket/x/releases/shop/r1/manifest.json","files":3,"images":0,"kubernetesObjects":2,
                 "pinnedImages":[],"frozen":false,
                 "incomplete":[{"what":"2 Secret(s) in namespace shop","why":"skipped with --secrets skip"},
                               {"what":"image nginx:1.27 (found in Dockerfile:1)","why":"not pinned: unreachable"}]}
                """.formatted(DIGEST);
        fakeCli(json, 0);
        TaskRunSimulator.Run run = backup().param("allow-incomplete", "true").run();
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(cliArgs()).contains("--allow-incomplete");
        assertThat(run.result("INCOMPLETE")).isEqualTo("true: 2 part(s) not captured");
        assertThat(run.result("MANIFEST_DIGEST")).isEqualTo(DIGEST);
        assertThat(run.stderr()).contains("INCOMPLETE release r1: 2 part(s) of the app NOT captured")
                .contains("NOT CAPTURED  2 Secret(s) in namespace shop: skipped with --secrets skip")
                .contains("NOT CAPTURED  image nginx:1.27 (found in Dockerfile:1): not pinned: unreachable");
    }

    @Test
    void aCompleteReleaseHasIncompleteFalse() throws Exception {
        fakeCli(output("r1", "s3://bucket/x/releases/shop/r1/manifest.json", List.of()), 0);
        TaskRunSimulator.Run run = backup().run();
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(cliArgs()).doesNotContain("--allow-incomplete");
        assertThat(run.result("INCOMPLETE")).isEqualTo("false");
    }

    @Test
    void hundredsOfImagesAreCutToFitTheResultsBudget() throws Exception {
        List<String> pinned = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            pinned.add("registry.example.com/team/service-" + i + "@" + DIGEST);
        }
        String longRelease = "release-pipeline-" + "x".repeat(100);
        String uri = "s3://bucket/a/long/prefix/" + "p".repeat(150) + "/releases/shop/" + longRelease + "/manifest.json";
        fakeCli(output(longRelease, uri, pinned), 0);
        TaskRunSimulator.Run run = backup().run();
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.terminationMessageBytes()).isLessThanOrEqualTo(TaskRunSimulator.TERMINATION_MESSAGE_LIMIT);
        List<String> listed = List.of(run.result("IMAGES").split(","));
        assertThat(listed).hasSizeBetween(10, 299);
        assertThat(pinned).startsWith(listed.toArray(String[]::new));
        assertThat(run.stderr()).contains("IMAGES lists " + listed.size() + " of 300 pinned images (results budget); the manifest lists all");
    }
}
