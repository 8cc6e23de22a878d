package dev.layercake.tekton;

import dev.layercake.testing.GitRepoFixture;
import dev.layercake.testing.S3ProxyFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * layercake-restore-app's step run as Tekton runs it: against a stand-in CLI for the flag mapping, and
 * against the built CLI on releases that layercake-backup-app's step stored first, in a folder store and in
 * s3proxy with an image that is pushed back to a registry that never saw it.
 */
class RestoreTaskRunTest {

    @TempDir
    Path tmp;
    Path bin;

    @BeforeEach
    void setUp() throws Exception {
        bin = CliOnPath.install(tmp.resolve("bin"));
    }

    TaskRunSimulator restore(Path binDir) {
        return new TaskRunSimulator(Catalog.Entry.RESTORE.task(), tmp.resolve("runs")).path(binDir)
                .imageEnv("JAVA_TOOL_OPTIONS", "-Xmx256m")
                .param("app", "shop");
    }

    @Test
    void everyParamBecomesItsCliFlag() throws Exception {
        Path fake = tmp.resolve("fake-bin");
        TaskRunSimulator.executable(fake.resolve("layercake"), """
                #!/usr/bin/env bash
                printf '%%s\\n' "$@" > '%1$s/cli-args'
                echo '{"app":"shop","release":"r7","manifestDigest":"sha256:%2$s","dryRun":true}'
                """.formatted(tmp, "cd".repeat(32)));
        Path checkout = Files.createDirectories(tmp.resolve("ws/source"));
        Path kube = Files.createDirectories(tmp.resolve("ws/kube"));
        Files.writeString(kube.resolve("config"), "apiVersion: v1\n");
        TaskRunSimulator.Run run = restore(fake)
                .workspace("source", checkout)
                .workspace("kubeconfig", kube)
                .param("store", "s3://bucket/x")
                .param("release", "r7")
                .param("sources-to", "restored")
                .param("images-to", "127.0.0.1:5000/restore")
                .param("images-from", "127.0.0.1:5000/restore")
                .param("pin-images", "true")
                .param("kubernetes", "true")
                .param("namespace-mapping", List.of("shop=shop-restore", "jobs=jobs-restore"))
                .param("existing", "update")
                .param("dry-run", "true")
                .param("require-signature", "true")
                .param("insecure-registry", List.of("127.0.0.1:5000"))
                .param("kubeconfig", "config")
                .param("context", "dr")
                .param("s3-endpoint", "http://127.0.0.1:9000")
                .param("s3-region", "eu-west-1")
                .param("s3-path-style", "true")
                .run();
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(Files.readAllLines(tmp.resolve("cli-args"))).containsExactly(
                "restore", "--json",
                "--namespace-mapping", "shop=shop-restore", "--namespace-mapping", "jobs=jobs-restore",
                "--insecure-registry", "127.0.0.1:5000",
                "--sources-to", checkout + "/restored",
                "--app", "shop", "--store", "s3://bucket/x", "--release", "r7",
                "--images-to", "127.0.0.1:5000/restore", "--images-from", "127.0.0.1:5000/restore",
                "--kubernetes", "--context", "dr", "--existing", "update",
                "--s3-endpoint", "http://127.0.0.1:9000", "--s3-region", "eu-west-1", "--s3-path-style",
                "--pin-images", "--dry-run", "--require-signature",
                "--kubeconfig", kube + "/config");
        assertThat(run.result("RELEASE")).isEqualTo("r7");
        assertThat(run.result("MANIFEST_DIGEST")).isEqualTo("sha256:" + "cd".repeat(32));
        assertThat(run.terminationMessageBytes()).isLessThanOrEqualTo(TaskRunSimulator.TERMINATION_MESSAGE_LIMIT);

        TaskRunSimulator.Run outside = restore(fake).workspace("source", checkout).param("store", "s3://bucket/x")
                .param("release", "r7").param("sources-to", "../etc").run();
        assertThat(outside.exitCode()).isEqualTo(2);
        assertThat(outside.stderr()).contains("param sources-to must be a folder inside the 'source' workspace, not '../etc'");
        TaskRunSimulator.Run unbound = restore(fake).param("store", "s3://bucket/x").param("release", "r7")
                .param("sources-to", "restored").run();
        assertThat(unbound.exitCode()).isEqualTo(2);
        assertThat(unbound.stderr()).contains("param sources-to needs the 'source' workspace");
    }

    @Test
    void restoresTheSourcesOfAReleaseTheBackupTaskStored() throws Exception {
        Path checkout = tmp.resolve("ws/checkout");
        String commit;
        try (GitRepoFixture repo = GitRepoFixture.create(checkout)) {
            repo.write("Dockerfile", "FROM scratch\n")
                    .write("deploy/app.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shop\n")
                    .write("infra/main.tf", "terraform {}\n");
            commit = repo.commit("1.0");
        }
        Path pvc = Files.createDirectories(tmp.resolve("ws/store"));
        TaskRunSimulator.Run backup = new TaskRunSimulator(Catalog.Entry.BACKUP.task(), tmp.resolve("runs")).path(bin)
                .imageEnv("JAVA_TOOL_OPTIONS", "-Xmx256m")
                .workspace("source", checkout).workspace("store", pvc)
                .param("app", "shop").param("store", "releases").param("release", "1.0").param("secrets", "skip")
                .run();
        assertThat(backup.exitCode()).as(backup.toString()).isZero();

        Path target = Files.createDirectories(tmp.resolve("ws/target"));
        TaskRunSimulator.Run dryRun = restore(bin).workspace("store", pvc).workspace("source", target)
                .param("store", "releases").param("release", "1.0").param("sources-to", "restored").param("dry-run", "true")
                .run();
        assertThat(dryRun.exitCode()).as(dryRun.toString()).isZero();
        assertThat(target.resolve("restored/Dockerfile")).doesNotExist();

        TaskRunSimulator.Run run = restore(bin).workspace("store", pvc).workspace("source", target)
                .param("store", "releases").param("release", "1.0").param("sources-to", "restored")
                .run();
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.result("RELEASE")).isEqualTo("1.0");
        assertThat(run.result("MANIFEST_DIGEST")).isEqualTo(backup.result("MANIFEST_DIGEST"));
        Path archive = tmp.resolve("git-archive");
        GitRepoFixture.run(checkout, "git", "archive", "--format=tar", "-o", tmp.resolve("a.tar").toString(), commit);
        Files.createDirectories(archive);
        GitRepoFixture.run(archive, "tar", "-xf", tmp.resolve("a.tar").toString());
        for (String file : List.of("Dockerfile", "deploy/app.yaml", "infra/main.tf")) {
            assertThat(target.resolve("restored").resolve(file)).hasSameBinaryContentAs(archive.resolve(file));
        }

        TaskRunSimulator.Run missing = restore(bin).workspace("store", pvc).workspace("source", target)
                .param("store", "releases").param("release", "9.9").param("sources-to", "restored").run();
        assertThat(missing.exitCode()).as(missing.toString()).isNotZero();
        assertThat(missing.results()).isEmpty();
        assertThat(missing.stderr()).contains("9.9");
    }
    @Test
    void restoresSourcesAndImagesOfAnS3ReleaseTheBackupTaskStored() throws Exception {
        Path checkout = tmp.resolve("ws/s3-checkout");
        try (GitRepoFixture repo = GitRepoFixture.create(checkout)) {
            repo.write("Dockerfile", "FROM scratch\nCOPY web /web\n").write("infra/main.tf", "terraform {}\n");
            repo.commit("2.0");
        }
        try (S3ProxyFixture s3 = S3ProxyFixture.start();
             LocalRegistry source = LocalRegistry.start(tmp.resolve("registry-source"));
             LocalRegistry fresh = LocalRegistry.start(tmp.resolve("registry-fresh"))) {
            s3.createBucket("releases");
            Path aws = Files.createDirectories(tmp.resolve("ws/aws"));
            Files.writeString(aws.resolve("credentials"), "[default]\naws_access_key_id = " + S3ProxyFixture.ACCESS_KEY
                    + "\naws_secret_access_key = " + S3ProxyFixture.SECRET_KEY + "\n");
            String ref = source.buildAndPush("shop/web", "2.0", "web 2.0\n");
            String digest = source.digest("shop/web", "2.0");

            TaskRunSimulator.Run backup = new TaskRunSimulator(Catalog.Entry.BACKUP.task(), tmp.resolve("runs")).path(bin)
                    .imageEnv("JAVA_TOOL_OPTIONS", "-Xmx256m")
                    .workspace("source", checkout).workspace("aws-credentials", aws)
                    .param("app", "shop").param("release", "2.0").param("secrets", "skip")
                    .param("store", "s3://releases/team-a").param("s3-endpoint", s3.endpoint())
                    .param("s3-region", S3ProxyFixture.REGION).param("s3-path-style", "true")
                    .param("images", List.of(ref)).param("insecure-registry", List.of(source.host()))
                    .run();
            assertThat(backup.exitCode()).as(backup.toString()).isZero();

            // The restore runs elsewhere: a new workspace, a registry that never saw the image.
            Path target = Files.createDirectories(tmp.resolve("ws/s3-target"));
            TaskRunSimulator.Run run = restore(bin).workspace("source", target).workspace("aws-credentials", aws)
                    .param("release", "2.0").param("store", "s3://releases/team-a").param("s3-endpoint", s3.endpoint())
                    .param("s3-region", S3ProxyFixture.REGION).param("s3-path-style", "true")
                    .param("sources-to", "restored").param("images-to", fresh.host() + "/restored")
                    .param("insecure-registry", List.of(fresh.host()))
                    .run();
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.stderr()).doesNotContain(S3ProxyFixture.SECRET_KEY);
            assertThat(run.result("RELEASE")).isEqualTo("2.0");
            assertThat(run.result("MANIFEST_DIGEST")).isEqualTo(backup.result("MANIFEST_DIGEST"));
            assertThat(target.resolve("restored/infra/main.tf")).hasContent("terraform {}");
            assertThat(fresh.digest("restored/shop/web", "2.0")).as("the image pushed back with its digest").isEqualTo(digest);
        }
    }
}
