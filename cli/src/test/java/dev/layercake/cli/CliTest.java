package dev.layercake.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import dev.layercake.model.Digest;
import dev.layercake.model.Json;
import dev.layercake.testing.GitRepoFixture;
import dev.layercake.testing.StoreSnapshot;
import dev.layercake.testing.TreeAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI end to end, in process: JSON output, exit codes, and errors that name the problem. */
class CliTest {

    @TempDir
    Path tmp;

    @Test
    void backupListShowVerifyRestoreWithJson() {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo")).sampleRelease()) {
            String commit = repo.commit("release");
            String store = tmp.resolve("store").toString();

            Cli.Run backup = Cli.run("backup", "--app", "shop", "--store", store, "--source", repo.dir().toString(),
                    "--release", "r1", "--image-mode", "none", "--json");
            assertThat(backup.exitCode()).as(backup.err()).isZero();
            JsonNode b = backup.json();
            assertThat(b.path("app").asText()).isEqualTo("shop");
            assertThat(b.path("release").asText()).isEqualTo("r1");
            String digest = b.path("manifestDigest").asText();
            assertThat(digest).startsWith("sha256:");

            Cli.Run list = Cli.run("list", "--store", store, "--json");
            assertThat(list.exitCode()).isZero();
            assertThat(list.json()).hasSize(1);
            assertThat(list.json().get(0).path("release").asText()).isEqualTo("r1");
            assertThat(list.json().get(0).path("commit").asText()).isEqualTo(commit);

            Cli.Run show = Cli.run("show", "--store", store, "--app", "shop", "--release", "r1", "--json");
            assertThat(show.exitCode()).isZero();
            byte[] manifestBytes = show.out().stripTrailing().getBytes(StandardCharsets.UTF_8);
            assertThat(Digest.of(manifestBytes).toString()).isEqualTo(digest);
            assertThat(show.json().path("source").path("commit").asText()).isEqualTo(commit);
            assertThat(show.json().path("build").path("system").asText()).isEqualTo("cli");

            Cli.Run human = Cli.run("show", "--store", store, "--app", "shop", "--release", "r1");
            assertThat(human.out()).contains("services/api/Dockerfile").contains(commit);

            Cli.Run verify = Cli.run("verify", "--store", store, "--app", "shop", "--release", "r1", "--json");
            assertThat(verify.exitCode()).isZero();
            assertThat(verify.json().path("ok").asBoolean()).isTrue();

            Path out = tmp.resolve("restored");
            Cli.Run restore = Cli.run("restore", "--store", store, "--app", "shop", "--release", "r1", "--sources-to", out.toString(), "--json");
            assertThat(restore.exitCode()).as(restore.err()).isZero();
            assertThat(restore.json().path("filesWritten").asInt()).isEqualTo(b.path("files").asInt());
            assertThat(out.resolve("services/api/Dockerfile")).exists();
        }
    }

    @Test
    void restoreOfEverythingMatchesGitArchive() {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo")).sampleRelease()) {
            String commit = repo.commit("release");
            String store = tmp.resolve("store").toString();
            assertThat(Cli.run("backup", "--app", "shop", "--store", store, "--source", repo.dir().toString(), "--release", "all",
                    "--include", "**", "--image-mode", "none").exitCode()).isZero();
            Path out = tmp.resolve("restored");
            assertThat(Cli.run("restore", "--store", store, "--app", "shop", "--release", "all", "--sources-to", out.toString()).exitCode()).isZero();
            Path expected = tmp.resolve("expected");
            repo.gitArchive(commit, expected);
            TreeAssertions.assertSameTree(expected, out);
        }
    }

    /** Runs a command that must fail with {@code exitCode} and leave the folder store exactly as it was. */
    private static Cli.Run failsAndChangesNothing(Path store, int exitCode, String... args) {
        List<String> before = StoreSnapshot.of(store);
        Cli.Run r = Cli.run(args);
        assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r.err()).isEqualTo(exitCode);
        assertThat(StoreSnapshot.of(store)).as("the store after: " + String.join(" ", args)).isEqualTo(before);
        return r;
    }

    private static String[] backup(Path store, String... more) {
        List<String> args = new ArrayList<>(List.of("backup", "--app", "shop", "--store", store.toString(), "--image-mode", "none"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void badInputGivesAClearErrorAndTheRightExitCode() throws Exception {
        Path fresh = tmp.resolve("store");
        Path empty = Files.createDirectories(tmp.resolve("empty-store"));
        Path plain = Files.createDirectories(tmp.resolve("plain"));

        for (Path store : List.of(fresh, empty)) {
            Cli.Run notRepo = failsAndChangesNothing(store, 2, backup(store, "--source", plain.toString()));
            assertThat(notRepo.err()).contains("error: --source '" + plain + "' is not inside a git repository");
        }
        assertThat(fresh).doesNotExist();

        Cli.Run missingApp = failsAndChangesNothing(fresh, 2, "backup", "--store", fresh.toString());
        assertThat(missingApp.err()).contains("Missing required option: '--app=<app>'");

        Cli.Run badScheme = Cli.run("list", "--store", "ftp://host/x", "--json");
        assertThat(badScheme.exitCode()).isEqualTo(2);
        assertThat(badScheme.json().path("error").path("message").asText()).contains("unknown scheme");

        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo")).sampleRelease()) {
            repo.commit("one");
            String source = repo.dir().toString();
            for (Path store : List.of(fresh, empty)) {
                Cli.Run unknownRef = failsAndChangesNothing(store, 1, backup(store, "--source", source, "--ref", "v9"));
                assertThat(unknownRef.err()).contains("unknown ref 'v9'");
                Cli.Run badRelease = failsAndChangesNothing(store, 2, backup(store, "--source", source, "--release", "../r1"));
                assertThat(badRelease.err()).contains("release id '../r1' is not allowed");
            }
            assertThat(fresh).doesNotExist();

            Cli.Run first = Cli.run(backup(fresh, "--source", source, "--release", "r1"));
            assertThat(first.exitCode()).as(first.err()).isZero();
            Path manifest = fresh.resolve("releases/shop/r1/manifest.json");
            byte[] before = Files.readAllBytes(manifest);

            // A store that holds a release: every bad input leaves every path, size and time as it was.
            Cli.Run again = failsAndChangesNothing(fresh, 1, backup(fresh, "--source", source, "--release", "r1", "--json"));
            assertThat(again.json().path("error").path("kind").asText()).isEqualTo("conflict");
            assertThat(again.err()).contains("release shop/r1 already exists");
            assertThat(Files.readAllBytes(manifest)).isEqualTo(before);

            assertThat(failsAndChangesNothing(fresh, 2, backup(fresh, "--source", plain.toString(), "--release", "r2")).err())
                    .contains("is not inside a git repository");
            assertThat(failsAndChangesNothing(fresh, 1, backup(fresh, "--source", source, "--ref", "v9", "--release", "r2")).err())
                    .contains("unknown ref 'v9'");
            assertThat(failsAndChangesNothing(fresh, 2, backup(fresh, "--source", source, "--release", "a/b")).err())
                    .contains("release id 'a/b' is not allowed");
            assertThat(failsAndChangesNothing(fresh, 2, "backup", "--app", "..", "--store", fresh.toString(), "--source", source).err())
                    .contains("app '..' is not allowed");
            assertThat(failsAndChangesNothing(fresh, 2, "backup", "--app", "shop", "--store", fresh.toString(), "--source", source,
                    "--release", "r2", "--image-mode", "sometimes").err()).contains("--image-mode 'sometimes'");
            assertThat(failsAndChangesNothing(fresh, 2, "backup", "--app", "shop", "--store", fresh.toString(), "--source", source,
                    "--release", "r2", "--image-target", "not a registry").err()).contains("--image-target");
            assertThat(failsAndChangesNothing(fresh, 2, backup(fresh, "--source", source, "--release", "r2", "--build-system", "gitlab")).err())
                    .contains("build system 'gitlab' is not one of jenkins, tekton, cli");
            assertThat(failsAndChangesNothing(fresh, 2, backup(fresh, "--source", source, "--release", "r2",
                    "--namespace", "shop", "--selector", "app in (a")).err()).contains("--selector");
            assertThat(failsAndChangesNothing(fresh, 2, backup(fresh, "--source", source, "--release", "r2",
                    "--freeze", "--retain-until", "2001-01-01")).err()).contains("is not in the future");

            Cli.Run noRelease = failsAndChangesNothing(fresh, 1, "show", "--store", fresh.toString(), "--app", "shop", "--release", "r2");
            assertThat(noRelease.err()).contains("release shop/r2 does not exist").contains("releases of shop: r1");

            Cli.Run nothing = failsAndChangesNothing(fresh, 2, "restore", "--store", fresh.toString(), "--app", "shop", "--release", "r1");
            assertThat(nothing.err()).contains("nothing to restore");
        }
    }

    @Test
    void aHostileManifestPathIsRefusedAndNothingIsWritten() throws Exception {
        Path store = tmp.resolve("store");
        byte[] evil = "pwned".getBytes(StandardCharsets.UTF_8);
        Digest d = Digest.of(evil);
        Files.createDirectories(store.resolve("blobs/sha256"));
        Files.write(store.resolve("blobs/sha256/" + d.hex()), evil);
        Files.createDirectories(store.resolve("releases/shop/evil"));
        Files.writeString(store.resolve("releases/shop/evil/manifest.json"), """
                {"schemaVersion":1,"app":"shop","release":"evil","createdAt":"2026-01-01T00:00:00Z",
                 "source":{"repo":"x","commit":"c","dirty":false,
                   "files":[{"path":"../../escaped.txt","kind":"other","digest":"%s","size":5,"mode":"100644"}]}}
                """.formatted(d));
        Path out = tmp.resolve("a/b/out");
        Cli.Run r = Cli.run("restore", "--store", store.toString(), "--app", "shop", "--release", "evil", "--sources-to", out.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("refusing manifest path '../../escaped.txt'");
        assertThat(tmp.resolve("a/escaped.txt")).doesNotExist();
        assertThat(out).doesNotExist();
    }

    /** With --json, bad usage found by the parser is a JSON error on stdout too (exit 2); without, stdout stays empty. */
    @Test
    void usageErrorsHonourJson() {
        String store = tmp.resolve("store").toString();
        for (String[] args : List.of(
                new String[] {"backup", "--store", store, "--json"},
                new String[] {"list", "--store", store, "--no-such-option", "--json"},
                new String[] {"show", "--json", "--store", store, "--app"},
                new String[] {"verify", "--json", "--store", store, "--app", "shop", "--release", "r1", "extra"})) {
            Cli.Run r = Cli.run(args);
            assertThat(r.exitCode()).as(String.join(" ", args)).isEqualTo(2);
            JsonNode error = strictJson(r).path("error");
            assertThat(error.path("kind").asText()).isEqualTo("usage");
            assertThat(error.path("exitCode").asInt()).isEqualTo(2);
            assertThat(error.path("message").asText()).isNotBlank();
            assertThat(r.err()).contains("error: " + error.path("message").asText());
        }
        Cli.Run missingApp = Cli.run("backup", "--store", store, "--json");
        assertThat(strictJson(missingApp).path("error").path("message").asText()).contains("Missing required option: '--app=<app>'");

        Cli.Run text = Cli.run("backup", "--store", store);
        assertThat(text.exitCode()).isEqualTo(2);
        assertThat(text.out()).isEmpty();
        assertThat(text.err()).contains("Missing required option: '--app=<app>'");
    }

    /** With --json, stdout is exactly one JSON document; progress goes to stderr. */
    @Test
    void progressGoesToStderrAndStdoutIsOnlyJson() {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo")).sampleRelease()) {
            repo.commit("release");
            Cli.Run backup = Cli.run("backup", "--app", "shop", "--store", tmp.resolve("store").toString(), "--source",
                    repo.dir().toString(), "--release", "r1", "--image-mode", "none", "--json");
            assertThat(backup.exitCode()).as(backup.err()).isZero();
            assertThat(strictJson(backup).path("release").asText()).isEqualTo("r1");
            assertThat(backup.out()).doesNotContain("==>");
            assertThat(backup.err()).contains("==> sources").contains("==> manifest").contains("captured ");
        }
    }

    /** Parses stdout as one JSON document and nothing else (no text before or after it). */
    private static JsonNode strictJson(Cli.Run r) {
        try {
            return Json.mapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(r.out());
        } catch (java.io.IOException e) {
            throw new AssertionError("stdout is not exactly one JSON document: " + r.out() + "\nstderr: " + r.err(), e);
        }
    }

    @Test
    void helpDocumentsTheExitCodes() {
        Cli.Run help = Cli.run("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Exit codes:").contains("2  bad usage").contains("backup").contains("restore");
    }

    @Test
    void everyCommandShowsItsHelpBeforeCheckingRequiredOptions() {
        for (String command : java.util.List.of("backup", "list", "show", "verify", "restore", "freeze", "prune", "gc", "diff")) {
            Cli.Run help = Cli.run(command, "--help");
            assertThat(help.exitCode()).as(command + " --help: " + help.err()).isZero();
            assertThat(help.out()).as(command).contains("Usage: layercake " + command).contains("--json");
            assertThat(help.err()).as(command).doesNotContain("Missing required");
        }
    }
}
