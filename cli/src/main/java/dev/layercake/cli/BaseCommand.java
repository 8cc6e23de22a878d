package dev.layercake.cli;

import dev.layercake.api.Layercake;
import dev.layercake.api.access.Access;
import dev.layercake.model.Json;
import dev.layercake.api.progress.ProgressListener;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** What every subcommand shares: --json/--debug/--quiet, progress on stderr, results on stdout. */
abstract class BaseCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common = new CommonOptions();

    @Spec
    CommandSpec spec;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Progress on the command line's error writer: stderr for the real CLI, captured by tests. */
    ProgressListener progress() {
        return new ConsoleProgress(err(), System.console() != null, common.quiet);
    }

    /** The engine, reached with this process's environment (AWS chain, docker config, registry CAs, keys). */
    Layercake layercake() {
        return Layercake.with(Access.fromEnvironment(System.getenv()));
    }

    void printJson(Object value) {
        out().println(Json.writeString(value));
        out().flush();
    }

    static String humanBytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format("%.1f %s", v, units[u]);
    }
}
