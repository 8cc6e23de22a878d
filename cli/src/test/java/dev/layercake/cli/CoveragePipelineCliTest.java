package dev.layercake.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.layercake.testing.GitRepoFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The sample release's coverage map and pipeline section through the CLI: backup, show (text and --json), restore. */
class CoveragePipelineCliTest {

    @TempDir
    Path tmp;

    private static Path sampleRelease() {
        return Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("../src").normalize();
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

    @Test
    void theSampleReleaseNamesItsBucketAndDatabaseAsNotCoveredAndStoresAndRestoresPipelineFiles() throws Exception {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("shop"))) {
            copyTree(sampleRelease(), repo.dir());
            repo.commit("shop 1.4.2");
            String store = tmp.resolve("store").toString();
            Path config = Files.writeString(tmp.resolve("config.xml"), "<flow-definition><secret>{AQAAABAAAAAQencrypted=}</secret></flow-definition>");
            Path plugins = Files.writeString(tmp.resolve("jenkins.json"), "{\"jenkinsVersion\": \"2.528.1\"}");

            Cli.Run backup = Cli.run("backup", "--app", "shop", "--store", store, "--source", repo.dir().toString(),
                    "--release", "r1", "--image-mode", "none", "--pipeline-file", config.toString(), "--pipeline-file", plugins.toString(), "--json");
            assertThat(backup.exitCode()).as(backup.err()).isZero();

            JsonNode m = Cli.run("show", "--store", store, "--app", "shop", "--release", "r1", "--json").json();
            List<String> services = new ArrayList<>();
            m.path("coverage").path("services").forEach(s -> services.add(s.path("kind").asText() + "|" + s.path("name").asText()
                    + "|" + s.path("foundIn").asText() + "|" + s.path("coverage").asText()));
            assertThat(services).contains(
                    "database|${var.name}-orders-${var.environment} (aws_db_instance.orders)|infra/terraform/main.tf:25|not covered by this release",
                    "bucket|${var.name}-assets-${var.environment} (aws_s3_bucket.assets)|infra/terraform/main.tf:20|not covered by this release",
                    "bucket|shop-assets-prod|deploy/k8s/worker.yaml:11 (ASSETS_BUCKET)|not covered by this release");
            assertThat(services).anyMatch(s -> s.startsWith("database|postgres://shop-orders-prod.") && s.contains("deploy/k8s/worker.yaml:10 (DATABASE_URL)"));
            assertThat(m.path("pipeline").path("files")).extracting(f -> f.path("name").asText()).containsExactly("config.xml", "jenkins.json");

            Cli.Run show = Cli.run("show", "--store", store, "--app", "shop", "--release", "r1");
            assertThat(show.out()).contains("NOT covered by this release:", "pipeline (2 file(s), cli)",
                    "database (aws-rds): ${var.name}-orders-${var.environment} (aws_db_instance.orders)");

            Path out = tmp.resolve("pipeline-out");
            Cli.Run restore = Cli.run("restore", "--store", store, "--app", "shop", "--release", "r1", "--pipeline-to", out.toString(), "--json");
            assertThat(restore.exitCode()).as(restore.err()).isZero();
            assertThat(restore.json().path("pipeline").path("written")).extracting(JsonNode::asText).containsExactly("config.xml", "jenkins.json");
            assertThat(out.resolve("config.xml")).hasSameBinaryContentAs(config);

            Files.writeString(out.resolve("config.xml"), "changed by hand");
            Cli.Run again = Cli.run("restore", "--store", store, "--app", "shop", "--release", "r1", "--pipeline-to", out.toString());
            assertThat(again.exitCode()).isEqualTo(1);
            assertThat(again.err()).contains("never overwritten");
            assertThat(Files.readString(out.resolve("config.xml"))).isEqualTo("changed by hand");
        }
    }

    @Test
    void aHelmReleaseOrNamespaceThatHelmWouldRefuseIsABadUsageAndWritesNoRelease() throws Exception {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("app"))) {
            Files.writeString(repo.dir().resolve("Dockerfile"), "FROM scratch\n");
            repo.commit("one");
            String store = tmp.resolve("store").toString();
            for (String[] bad : List.of(new String[] {"--helm-release", "Shop_Web"}, new String[] {"--helm-namespace", "x".repeat(64)})) {
                Cli.Run run = Cli.run("backup", "--app", "a", "--store", store, "--source", repo.dir().toString(),
                        "--release", "r1", "--image-mode", "none", "--namespace", "shop", bad[0], bad[1]);
                assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
                assertThat(run.err()).contains(bad[0] + " '" + bad[1] + "' is not a");
            }
            assertThat(Path.of(store).resolve("releases")).doesNotExist();
        }
    }

    @Test
    void aMissingOrFolderPipelineFileIsABadUsageAndWritesNoRelease() throws Exception {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("app"))) {
            Files.writeString(repo.dir().resolve("Dockerfile"), "FROM scratch\n");
            repo.commit("one");
            String store = tmp.resolve("store").toString();
            for (String bad : List.of(tmp.resolve("nope.xml").toString(), tmp.toString())) {
                Cli.Run run = Cli.run("backup", "--app", "a", "--store", store, "--source", repo.dir().toString(),
                        "--release", "r1", "--image-mode", "none", "--pipeline-file", bad);
                assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
                assertThat(run.err()).contains("--pipeline-file");
            }
            assertThat(Cli.run("list", "--store", store, "--app", "a").out()).doesNotContain("r1");
        }
    }
}
