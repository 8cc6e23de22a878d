package dev.layercake.tekton;

import com.fasterxml.jackson.databind.JsonNode;
import dev.layercake.testing.GitRepoFixture;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * layercake-drill-release's step run as Tekton runs it: against a stand-in CLI for the flag mapping and the
 * exit codes, and against the built CLI on a release that layercake-backup-app's step stored first in a
 * folder store, drilled on core's mock API server (fabric8's, no nodes: readiness is not observed).
 */
class DrillTaskRunTest {

    @TempDir
    Path tmp;
    Path bin;

    @BeforeEach
    void setUp() throws Exception {
        bin = CliOnPath.install(tmp.resolve("bin"));
    }

    TaskRunSimulator drill(Path binDir) {
        return new TaskRunSimulator(Catalog.Entry.DRILL.task(), tmp.resolve("runs")).path(binDir)
                .imageEnv("JAVA_TOOL_OPTIONS", "-Xmx256m")
                .param("app", "shop");
    }

    /** A stand-in CLI that records its arguments, prints {@code json} and exits with {@code exit}. */
    Path fakeCli(String name, String json, int exit) throws Exception {
        Path dir = tmp.resolve(name);
        TaskRunSimulator.executable(dir.resolve("layercake"), """
                #!/usr/bin/env bash
                printf '%%s\\n' "$@" > '%1$s/cli-args'
                printf '%%s\\n' '%2$s'
                echo 'the CLI says why' >&2
                exit %3$d
                """.formatted(tmp, json, exit));
        return dir;
    }

    static String cliJson(String outcome, String digest) {
        return "{\"outcome\":\"" + outcome + "\",\"notObserved\":[\"readiness\"],\"exitCode\":" + ("failed".equals(outcome) ? 1 : 0)
                + ",\"recordKey\":\"releases/shop/r7/drills/20261207T092600.000Z.json\",\"recordDigest\":\"" + digest
                + "\",\"signed\":false,\"record\":{\"app\":\"shop\",\"release\":\"r7\",\"outcome\":\"not-this-one\","
                + "\"checks\":[{\"name\":\"integrity\",\"status\":\"passed\"}],\"differences\":[]}}";
    }

    @Test
    void everyParamBecomesItsCliFlag() throws Exception {
        String digest = "sha256:" + "ab".repeat(32);
        Path kube = Files.createDirectories(tmp.resolve("ws/kube"));
        Files.writeString(kube.resolve("config"), "apiVersion: v1\n");
        Path key = Files.createDirectories(tmp.resolve("ws/key"));
        Files.writeString(key.resolve("key"), "k");
        TaskRunSimulator.Run run = drill(fakeCli("fake-pass", cliJson("passed-with-unobserved", digest), 0))
                .workspace("kubeconfig", kube).workspace("encryption-key", key)
                .param("store", "s3://bucket/x")
                .param("release", "r7")
                .param("images-to", "127.0.0.1:5000/drills")
                .param("kubernetes", "true")
                .param("namespace-mapping", List.of("shop=shop-drill", "jobs=jobs-drill"))
                .param("timeout", "90s")
                .param("keep-scratch", "true")
                .param("insecure-registry", List.of("127.0.0.1:5000"))
                .param("kubeconfig", "config")
                .param("context", "drills")
                .param("s3-endpoint", "http://127.0.0.1:9000")
                .param("s3-region", "eu-west-1")
                .param("s3-path-style", "true")
                .run();
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(Files.readAllLines(tmp.resolve("cli-args"))).containsExactly(
                "drill", "--json",
                "--namespace-mapping", "shop=shop-drill", "--namespace-mapping", "jobs=jobs-drill",
                "--insecure-registry", "127.0.0.1:5000",
                "--app", "shop", "--store", "s3://bucket/x", "--release", "r7",
                "--images-to", "127.0.0.1:5000/drills", "--kubernetes", "--context", "drills",
                "--timeout", "90s", "--keep-scratch",
                "--s3-endpoint", "http://127.0.0.1:9000", "--s3-region", "eu-west-1", "--s3-path-style",
                "--encryption-key-file", key + "/key",
                "--kubeconfig", kube + "/config");
        assertThat(run.results()).isEqualTo(Map.of("outcome", "passed-with-unobserved", "record-digest", digest));
        assertThat(run.terminationMessageBytes()).isLessThanOrEqualTo(TaskRunSimulator.TERMINATION_MESSAGE_LIMIT);

        TaskRunSimulator.Run defaults = drill(fakeCli("fake-defaults", cliJson("passed", digest), 0))
                .param("store", "s3://bucket/x").param("release", "r7").run();
        assertThat(defaults.exitCode()).as(defaults.toString()).isZero();
        assertThat(Files.readAllLines(tmp.resolve("cli-args"))).containsExactly(
                "drill", "--json", "--app", "shop", "--store", "s3://bucket/x", "--release", "r7", "--timeout", "5m");
        assertThat(defaults.result("outcome")).isEqualTo("passed");

        TaskRunSimulator.Run badFlag = drill(fakeCli("fake-bad", cliJson("passed", digest), 0))
                .param("store", "s3://bucket/x").param("release", "r7").param("keep-scratch", "yes").run();
        assertThat(badFlag.exitCode()).isEqualTo(2);
        assertThat(badFlag.stderr()).contains("param keep-scratch must be true or false, not 'yes'");
        assertThat(badFlag.results()).isEmpty();

        TaskRunSimulator.Run relative = drill(fakeCli("fake-rel", cliJson("passed", digest), 0))
                .param("store", "releases").param("release", "r7").run();
        assertThat(relative.exitCode()).isEqualTo(2);
        assertThat(relative.stderr()).contains("store 'releases' is a relative folder: bind the 'store' workspace");
    }

    @Test
    void aFailedDrillWritesBothResultsAndFailsTheStep() throws Exception {
        String digest = "sha256:" + "cd".repeat(32);
        TaskRunSimulator.Run run = drill(fakeCli("fake-fail", cliJson("failed", digest), 1))
                .param("store", "s3://bucket/x").param("release", "r7").run();
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.results()).isEqualTo(Map.of("outcome", "failed", "record-digest", digest));
        assertThat(run.stderr()).contains("drill of shop/r7: failed (record " + digest + ")");
    }

    @Test
    void noDrillMeansNoResultsAndTheCliExitCode() throws Exception {
        TaskRunSimulator.Run usage = drill(fakeCli("fake-usage", "", 2))
                .param("store", "s3://bucket/x").param("release", "r7").run();
        assertThat(usage.exitCode()).isEqualTo(2);
        assertThat(usage.results()).isEmpty();
        assertThat(usage.stderr()).contains("the CLI says why").contains("no drill outcome (the CLI exited 2)");

        TaskRunSimulator.Run noDigest = drill(fakeCli("fake-nodigest", cliJson("passed", "md5:x"), 0))
                .param("store", "s3://bucket/x").param("release", "r7").run();
        assertThat(noDigest.exitCode()).isEqualTo(1);
        assertThat(noDigest.results()).isEmpty();
        assertThat(noDigest.stderr()).contains("the CLI printed no recordDigest");
    }

    @Test
    void drillsAReleaseTheBackupTaskStoredOnTheMockCluster() throws Exception {
        try (KubernetesTaskRunTest.MockCluster cluster = KubernetesTaskRunTest.MockCluster.start()) {
            KubernetesClient client = cluster.client();
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build()).create();
            client.configMaps().inNamespace("shop").resource(new ConfigMapBuilder().withNewMetadata().withName("web-config")
                    .addToLabels("app.kubernetes.io/part-of", "shop").endMetadata().addToData("greeting", "hello").build()).create();
            Path source = tmp.resolve("ws/source");
            try (GitRepoFixture repo = GitRepoFixture.create(source)) {
                repo.write("Dockerfile", "FROM scratch\n").write("deploy/app.yaml", "kind: ConfigMap\n").commit("1.0");
            }
            Path kube = Files.createDirectories(tmp.resolve("ws/kubeconfig"));
            cluster.writeKubeconfig(kube.resolve("kubeconfig"), "drills");
            Path pvc = Files.createDirectories(tmp.resolve("ws/store"));
            TaskRunSimulator.Run backup = new TaskRunSimulator(Catalog.Entry.BACKUP.task(), tmp.resolve("runs")).path(bin)
                    .imageEnv("JAVA_TOOL_OPTIONS", "-Xmx256m")
                    .workspace("source", source).workspace("store", pvc).workspace("kubeconfig", kube)
                    .param("app", "shop").param("store", "releases").param("release", "1.0")
                    .param("namespace", List.of("shop")).param("image-mode", "none").param("secrets", "skip")
                    .param("allow-empty-selection", "true")
                    .run();
            assertThat(backup.exitCode()).as(backup.toString()).isZero();

            TaskRunSimulator.Run run = drill(bin).workspace("store", pvc).workspace("kubeconfig", kube)
                    .param("store", "releases").param("release", "1.0").run();
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.result("outcome")).as("the mock runs no pods: readiness is not observed, not passed")
                    .isEqualTo("passed-with-unobserved");
            Path record = onlyRecord(pvc.resolve("releases/releases/shop/1.0/drills"));
            assertThat(run.result("record-digest")).isEqualTo(sha256(record));
            JsonNode json = TektonDocuments.JSON.readTree(record.toFile());
            assertThat(json.path("outcome").asText()).isEqualTo("passed-with-unobserved");
            assertThat(json.path("notObserved").get(0).asText()).isEqualTo("readiness");
            assertThat(json.at("/checks").findValuesAsText("name")).contains("integrity", "sources", "kubernetes", "readiness");
            assertThat(client.namespaces().list().getItems()).extracting(n -> n.getMetadata().getName())
                    .as("the drill cleaned up its scratch namespace").containsExactly("shop");

            // A blob of the release changed in the store: the drill fails, names it, and the step still writes both results.
            Path blob = largestBlob(pvc.resolve("releases"));
            byte[] bytes = Files.readAllBytes(blob);
            bytes[bytes.length / 2] ^= 0x5a;
            Files.write(blob, bytes);
            TaskRunSimulator.Run failed = drill(bin).workspace("store", pvc).workspace("kubeconfig", kube)
                    .param("store", "releases").param("release", "1.0").run();
            assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(1);
            assertThat(failed.result("outcome")).isEqualTo("failed");
            assertThat(failed.result("record-digest")).matches("sha256:[0-9a-f]{64}").isNotEqualTo(run.result("record-digest"));
            try (Stream<Path> records = Files.list(pvc.resolve("releases/releases/shop/1.0/drills"))) {
                Path failedRecord = records.filter(p -> p.toString().endsWith(".json")).filter(p -> !p.equals(record)).findFirst().orElseThrow();
                assertThat(failed.result("record-digest")).isEqualTo(sha256(failedRecord));
                assertThat(TektonDocuments.JSON.readTree(failedRecord.toFile()).path("outcome").asText()).isEqualTo("failed");
            }

            TaskRunSimulator.Run unknown = drill(bin).workspace("store", pvc).workspace("kubeconfig", kube)
                    .param("store", "releases").param("release", "9.9").run();
            assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(1);
            assertThat(unknown.results()).isEmpty();
            assertThat(unknown.stderr()).contains("9.9");
        }
    }

    static Path onlyRecord(Path drills) throws Exception {
        try (Stream<Path> files = Files.list(drills)) {
            List<Path> records = files.filter(p -> p.toString().endsWith(".json")).toList();
            assertThat(records).hasSize(1);
            return records.get(0);
        }
    }

    /** The largest content-addressed file of the store (a pack or blob the manifest lists). */
    static Path largestBlob(Path store) throws Exception {
        try (Stream<Path> files = Files.walk(store)) {
            return files.filter(Files::isRegularFile).filter(p -> !store.relativize(p).startsWith("releases"))
                    .max((a, b) -> Long.compare(a.toFile().length(), b.toFile().length())).orElseThrow();
        }
    }

    static String sha256(Path file) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
