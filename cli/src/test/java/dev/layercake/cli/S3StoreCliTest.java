package dev.layercake.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.layercake.testing.GitRepoFixture;
import dev.layercake.testing.S3ProxyFixture;
import dev.layercake.testing.TreeAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CLI against a real S3-protocol server (s3proxy on loopback), as a child process with credentials in
 * its environment, the way a pipeline runs it.
 */
class S3StoreCliTest {

    static S3ProxyFixture s3;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startS3() {
        s3 = S3ProxyFixture.start();
        s3.createBucket("releases");
    }

    @AfterAll
    static void stopS3() {
        s3.close();
    }

    private String[] withS3(String endpoint, String... args) {
        String[] all = new String[args.length + 3];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--s3-endpoint";
        all[args.length + 1] = endpoint;
        all[args.length + 2] = "--s3-path-style";
        return all;
    }

    @Test
    void backupToS3AndRestoreByteIdenticalToGitArchive() throws Exception {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo")).sampleRelease()) {
            String commit = repo.commit("release");
            Cli.Run backup = Cli.finish(Cli.start(tmp, s3.env(), withS3(s3.endpoint(), "backup", "--app", "shop",
                    "--store", "s3://releases/team-a", "--source", repo.dir().toString(), "--release", "r1", "--include", "**",
                    "--image-mode", "none", "--json")));
            assertThat(backup.exitCode()).as(backup.err()).isZero();
            JsonNode b = backup.json();
            assertThat(b.path("store").asText()).isEqualTo("s3://releases/team-a");
            assertThat(b.path("blobsWritten").asInt()).isPositive();

            Cli.Run second = Cli.finish(Cli.start(tmp, s3.env(), withS3(s3.endpoint(), "backup", "--app", "shop",
                    "--store", "s3://releases/team-a", "--source", repo.dir().toString(), "--release", "r2", "--include", "**",
                    "--image-mode", "none", "--json")));
            assertThat(second.exitCode()).as(second.err()).isZero();
            assertThat(second.json().path("bytesWritten").asLong()).isZero();

            Cli.Run verify = Cli.finish(Cli.start(tmp, s3.env(), withS3(s3.endpoint(), "verify", "--app", "shop",
                    "--store", "s3://releases/team-a", "--release", "r1")));
            assertThat(verify.exitCode()).as(verify.err()).isZero();

            Path out = tmp.resolve("restored");
            Cli.Run restore = Cli.finish(Cli.start(tmp, s3.env(), withS3(s3.endpoint(), "restore", "--app", "shop",
                    "--store", "s3://releases/team-a", "--release", "r1", "--sources-to", out.toString())));
            assertThat(restore.exitCode()).as(restore.err()).isZero();
            Path expected = tmp.resolve("expected");
            repo.gitArchive(commit, expected);
            TreeAssertions.assertSameTree(expected, out);

            Cli.Run again = Cli.finish(Cli.start(tmp, s3.env(), withS3(s3.endpoint(), "backup", "--app", "shop",
                    "--store", "s3://releases/team-a", "--source", repo.dir().toString(), "--release", "r1", "--image-mode", "none")));
            assertThat(again.exitCode()).isEqualTo(1);
            assertThat(again.err()).contains("release shop/r1 already exists");
        }
    }

    @Test
    void unreachableOrUnauthorisedS3GivesAClearErrorWithoutTheSecret() throws Exception {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo")).sampleRelease()) {
            repo.commit("release");
            String source = repo.dir().toString();
            int closedPort;
            try (ServerSocket socket = new ServerSocket(0)) {
                closedPort = socket.getLocalPort();
            }
            String down = "http://127.0.0.1:" + closedPort;
            Map<String, String> wrong = new HashMap<>(s3.env());
            wrong.put("AWS_SECRET_ACCESS_KEY", "not-the-secret-5f3a9c");

            // First against an empty prefix of the bucket, then against one that already holds a release.
            for (String prefix : List.of("x", "held")) {
                String store = "s3://releases/" + prefix;
                if (prefix.equals("held")) {
                    Cli.Run held = Cli.finish(Cli.start(tmp, s3.env(), withS3(s3.endpoint(), "backup", "--app", "shop",
                            "--store", store, "--source", source, "--release", "r1", "--image-mode", "none")));
                    assertThat(held.exitCode()).as(held.err()).isZero();
                }
                List<String> before = s3.objects("releases");
                assertThat(before.stream().anyMatch(k -> k.startsWith("held/releases/shop/r1/manifest.json")))
                        .isEqualTo(prefix.equals("held"));

                Cli.Run unreachable = Cli.finish(Cli.start(tmp, s3.env(), withS3(down, "backup", "--app", "shop",
                        "--store", store, "--source", source, "--image-mode", "none")));
                assertThat(unreachable.exitCode()).isEqualTo(1);
                assertThat(unreachable.err()).contains("error:").contains("127.0.0.1:" + closedPort);
                assertThat(s3.objects("releases")).as("after unreachable").isEqualTo(before);

                Cli.Run unauthorised = Cli.finish(Cli.start(tmp, wrong, withS3(s3.endpoint(), "backup", "--app", "shop",
                        "--store", store, "--source", source, "--image-mode", "none", "--json")));
                assertThat(unauthorised.exitCode()).isEqualTo(1);
                assertThat(unauthorised.json().path("error").path("kind").asText()).isEqualTo("auth");
                assertThat(unauthorised.err() + unauthorised.out()).doesNotContain("not-the-secret-5f3a9c")
                        .doesNotContain(S3ProxyFixture.SECRET_KEY);
                assertThat(s3.objects("releases")).as("after unauthorised").isEqualTo(before);

                Cli.Run notRepo = Cli.finish(Cli.start(tmp, s3.env(), withS3(s3.endpoint(), "backup", "--app", "shop",
                        "--store", store, "--source", tmp.toString(), "--image-mode", "none")));
                assertThat(notRepo.exitCode()).isEqualTo(2);
                assertThat(s3.objects("releases")).as("after not a git repo").isEqualTo(before);

                Cli.Run unknownRef = Cli.finish(Cli.start(tmp, s3.env(), withS3(s3.endpoint(), "backup", "--app", "shop",
                        "--store", store, "--source", source, "--ref", "v9", "--image-mode", "none")));
                assertThat(unknownRef.exitCode()).isEqualTo(1);
                assertThat(unknownRef.err()).contains("unknown ref 'v9'");
                assertThat(s3.objects("releases")).as("after unknown ref").isEqualTo(before);

                if (prefix.equals("held")) {
                    Cli.Run taken = Cli.finish(Cli.start(tmp, s3.env(), withS3(s3.endpoint(), "backup", "--app", "shop",
                            "--store", store, "--source", source, "--release", "r1", "--image-mode", "none")));
                    assertThat(taken.exitCode()).isEqualTo(1);
                    assertThat(taken.err()).contains("release shop/r1 already exists");
                    assertThat(s3.objects("releases")).as("after an existing release id").isEqualTo(before);
                }
            }

            Cli.Run list = Cli.finish(Cli.start(tmp, s3.env(), withS3(s3.endpoint(), "list", "--store", "s3://releases/x", "--json")));
            assertThat(list.exitCode()).isZero();
            assertThat(list.json()).isEmpty();
        }
    }
}
