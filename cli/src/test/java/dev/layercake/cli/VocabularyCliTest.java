package dev.layercake.cli;

import dev.layercake.api.request.Vocabulary;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI's flags are the engine's one vocabulary: nothing missing, nothing extra. */
class VocabularyCliTest {

    private static final Set<String> FRONT_DOOR_ONLY = Set.of("--json", "--debug", "--quiet", "--help", "--version");

    @Test
    void everySubcommandHasExactlyTheVocabularyFlags() {
        CommandLine top = LayercakeCommand.newCommandLine();
        for (var entry : top.getSubcommands().entrySet()) {
            String command = entry.getKey();
            if (command.equals("help")) {
                continue;
            }
            Set<String> cli = new TreeSet<>();
            for (OptionSpec o : entry.getValue().getCommandSpec().options()) {
                if (!FRONT_DOOR_ONLY.contains(o.longestName())) {
                    cli.add(o.names()[0].startsWith("--") ? o.names()[0] : o.longestName());
                }
            }
            Set<String> vocabulary = new TreeSet<>();
            Vocabulary.forCommand(command).stream().filter(v -> v != Vocabulary.JSON).forEach(v -> vocabulary.add(v.cliFlag()));
            assertThat(cli).as("flags of '%s'", command).isEqualTo(vocabulary);
        }
    }

    @Test
    void everyCommandTheVocabularyNamesExists() {
        Set<String> commands = new TreeSet<>();
        for (Vocabulary v : Vocabulary.values()) {
            for (String c : java.util.List.of("backup", "restore", "freeze", "list", "show", "verify", "diff", "prune", "gc", "report")) {
                if (v.appliesTo(c)) {
                    commands.add(c);
                }
            }
        }
        assertThat(LayercakeCommand.newCommandLine().getSubcommands().keySet()).containsAll(commands);
    }
}
