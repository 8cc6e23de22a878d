package dev.layercake.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.layercake.testing.GitRepoFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** freeze, prune and gc through the CLI (in process), with --json and exit codes. */
class RetentionCliTest {

    @TempDir
    Path tmp;

    /** Runs the CLI with freeze/prune/gc registered, whether or not LayercakeCommand lists them yet. */
    static Cli.Run run(String... args) {
        CommandLine cl = LayercakeCommand.newCommandLine();
        for (Object sub : List.of(new FreezeCommand(), new PruneCommand(), new GcCommand())) {
            String name = sub.getClass().getAnnotation(CommandLine.Command.class).name();
            if (!cl.getSubcommands().containsKey(name)) {
                cl.addSubcommand(name, sub);
            }
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Cli.Run(code, out.toString(), err.toString());
    }

    @Test
    void freezeThenPruneRefusesTheFrozenReleaseAndGcFreesTheRest() throws Exception {
        String store = tmp.resolve("store").toString();
        for (String release : List.of("r1", "r2", "r3")) {
            try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo-" + release))) {
                repo.write("infra/main.tf", "resource \"x\" \"" + release + "\" {}\n");
                repo.commit(release);
                Cli.Run backup = Cli.run("backup", "--app", "shop", "--store", store, "--source", repo.dir().toString(),
                        "--release", release, "--image-mode", "none", "--json");
                assertThat(backup.exitCode()).as(backup.err()).isZero();
            }
            Thread.sleep(20);
        }

        Cli.Run freeze = run("freeze", "--store", store, "--app", "shop", "--release", "r1", "--retain-until", "2099-01-01", "--json");
        assertThat(freeze.exitCode()).as(freeze.err()).isZero();
        JsonNode f = freeze.json();
        assertThat(f.path("method").asText()).isEqualTo("filesystem-read-only");
        assertThat(f.path("retainUntil").asText()).isEqualTo("2099-01-01T00:00:00Z");
        assertThat(f.path("objectsFrozen").asInt()).isGreaterThanOrEqualTo(3);
        assertThat(f.path("imageTags").isArray() && f.path("imageTags").isEmpty()).as("no --tag-images, no tags").isTrue();

        // Freezing again with --tag-images: already frozen, and a release with no registry copies says so.
        Cli.Run tagged = run("freeze", "--store", store, "--app", "shop", "--release", "r1", "--tag-images", "--json");
        assertThat(tagged.exitCode()).as(tagged.err()).isZero();
        assertThat(tagged.json().path("alreadyFrozen").asBoolean()).isTrue();
        assertThat(tagged.json().path("imageTags").isEmpty()).isTrue();
        assertThat(tagged.err()).contains("no image copies in a backup registry");

        Cli.Run dry = run("prune", "--store", store, "--app", "shop", "--keep", "0", "--dry-run");
        assertThat(dry.exitCode()).isZero();
        assertThat(dry.out()).contains("would prune 2 release(s)").contains("refused  r1 (frozen releases are never pruned)");

        Cli.Run prune = run("prune", "--store", store, "--app", "shop", "--keep", "0", "--json");
        assertThat(prune.exitCode()).as(prune.err()).isZero();
        assertThat(prune.json().path("pruned")).extracting(JsonNode::asText).containsExactly("r2", "r3");
        assertThat(prune.json().path("refusedFrozen")).extracting(JsonNode::asText).containsExactly("r1");

        Cli.Run gc = run("gc", "--store", store, "--grace", "0s", "--json");
        assertThat(gc.exitCode()).as(gc.err()).isZero();
        assertThat(gc.json().path("deferred").asBoolean()).isFalse();
        assertThat(gc.json().path("blobsCollected").asInt()).isEqualTo(2);
        assertThat(gc.json().path("releases").asInt()).isEqualTo(1);

        Cli.Run verify = Cli.run("verify", "--store", store, "--app", "shop", "--release", "r1", "--json");
        assertThat(verify.exitCode()).as(verify.out()).isZero();

        Cli.Run human = run("gc", "--store", store);
        assertThat(human.out()).contains("collected 0 blob(s)");
    }

    @Test
    void flagsAreTheVocabularyOfEachCommand() {
        for (Object sub : List.of(new FreezeCommand(), new PruneCommand(), new GcCommand())) {
            CommandLine.Model.CommandSpec spec = new CommandLine(sub).getCommandSpec();
            java.util.Set<String> flags = new java.util.TreeSet<>();
            spec.options().stream().map(o -> o.longestName())
                    .filter(n -> !java.util.Set.of("--json", "--debug", "--quiet", "--help").contains(n)).forEach(flags::add);
            java.util.Set<String> vocabulary = new java.util.TreeSet<>();
            dev.layercake.api.request.Vocabulary.forCommand(spec.name()).stream()
                    .filter(v -> v != dev.layercake.api.request.Vocabulary.JSON).forEach(v -> vocabulary.add(v.cliFlag()));
            assertThat(flags).as("flags of '%s'", spec.name()).isEqualTo(vocabulary);
        }
    }

    @Test
    void badRetentionInputIsUsageAndFreezingAMissingReleaseFails() {
        String store = tmp.resolve("store").toString();
        Cli.Run noRule = run("prune", "--store", store, "--app", "shop");
        assertThat(noRule.exitCode()).isEqualTo(2);
        assertThat(noRule.err()).contains("--keep").contains("--older-than");

        Cli.Run badAge = run("prune", "--store", store, "--app", "shop", "--older-than", "ages");
        assertThat(badAge.exitCode()).isEqualTo(2);
        assertThat(badAge.err()).contains("--older-than 'ages'");

        Cli.Run badGrace = run("gc", "--store", store, "--grace", "-1h", "--json");
        assertThat(badGrace.exitCode()).isEqualTo(2);
        assertThat(badGrace.json().path("error").path("kind").asText()).isEqualTo("usage");

        Cli.Run missing = run("freeze", "--store", store, "--app", "shop", "--release", "nope");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("shop/nope").contains("does not exist");

        Cli.Run badDate = run("freeze", "--store", store, "--app", "shop", "--release", "nope", "--retain-until", "tomorrow");
        assertThat(badDate.exitCode()).isEqualTo(2);
        assertThat(badDate.err()).contains("YYYY-MM-DD");
    }
}
