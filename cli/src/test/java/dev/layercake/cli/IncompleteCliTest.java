package dev.layercake.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.layercake.model.Json;
import dev.layercake.testing.GitRepoFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI says INCOMPLETE wherever a release leaves part of the app out, and fails such a backup unless told. */
class IncompleteCliTest {

    @TempDir
    Path tmp;

    @Test
    void anUnpinnableImageFailsTheBackupOrIsShownAsIncompleteEverywhere() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = free.getLocalPort();
        }
        String gone = "127.0.0.1:" + port + "/shop/base:1";
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo"))) {
            repo.write("Dockerfile", "FROM " + gone + "\n");
            repo.commit("release");
            String store = tmp.resolve("store").toString();
            String[] backup = {"backup", "--app", "shop", "--store", store, "--source", repo.dir().toString(), "--release", "r1",
                    "--image-mode", "digest-only", "--insecure-registry", "127.0.0.1:" + port};

            Cli.Run refused = Cli.run(backup);
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.err()).contains("image " + gone + " (found in Dockerfile:1)").contains("--allow-incomplete");
            assertThat(Cli.run("list", "--store", store, "--json").out()).doesNotContain("r1");

            String[] allowed = java.util.Arrays.copyOf(backup, backup.length + 1);
            allowed[backup.length] = "--allow-incomplete";
            Cli.Run written = Cli.run(allowed);
            assertThat(written.exitCode()).as(written.err()).isZero();
            assertThat(written.out()).contains("INCOMPLETE").contains("NOT CAPTURED  image " + gone);

            assertThat(Cli.run("show", "--store", store, "--app", "shop", "--release", "r1").out())
                    .contains("INCOMPLETE: this release is missing 1 part(s)");
            assertThat(Cli.run("list", "--store", store).out()).contains("INCOMPLETE (1 part(s) not captured");
            JsonNode list = Json.mapper().readTree(Cli.run("list", "--store", store, "--json").out());
            assertThat(list.get(0).get("complete").asBoolean()).isFalse();

            Cli.Run verify = Cli.run("verify", "--store", store, "--app", "shop", "--release", "r1");
            assertThat(verify.exitCode()).isZero();
            assertThat(verify.out()).contains("INCOMPLETE").contains("manifest not signature-checked");
            JsonNode json = Json.mapper().readTree(Cli.run("verify", "--store", store, "--app", "shop", "--release", "r1", "--json").out());
            assertThat(json.get("complete").asBoolean()).isFalse();
            assertThat(json.get("signature").asText()).isEqualTo("not-checked");
            assertThat(json.get("signatureChecked").asBoolean()).isFalse();
            assertThat(json.get("incomplete").get(0).get("what").asText()).isEqualTo("image " + gone + " (found in Dockerfile:1)");

            assertThat(Cli.run("verify", "--store", store, "--app", "shop", "--release", "r1", "--require-signature").exitCode())
                    .isEqualTo(1);
            assertThat(Cli.run("verify", "--store", store, "--app", "shop", "--release", "r1",
                    "--expect-digest", "sha256:" + "0".repeat(64)).exitCode()).isEqualTo(1);
        }
    }
}
