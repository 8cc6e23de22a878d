package dev.layercake.cli;

import dev.layercake.LayercakeException;
import dev.layercake.backup.BackupEngine;
import dev.layercake.model.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
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
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("error", Map.of("kind", kind, "message", message, "exitCode", code));
            cl.getOut().println(Json.writeString(doc));
            cl.getOut().flush();
        }
        return code;
    }

    private static int handleUsage(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("error: " + e.getMessage());
        err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for usage.");
        err.flush();
        return 2;
    }

    /** Picocli version provider reading the jar's Implementation-Version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"layercake " + BackupEngine.version()};
        }
    }
}
