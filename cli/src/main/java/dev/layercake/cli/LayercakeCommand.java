package dev.layercake.cli;

import dev.layercake.LayercakeException;
import dev.layercake.api.Layercake;
import dev.layercake.api.request.Vocabulary;
import dev.layercake.model.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code layercake} command. */
@Command(name = "layercake",
        mixinStandardHelpOptions = true,
        versionProvider = LayercakeCommand.Version.class,
        description = "Back up, verify and restore an application's release: sources and IaC from git, images, Kubernetes objects.",
        footerHeading = "%nExit codes:%n",
        footer = {
                "  0  success",
                "  1  failure (not found, conflict, corrupt or unreachable store, verification failed)",
                "  2  bad usage (unknown option, missing or invalid value)",
                "  diff: 0 no differences, 1 differences found, 2 error (as kubectl diff)"
        })
public final class LayercakeCommand implements Runnable {

    /**
     * The subcommands, one line each (not in {@code @Command(subcommands)}: picocli would build every command's
     * options by reflection on each start; {@link #newCommandLine(String...)} builds only the one that runs). A method,
     * not a constant: the --version fast path in main loads none of them.
     */
    static List<Class<?>> subcommands() {
        return List.of(
                BackupCommand.class,
                ListCommand.class,
                ShowCommand.class,
                VerifyCommand.class,
                RestoreCommand.class,
                FreezeCommand.class,
                PruneCommand.class,
                GcCommand.class,
                DiffCommand.class,
                DrillCommand.class,
                ReportCommand.class,
                CopyCommand.class,
                ExportCommand.class,
                ImportCommand.class,
                PolicyCommand.class,
                CommandLine.HelpCommand.class);
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (" + String.join(", ", subcommands().stream().map(c -> c.getAnnotation(CommandLine.Command.class).name()).toList()) + ")");
    }

    public static void main(String[] args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            // The fast path: what picocli would print, without building it (or jgit, or the engine's classes).
            System.out.println(versionLine());
            System.exit(0);
        }
        // Exit explicitly: library thread pools (registry transfers, HTTP clients) must not keep the JVM alive.
        System.exit(run(args));
    }

    /** Runs the CLI in this JVM and returns the exit code (tests use this). */
    public static int run(String... args) {
        return newCommandLine(args).execute(args);
    }

    /** The whole command tree, every subcommand built. */
    static CommandLine newCommandLine() {
        return newCommandLine(new String[0]);
    }

    /**
     * The command tree for these arguments: when the first one names a subcommand, only that subcommand is built
     * (what runs, parses and prints help is the same); otherwise (top-level help, {@code help CMD}, a misspelt
     * command that picocli suggests a fix for) all of them.
     */
    static CommandLine newCommandLine(String... args) {
        CommandLine cl = new CommandLine(new LayercakeCommand());
        String first = args.length == 0 ? null : args[0];
        Class<?> only = null;
        List<Class<?>> all = subcommands();
        for (Class<?> c : all) {
            Command command = c.getAnnotation(Command.class);
            if (first != null && !c.equals(CommandLine.HelpCommand.class)
                    && (command.name().equals(first) || Arrays.asList(command.aliases()).contains(first))) {
                only = c;
            }
        }
        for (Class<?> c : only == null ? all : List.of(only)) {
            cl.addSubcommand(c);
        }
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
            message = Vocabulary.render(le.getMessage(), frontDoor());
        } else {
            code = 1;
            kind = "failed";
            message = "unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + (debug ? "" : " (run with --debug for details)");
        }
        if (command instanceof DiffCommand) {
            code = DiffCommand.ERROR_EXIT; // diff's 1 means "differences found"
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

    /**
     * Who runs this CLI: a Tekton Task says so with {@code LAYERCAKE_FRONT_DOOR=tekton}, and its users then read
     * option names as the Task's params ({@code image-target}), not as flags.
     */
    static Vocabulary.FrontDoor frontDoor() {
        return "tekton".equalsIgnoreCase(System.getenv("LAYERCAKE_FRONT_DOOR")) ? Vocabulary.FrontDoor.TEKTON : Vocabulary.FrontDoor.CLI;
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

    /** {@code layercake VERSION}: the Implementation-Version of the jar (this class and the engine's are shaded into one). */
    static String versionLine() {
        String v = LayercakeCommand.class.getPackage().getImplementationVersion();
        return "layercake " + (v == null ? Layercake.version() : v);
    }

    /** Picocli version provider reading the jar's Implementation-Version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {versionLine()};
        }
    }
}
