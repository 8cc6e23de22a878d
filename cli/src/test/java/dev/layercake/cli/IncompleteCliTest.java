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

            // show --json carries the list exactly as stored; the HTML report says INCOMPLETE.
            JsonNode show = Json.mapper().readTree(Cli.run("show", "--store", store, "--app", "shop", "--release", "r1", "--json").out());
            assertThat(show.get("incomplete").get(0).get("what").asText()).isEqualTo("image " + gone + " (found in Dockerfile:1)");
            Path html = tmp.resolve("r1.html");
            assertThat(Cli.run("report", "--store", store, "--app", "shop", "--release", "r1", "--output", html.toString()).exitCode())
                    .isZero();
            assertThat(java.nio.file.Files.readString(html)).contains("INCOMPLETE release: 1 part of the app NOT captured");

            // restore says loudly what it cannot bring back, in text and in --json.
            Cli.Run restored = Cli.run("restore", "--store", store, "--app", "shop", "--release", "r1",
                    "--sources-to", tmp.resolve("out1").toString());
            assertThat(restored.exitCode()).as(restored.err()).isZero();
            assertThat(restored.out()).contains("WARNING: INCOMPLETE release restored")
                    .contains("NOT CAPTURED  image " + gone).contains("manifest not signature-checked");
            assertThat(restored.err()).contains("INCOMPLETE release").contains("this restore does NOT bring them back");
            JsonNode restoredJson = Json.mapper().readTree(Cli.run("restore", "--store", store, "--app", "shop", "--release", "r1",
                    "--sources-to", tmp.resolve("out2").toString(), "--json").out());
            assertThat(restoredJson.get("incomplete").get(0).get("what").asText()).isEqualTo("image " + gone + " (found in Dockerfile:1)");
            assertThat(restoredJson.get("signature").asText()).isEqualTo("not-checked");
        }
    }

    /** Issue 11 item 4: a signature policy set with `layercake policy` makes verify and restore fail an unsigned release. */
    @Test
    void aStorePolicyRequiresSignaturesWithoutTheFlag() throws Exception {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo"))) {
            repo.write("app.txt", "hello\n");
            repo.commit("release");
            String store = tmp.resolve("store").toString();
            assertThat(Cli.run("backup", "--app", "shop", "--store", store, "--source", repo.dir().toString(), "--release", "r1",
                    "--image-mode", "none").exitCode()).isZero();
            String[] verify = {"verify", "--store", store, "--app", "shop", "--release", "r1"};
            assertThat(Cli.run(verify).exitCode()).isZero();

            Cli.Run none = Cli.run("policy", "--store", store);
            assertThat(none.exitCode()).isZero();
            assertThat(none.out()).contains("no signature required");

            Cli.Run set = Cli.run("policy", "--store", store, "--require-signature");
            assertThat(set.exitCode()).as(set.err()).isZero();
            assertThat(set.out()).contains("signature REQUIRED");
            Cli.Run again = Cli.run("policy", "--store", store, "--require-signature");
            assertThat(again.exitCode()).isEqualTo(1);
            assertThat(again.err()).contains("already set").contains("--replace");

            Cli.Run failed = Cli.run(verify);
            assertThat(failed.exitCode()).isEqualTo(1);
            assertThat(failed.out()).contains("signature").contains("policy/store.json");
            JsonNode json = Json.mapper().readTree(Cli.run("verify", "--store", store, "--app", "shop", "--release", "r1", "--json").out());
            assertThat(json.get("signature").asText()).isEqualTo("failed");
            assertThat(json.get("ok").asBoolean()).isFalse();

            Path out = tmp.resolve("restored");
            Cli.Run restore = Cli.run("restore", "--store", store, "--app", "shop", "--release", "r1", "--sources-to", out.toString());
            assertThat(restore.exitCode()).isEqualTo(1);
            assertThat(restore.err()).contains("refused, nothing was written").contains("policy/store.json");
            assertThat(out).doesNotExist();

            JsonNode policy = Json.mapper().readTree(Cli.run("policy", "--store", store, "--app", "shop", "--json").out());
            assertThat(policy.get("requireSignature").asBoolean()).isTrue();
            assertThat(policy.get("requiredBy").asText()).isEqualTo("policy/store.json");

            assertThat(Cli.run("policy", "--store", store, "--replace").exitCode()).isZero();
            assertThat(Cli.run(verify).exitCode()).isZero();
        }
    }
}
