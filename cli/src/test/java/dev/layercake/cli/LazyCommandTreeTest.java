package dev.layercake.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CLI builds only the subcommand that runs ({@link LayercakeCommand#newCommandLine(String...)}): every
 * subcommand, including ones added later to {@link LayercakeCommand#subcommands()}, must still show its help, and the
 * top level must still list them all.
 */
class LazyCommandTreeTest {

    private static List<String> names() {
        return LayercakeCommand.subcommands().stream().map(c -> c.getAnnotation(Command.class).name()).toList();
    }

    @Test
    void everySubcommandShowsItsHelpWhenBuiltAlone() {
        for (String name : names()) {
            if (name.equals("help")) {
                continue;
            }
            assertThat(LayercakeCommand.newCommandLine(name, "--help").getSubcommands().keySet())
                    .as("only %s is built", name).containsExactly(name);
            Cli.Run help = Cli.run(name, "--help");
            assertThat(help.exitCode()).as(name + ": " + help.err()).isZero();
            assertThat(help.out()).as(name).contains("Usage: layercake " + name).contains("--json");
            Cli.Run viaHelp = Cli.run("help", name);
            assertThat(viaHelp.exitCode()).as("help " + name).isZero();
            assertThat(viaHelp.out()).isEqualTo(help.out());
        }
    }

    @Test
    void theTopLevelStillListsEveryCommand() {
        CommandLine all = LayercakeCommand.newCommandLine();
        assertThat(all.getSubcommands().keySet()).containsExactlyElementsOf(names());
        Cli.Run help = Cli.run("--help");
        assertThat(help.exitCode()).isZero();
        for (String name : names()) {
            assertThat(help.out()).contains("  " + name + " ");
        }
        // a misspelt command still gets picocli's suggestion (it needs the whole tree)
        Cli.Run typo = Cli.run("lst", "--store", "x");
        assertThat(typo.exitCode()).isEqualTo(2);
        assertThat(typo.err()).contains("lst");
    }

    @Test
    void versionIsTheSameOnTheFastPathAndThroughPicocli() {
        Cli.Run version = Cli.run("--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out().strip()).isEqualTo(LayercakeCommand.versionLine()).startsWith("layercake ");
    }
}
