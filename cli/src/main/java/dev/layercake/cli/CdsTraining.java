package dev.layercake.cli;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The training run behind the CLI's class-data sharing archive: at {@code package}, cli/pom.xml runs this class
 * from the shaded jar under {@code -XX:ArchiveClassesAtExit=target/layercake.jsa}, so the classes the commands
 * users run load here and land in the archive that {@code bin/layercake} maps. One JVM, the commands in turn on a
 * throwaway git repository and store, their output discarded. The archive is only an optimisation: a failing step
 * is one line on stderr, and the exit code is 0 whatever happens.
 */
final class CdsTraining {

    /**
     * An address nothing listens on: the lookups of the images the sources name fail (a warning each, after the
     * client's retries) and their classes load all the same. An explicit --image there would fail the backup.
     */
    private static final String REGISTRY = "127.0.0.1:9";

    private CdsTraining() {
    }

    public static void main(String[] args) {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        Path tmp = null;
        try {
            // before the sample repository is made here, as the engine does before it opens one
            org.eclipse.jgit.util.FS.FileStoreAttributes.setBackground(true);
            tmp = Files.createTempDirectory("layercake-cds-");
            Path repo = sampleRepository(tmp.resolve("repo"));
            String store = tmp.resolve("store").toString();
            PrintStream discard = new PrintStream(OutputStream.nullOutputStream(), true);
            System.setOut(discard);
            System.setErr(discard);
            List<List<String>> steps = List.of(
                    // the images the sources name are looked up (unreachable: a warning each, the backup completes)
                    List.of("backup", "--app", "training", "--release", "r1", "--store", store, "--source", repo.toString(),
                            "--image-mode", "digest-only", "--allow-incomplete", "--json"),
                    List.of("backup", "--app", "training", "--release", "r2", "--store", store, "--source", repo.toString(),
                            "--image-mode", "none"),
                    List.of("list", "--store", store, "--json"),
                    List.of("list", "--store", store),
                    List.of("show", "--store", store, "--app", "training", "--release", "r1", "--json"),
                    List.of("show", "--store", store, "--app", "training", "--release", "r1"),
                    List.of("verify", "--store", store, "--app", "training", "--release", "r1", "--json"),
                    List.of("verify", "--store", store, "--app", "training", "--release", "r2"),
                    List.of("diff", "--store", store, "--app", "training", "--release", "r1", "--against", "r2", "--json"),
                    List.of("backup", "--help"));
            for (List<String> step : steps) {
                String failure = run(step);
                if (failure != null) {
                    stderr.println("layercake CDS training: " + step.get(0) + " " + failure
                            + " (the archive may miss some classes; the build goes on)");
                }
            }
        } catch (Exception | LinkageError e) {
            stderr.println("layercake CDS training: " + e + " (the archive may miss some classes; the build goes on)");
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
            deleteQuietly(tmp);
        }
        // As LayercakeCommand.main: library thread pools must not keep the JVM alive. The archive is written now.
        System.exit(0);
    }

    /** Runs one command as the CLI would; null when it exits 0, otherwise what went wrong. */
    private static String run(List<String> args) {
        StringWriter err = new StringWriter();
        try {
            picocli.CommandLine cl = LayercakeCommand.newCommandLine();
            cl.setOut(new PrintWriter(Writer.nullWriter(), true));
            cl.setErr(new PrintWriter(err, true));
            int code = cl.execute(args.toArray(String[]::new));
            if (code == 0) {
                return null;
            }
            String error = err.toString().lines().filter(l -> l.startsWith("error:")).findFirst().orElse("");
            return "exited " + code + (error.isEmpty() ? "" : ": " + error);
        } catch (RuntimeException | LinkageError e) {
            return "failed: " + e;
        }
    }

    /** A release as users have them: a Dockerfile and a Kubernetes manifest naming images, committed. */
    private static Path sampleRepository(Path dir) throws Exception {
        Files.createDirectories(dir.resolve("deploy"));
        Files.writeString(dir.resolve("Dockerfile"), "FROM " + REGISTRY + "/training/base:1\nCOPY app /app\n");
        Files.writeString(dir.resolve("deploy/app.yaml"), """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: app
                spec:
                  template:
                    spec:
                      containers:
                        - name: app
                          image: %s/training/app:1
                """.formatted(REGISTRY));
        try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
            git.add().addFilepattern(".").call();
            PersonIdent who = new PersonIdent("Layercake", "cds@layercake.dev", Instant.EPOCH, ZoneOffset.UTC);
            git.commit().setMessage("training").setAuthor(who).setCommitter(who).setSign(false).call();
        }
        return dir;
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            System.err.println("layercake CDS training: could not delete " + dir + ": " + e);
        }
    }
}
