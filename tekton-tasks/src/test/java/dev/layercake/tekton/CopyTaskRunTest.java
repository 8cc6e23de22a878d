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
 * layercake-copy-release's step run as Tekton runs it: against a stand-in CLI for the flag mapping and the
 * results, and against the built CLI on releases layercake-backup-app's step stored first, folder to folder
 * and folder to s3proxy and back, with the manifest digests compared.
 */
class CopyTaskRunTest {

    @TempDir
    Path tmp;
    Path bin;

    @BeforeEach
    void setUp() throws Exception {
        bin = CliOnPath.install(tmp.resolve("bin"));
    }

    TaskRunSimulator copy(Path binDir) {
        return new TaskRunSimulator(Catalog.Entry.COPY.task(), tmp.resolve("runs")).path(binDir)
                .imageEnv("JAVA_TOOL_OPTIONS", "-Xmx256m")
                .param("app", "shop");
    }

    @Test
    void everyParamBecomesItsCliFlagAndTheJsonTheResults() throws Exception {
        Path fake = tmp.resolve("fake-bin");
        TaskRunSimulator.executable(fake.resolve("layercake"), """
                #!/usr/bin/env bash
                printf '%%s\\n' "$@" > '%1$s/cli-args'
                echo '{"from":"s3://a/x","to":"oci://r/p","releases":[{"app":"shop","release":"r6","manifestDigest":"sha256:%2$s","status":"present","blobsWritten":0,"blobsSkipped":3,"bytesWritten":0,"extras":["shop/r6/signature.json"]},{"app":"shop","release":"r7","manifestDigest":"sha256:%3$s","status":"copied","blobsWritten":2,"blobsSkipped":1,"bytesWritten":10,"extras":[]}]}'
                """.formatted(tmp, "ab".repeat(32), "cd".repeat(32)));
        Path dr = Files.createDirectories(tmp.resolve("ws/dr"));
        TaskRunSimulator.Run run = copy(fake)
                .workspace("to-store", dr)
                .param("from", "s3://bucket/x")
                .param("to", "releases")
                .param("release", " r6  r7 ")
                .param("insecure-registry", List.of("127.0.0.1:5000", "127.0.0.1:5001"))
                .param("s3-endpoint", "http://127.0.0.1:9000")
                .param("s3-region", "eu-west-1")
                .param("s3-path-style", "true")
                .run();
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(Files.readAllLines(tmp.resolve("cli-args"))).containsExactly(
                "copy", "--json",
                "--insecure-registry", "127.0.0.1:5000", "--insecure-registry", "127.0.0.1:5001",
                "--from", "s3://bucket/x", "--to", dr + "/releases", "--app", "shop",
                "--release", "r6", "--release", "r7",
                "--s3-endpoint", "http://127.0.0.1:9000", "--s3-region", "eu-west-1", "--s3-path-style");
        assertThat(run.result("RELEASES")).isEqualTo("r6 r7");
        assertThat(run.result("COPIED")).isEqualTo("1");
        assertThat(run.result("MANIFEST_DIGEST")).isEqualTo("sha256:" + "cd".repeat(32));
        assertThat(run.terminationMessageBytes()).isLessThanOrEqualTo(TaskRunSimulator.TERMINATION_MESSAGE_LIMIT);

        TaskRunSimulator.Run all = copy(fake).param("from", "/stores/a").param("to", "oci://r/p").run();
        assertThat(all.exitCode()).as(all.toString()).isZero();
        assertThat(Files.readAllLines(tmp.resolve("cli-args"))).as("no release: every release of the app")
                .containsExactly("copy", "--json", "--from", "/stores/a", "--to", "oci://r/p", "--app", "shop");
    }

    @Test
    void badParamsFailBeforeTheCliRuns() throws Exception {
        Path fake = tmp.resolve("fake-bin");
        TaskRunSimulator.executable(fake.resolve("layercake"), "#!/usr/bin/env bash\ntouch '" + tmp + "/cli-ran'\n");
        Path pvc = Files.createDirectories(tmp.resolve("ws/store"));

        TaskRunSimulator.Run unbound = copy(fake).param("from", "releases").param("to", "s3://b/x").run();
        assertThat(unbound.exitCode()).isEqualTo(2);
        assertThat(unbound.stderr()).contains("param from 'releases' is a relative folder: bind the 'from-store' workspace");
        TaskRunSimulator.Run outside = copy(fake).workspace("to-store", pvc).param("from", "s3://b/x").param("to", "../etc").run();
        assertThat(outside.exitCode()).isEqualTo(2);
        assertThat(outside.stderr()).contains("param to must be a folder inside the 'to-store' workspace, not '../etc'");
        TaskRunSimulator.Run same = copy(fake).param("from", "s3://b/x").param("to", "s3://b/x").run();
        assertThat(same.exitCode()).isEqualTo(2);
        assertThat(same.stderr()).contains("params from and to name the same store 's3://b/x'");
        TaskRunSimulator.Run flag = copy(fake).param("from", "s3://b/x").param("to", "s3://b/y").param("s3-path-style", "yes").run();
        assertThat(flag.exitCode()).isEqualTo(2);
        assertThat(flag.stderr()).contains("param s3-path-style must be true or false, not 'yes'");
        assertThat(tmp.resolve("cli-ran")).doesNotExist();
        for (TaskRunSimulator.Run r : List.of(unbound, outside, same, flag)) {
            assertThat(r.results()).isEmpty();
        }
    }

    @Test
    void copiesAReleaseTheBackupTaskStoredFolderToFolderThenToS3AndBack() throws Exception {
        Path checkout = tmp.resolve("ws/checkout");
        try (GitRepoFixture repo = GitRepoFixture.create(checkout)) {
            repo.write("Dockerfile", "FROM scratch\n").write("infra/main.tf", "terraform {}\n");
            repo.commit("1.0");
        }
        Path pvc = Files.createDirectories(tmp.resolve("ws/store"));
        Path dr = Files.createDirectories(tmp.resolve("ws/dr"));
        TaskRunSimulator.Run backup = new TaskRunSimulator(Catalog.Entry.BACKUP.task(), tmp.resolve("runs")).path(bin)
                .imageEnv("JAVA_TOOL_OPTIONS", "-Xmx256m")
                .workspace("source", checkout).workspace("store", pvc)
                .param("app", "shop").param("store", "releases").param("release", "1.0").param("secrets", "skip")
                .run();
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        String digest = backup.result("MANIFEST_DIGEST");

        TaskRunSimulator.Run run = copy(bin).workspace("from-store", pvc).workspace("to-store", dr)
                .param("from", "releases").param("to", "releases").param("release", "1.0").run();
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.result("RELEASES")).isEqualTo("1.0");
        assertThat(run.result("COPIED")).isEqualTo("1");
        assertThat(run.result("MANIFEST_DIGEST")).isEqualTo(digest);

        TaskRunSimulator.Run again = copy(bin).workspace("from-store", pvc).workspace("to-store", dr)
                .param("from", "releases").param("to", "releases").run();
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.result("RELEASES")).isEqualTo("1.0");
        assertThat(again.result("COPIED")).as("already there, identical: nothing copied").isEqualTo("0");
        assertThat(again.result("MANIFEST_DIGEST")).isEqualTo(digest);

        TaskRunSimulator.Run missing = copy(bin).workspace("from-store", pvc).workspace("to-store", dr)
                .param("from", "releases").param("to", "releases").param("release", "9.9").run();
        assertThat(missing.exitCode()).as(missing.toString()).isNotZero();
        assertThat(missing.results()).isEmpty();
        assertThat(missing.stderr()).contains("9.9");

        try (S3ProxyFixture s3 = S3ProxyFixture.start()) {
            s3.createBucket("dr-site");
            Path aws = Files.createDirectories(tmp.resolve("ws/aws"));
            Files.writeString(aws.resolve("credentials"), "[default]\naws_access_key_id = " + S3ProxyFixture.ACCESS_KEY
                    + "\naws_secret_access_key = " + S3ProxyFixture.SECRET_KEY + "\n");
            TaskRunSimulator.Run toS3 = copy(bin).workspace("from-store", dr).workspace("aws-credentials", aws)
                    .param("from", "releases").param("to", "s3://dr-site/shop").param("s3-endpoint", s3.endpoint())
                    .param("s3-region", S3ProxyFixture.REGION).param("s3-path-style", "true").run();
            assertThat(toS3.exitCode()).as(toS3.toString()).isZero();
            assertThat(toS3.stderr()).doesNotContain(S3ProxyFixture.SECRET_KEY);
            assertThat(toS3.result("COPIED")).isEqualTo("1");
            assertThat(toS3.result("MANIFEST_DIGEST")).isEqualTo(digest);

            Path back = Files.createDirectories(tmp.resolve("ws/back"));
            TaskRunSimulator.Run fromS3 = copy(bin).workspace("to-store", back).workspace("aws-credentials", aws)
                    .param("from", "s3://dr-site/shop").param("to", "releases").param("release", "1.0")
                    .param("s3-endpoint", s3.endpoint()).param("s3-region", S3ProxyFixture.REGION).param("s3-path-style", "true")
                    .run();
            assertThat(fromS3.exitCode()).as(fromS3.toString()).isZero();
            assertThat(fromS3.stderr()).doesNotContain(S3ProxyFixture.SECRET_KEY);
            assertThat(fromS3.result("MANIFEST_DIGEST")).as("folder -> S3 -> folder, the same manifest").isEqualTo(digest);
        }
    }

    @Test
    void aDestinationReleaseWithOtherContentIsRefusedAndLeftAsItIs() throws Exception {
        Path pvc = Files.createDirectories(tmp.resolve("ws/store"));
        Path dr = Files.createDirectories(tmp.resolve("ws/dr"));
        for (Path store : List.of(pvc, dr)) {
            Path checkout = tmp.resolve("ws/checkout-" + store.getFileName());
            try (GitRepoFixture repo = GitRepoFixture.create(checkout)) {
                repo.write("Dockerfile", "FROM scratch\n").write("notes.txt", "made for " + store.getFileName() + "\n");
                repo.commit("1.0");
            }
            TaskRunSimulator.Run backup = new TaskRunSimulator(Catalog.Entry.BACKUP.task(), tmp.resolve("runs")).path(bin)
                    .imageEnv("JAVA_TOOL_OPTIONS", "-Xmx256m")
                    .workspace("source", checkout).workspace("store", store)
                    .param("app", "shop").param("store", "releases").param("release", "1.0").param("secrets", "skip")
                    .run();
            assertThat(backup.exitCode()).as(backup.toString()).isZero();
        }
        Path manifest;
        try (var files = Files.walk(dr.resolve("releases"))) {
            manifest = files.filter(f -> f.getFileName().toString().equals("manifest.json")).findFirst().orElseThrow();
        }
        byte[] before = Files.readAllBytes(manifest);

        TaskRunSimulator.Run run = copy(bin).workspace("from-store", pvc).workspace("to-store", dr)
                .param("from", "releases").param("to", "releases").param("release", "1.0").run();
        assertThat(run.exitCode()).as(run.toString()).isNotZero();
        assertThat(run.results()).isEmpty();
        assertThat(run.stderr()).contains("1.0");
        assertThat(Files.readAllBytes(manifest)).as("the destination's release unchanged").isEqualTo(before);
    }
}
