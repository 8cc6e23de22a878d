package dev.layercake.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.layercake.model.Json;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs the CLI in this JVM (or as a child process) and captures exit code, stdout and stderr. */
final class Cli {

    record Run(int exitCode, String out, String err) {
        JsonNode json() {
            try {
                return Json.mapper().readTree(out);
            } catch (IOException e) {
                throw new UncheckedIOException("stdout is not JSON: " + out + "\nstderr: " + err, e);
            }
        }
    }

    private Cli() {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // as the CLI's main builds it: only the subcommand named first
        CommandLine cl = LayercakeCommand.newCommandLine(args);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** Starts the CLI in a new JVM on this test's classpath, so it can be killed like a real process. */
    static Process start(Path workDir, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LayercakeCommand.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
        pb.environment().putAll(env);
        pb.redirectErrorStream(false);
        return pb.start();
    }

    static Run finish(Process p) throws Exception {
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        int code = p.waitFor();
        return new Run(code, new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }
}
