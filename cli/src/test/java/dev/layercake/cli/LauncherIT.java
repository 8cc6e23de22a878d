package dev.layercake.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.layercake.testing.GitRepoFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code bin/layercake}, the launcher, over the shaded jar and the class-data sharing archive the package phase
 * records next to it (an integration test: it needs both). The archive is mapped, and never changes what a command
 * prints or returns: stdout stays one JSON document, exit codes pass through, an unusable archive is ignored.
 */
class LauncherIT {

    static final Path LAUNCHER = Path.of("../bin/layercake").toAbsolutePath().normalize();
    static final Path JAR = Path.of("target/layercake.jar").toAbsolutePath();
    static final Path ARCHIVE = Path.of("target/layercake.jsa").toAbsolutePath();
    /** -Dlayercake.cds.skip=true builds no archive (and a stale one from an earlier build does not fit the jar). */
    static final boolean ARCHIVE_BUILT = !Boolean.getBoolean("layercake.cds.skip");

    @TempDir
    Path tmp;

    record Run(int exitCode, String out, String err) {
        /** stdout as exactly one JSON document (trailing content fails). */
        JsonNode json() throws IOException {
            return new ObjectMapper().readerFor(JsonNode.class)
                    .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readValue(out);
        }
    }

    /** Runs the launcher as users do: the jar it finds itself (unless env says otherwise), the JDK of this test. */
    private Run run(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(LAUNCHER.toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile());
        pb.environment().keySet().removeAll(List.of("JAVA_OPTS", "LAYERCAKE_JAR", "LAYERCAKE_CDS"));
        // the archive is only valid for the JDK that recorded it: the build's, which runs this test too
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().putAll(env);
        pb.redirectOutput(tmp.resolve("out").toFile()).redirectError(tmp.resolve("err").toFile());
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("launcher finished").isTrue();
        return new Run(p.exitValue(), Files.readString(tmp.resolve("out")), Files.readString(tmp.resolve("err")));
    }

    /** The classes a run loaded from the archive the build recorded (the dynamic, "top" layer). */
    private List<String> classesFromTheArchive(Path classLog) throws IOException {
        return Files.readAllLines(classLog).stream()
                .filter(l -> l.endsWith("source: shared objects file (top)"))
                .map(l -> l.replaceFirst(".*\\[class,load\\] (\\S+) source:.*", "$1"))
                .toList();
    }

    @Test
    void theBuildRecordsTheArchiveAndTheLauncherMapsIt() throws Exception {
        assumeTrue(ARCHIVE_BUILT, "-Dlayercake.cds.skip=true");
        assertThat(JAR).as("the shaded jar (package phase)").isRegularFile();
        assertThat(ARCHIVE).as("the archive (package phase, after shade)").isRegularFile();
        assertThat(Files.size(ARCHIVE)).isGreaterThan(1_000_000);
        assertThat(Files.getLastModifiedTime(ARCHIVE)).as("recorded from this jar, after it was shaded")
                .isGreaterThanOrEqualTo(Files.getLastModifiedTime(JAR));

        Path classLog = tmp.resolve("classes.log");
        // -Xshare:on: the JVM refuses to start when it cannot map the archive
        Run list = run(Map.of("JAVA_OPTS", "-Xshare:on -Xlog:class+load=info:file=" + classLog),
                "list", "--store", tmp.resolve("store").toString(), "--json");
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.json().isArray()).isTrue();
        assertThat(list.err()).isEmpty();
        List<String> shared = classesFromTheArchive(classLog);
        assertThat(shared).as("the CLI's and the engine's classes come from the archive")
                .contains("dev.layercake.cli.ListCommand", "dev.layercake.cli.BaseCommand",
                        "dev.layercake.model.Json", "com.fasterxml.jackson.databind.ObjectMapper",
                        // published as Java 5 class files, which no archive takes: the build rewrites them (UpliftOldClassFiles)
                        "picocli.CommandLine", "picocli.CommandLine$Model$CommandSpec");
        assertThat(shared.size()).isGreaterThan(500);
    }

    @Test
    void outputAndExitCodesAreTheSameWithAndWithoutTheArchive() throws Exception {
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo")).sampleRelease()) {
            repo.commit("release");
            String store = tmp.resolve("store").toString();
            String[] backup = {"backup", "--app", "shop", "--release", "r1", "--store", store,
                    "--source", repo.dir().toString(), "--image-mode", "none", "--json"};

            Run first = run(ARCHIVE_BUILT ? Map.of("JAVA_OPTS", "-Xshare:on") : Map.of(), backup);
            assertThat(first.exitCode()).as(first.err()).isZero();
            assertThat(first.json().path("release").asText()).isEqualTo("r1");
            assertThat(first.err()).doesNotContain("[cds", "[warning]", "[error]");

            // a taken release id is a conflict: the same exit code and the same JSON as plain java -jar
            Run taken = run(Map.of(), backup);
            Run takenPlain = run(Map.of("LAYERCAKE_CDS", "off"), backup);
            assertThat(taken.exitCode()).as(taken.err()).isNotZero().isEqualTo(takenPlain.exitCode());
            assertThat(taken.json().path("error").path("kind").asText()).isEqualTo("conflict");
            assertThat(taken.json().toString()).isEqualTo(takenPlain.json().toString());
        }
    }

    @Test
    void anArchiveTheJvmCannotUseIsIgnored() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("elsewhere"));
        Path jar = Files.copy(JAR, dir.resolve("layercake.jar"));
        Map<String, String> env = Map.of("LAYERCAKE_JAR", jar.toString());
        String[] list = {"list", "--store", tmp.resolve("store").toString(), "--json"};

        Files.write(dir.resolve("layercake.jsa"), "not an archive".getBytes(StandardCharsets.UTF_8));
        Run damaged = run(env, list);
        assertThat(damaged.exitCode()).as(damaged.err()).isZero();
        assertThat(damaged.json().isArray()).isTrue();
        assertThat(damaged.err()).isEmpty();

        // a real archive, but recorded with another jar (this copy has another path and mtime)
        assumeTrue(ARCHIVE_BUILT, "-Dlayercake.cds.skip=true");
        Files.copy(ARCHIVE, dir.resolve("layercake.jsa"), StandardCopyOption.REPLACE_EXISTING);
        Run mismatched = run(env, list);
        assertThat(mismatched.exitCode()).as(mismatched.err()).isZero();
        assertThat(mismatched.json().isArray()).isTrue();
        assertThat(mismatched.err()).isEmpty();
    }

    @Test
    void aWorldWritableArchiveIsNotUsed() throws Exception {
        assumeTrue(ARCHIVE_BUILT, "-Dlayercake.cds.skip=true");
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(ARCHIVE);
        Set<PosixFilePermission> writable = new HashSet<>(permissions);
        writable.add(PosixFilePermission.OTHERS_WRITE);
        Path classLog = tmp.resolve("classes.log");
        try {
            Files.setPosixFilePermissions(ARCHIVE, writable);
            Run r = run(Map.of("JAVA_OPTS", "-Xlog:class+load=info:file=" + classLog), "list", "--store", tmp.resolve("store").toString(), "--json");
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(classesFromTheArchive(classLog)).as("anyone could have planted it").isEmpty();
        } finally {
            Files.setPosixFilePermissions(ARCHIVE, permissions);
        }
    }

    @Test
    void versionTakesTheFastPathWithoutPicocliOrTheEngine() throws Exception {
        Path classLog = tmp.resolve("classes.log");
        Run r = run(Map.of("JAVA_OPTS", "-Xlog:class+load=info:file=" + classLog), "--version");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).matches("layercake \\S+\\R");
        assertThat(r.err()).isEmpty();
        List<String> loaded = Files.readAllLines(classLog);
        // (the verifier of LayercakeCommand loads picocli's two exception classes it throws; nothing else of picocli)
        assertThat(loaded).as("neither picocli nor a subcommand, jgit, Jackson or the engine loads for --version")
                .noneMatch(l -> l.contains(" picocli.CommandLine ") || l.contains(" picocli.CommandLine$Model")
                        || l.contains(" dev.layercake.cli.BaseCommand ") || l.contains(" org.eclipse.jgit.")
                        || l.contains(" com.fasterxml.") || l.contains(" dev.layercake.backup."));
    }

    @Test
    void aMissingJarIsAClearUsageError() throws Exception {
        Run r = run(Map.of("LAYERCAKE_JAR", tmp.resolve("nope.jar").toString()), "list", "--store", tmp.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("nope.jar does not exist").contains("./mvnw");
        assertThat(r.out()).isEmpty();
    }
}
