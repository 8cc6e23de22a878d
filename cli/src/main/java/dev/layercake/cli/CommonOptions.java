package dev.layercake.cli;

import picocli.CommandLine.Option;

/** Options every command has. */
final class CommonOptions {

    @Option(names = "--json", description = "Print machine-readable JSON on stdout.")
    boolean json;

    @Option(names = "--debug", description = "Print stack traces of failures.")
    boolean debug;

    @Option(names = {"-q", "--quiet"}, description = "Print no progress, only warnings and the result.")
    boolean quiet;

    /** Before required options are checked: `layercake backup --help` shows help, not "missing --store". */
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this command's help and exit.")
    boolean help;
}
