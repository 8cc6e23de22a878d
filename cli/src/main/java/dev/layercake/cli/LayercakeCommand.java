package dev.layercake.cli;

import dev.layercake.LayercakeException;
import dev.layercake.backup.BackupEngine;
import dev.layercake.model.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code layercake} command. */
@Command(name = "layercake",
        mixinStandardHelpOptions = true,
        versionProvider = LayercakeCommand.Version.class,
        description = "Back up, verify and restore an application's release: sources and IaC from git, images, Kubernetes objects.",
        subcommands = {
                BackupCommand.class,
                ListCommand.class,
                ShowCommand.class,
                VerifyCommand.class,
                RestoreCommand.class,
                FreezeCommand.class,
                PruneCommand.class,
                GcCommand.class,
                DiffCommand.class,
                ReportCommand.class,
                CommandLine.HelpCommand.class
        },
        footerHeading = "%nExit codes:%n",
        footer = {
                "  0  success",
                "  1  failure (not found, conflict, corrupt or unreachable store, verification failed)",
                "  2  bad usage (unknown option, missing or invalid value)"
        })
public final class LayercakeCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (backup, list, show, verify, restore, freeze, prune, gc, diff)");
    }

    public static void main(String[] args) {
        // jgit otherwise measures the filesystem's timestamp resolution up front (about 2 s on a cold disk).
        org.eclipse.jgit.util.FS.FileStoreAttributes.setBackground(true);
        // Exit explicitly: library thread pools (registry transfers, HTTP clients) must not keep the JVM alive.
        System.exit(run(args));
    }

    /** Runs the CLI in this JVM and returns the exit code (tests use this). */
    public static int run(String... args) {
        return newCommandLine().execute(args);
    }

    static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new LayercakeCommand());
        cl.setExecutionExceptionHandler(LayercakeCommand::handleFailure);
        cl.setParameterExceptionHandler(LayercakeCommand::handleUsage);
        return cl;
    }

    private static int handleFailure(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        Object command = cl.getCommand();
        boolean json = command instanceof BaseCommand b && b.common.json;
        boolean debug = command instanceof BaseCommand b2 && b2.common.debug;
        int code;
        String kind;
        String message;
        if (e instanceof LayercakeException le) {
            code = le.exitCode();
            kind = le.kind().name().toLowerCase();
            message = le.getMessage();
        } else {
            code = 1;
            kind = "failed";
            message = "unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + (debug ? "" : " (run with --debug for details)");
        }
        PrintWriter err = cl.getErr();
        err.println("error: " + message);
        if (debug) {
            e.printStackTrace(err);
        }
        err.flush();
        if (json) {
            printJsonError(cl, kind, message, code);
        }
        return code;
    }

    /** The {@code {"error": {...}}} document every command prints on stdout with --json when it fails. */
    private static void printJsonError(CommandLine cl, String kind, String message, int code) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("kind", kind);
        error.put("message", message);
        error.put("exitCode", code);
        cl.getOut().println(Json.writeString(Map.of("error", error)));
        cl.getOut().flush();
    }

    /**
     * Bad usage (unknown option, missing or invalid value): the message on stderr, and with --json the same
     * {@code {"error": ...}} document as any other failure on stdout, exit 2. The command's own options were not
     * parsed, so --json is looked for in the arguments as given.
     */
    private static int handleUsage(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("error: " + e.getMessage());
        err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for usage.");
        err.flush();
        int code = LayercakeException.Kind.USAGE.exitCode();
        if (args != null && Arrays.stream(args).anyMatch(a -> a.equals("--json") || a.equals("--json=true"))) {
            printJsonError(cl, "usage", e.getMessage(), code);
        }
        return code;
    }

    /** Picocli version provider reading the jar's Implementation-Version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"layercake " + BackupEngine.version()};
        }
    }
}
