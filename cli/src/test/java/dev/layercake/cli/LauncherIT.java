package dev.layercake.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.layercake.testing.GitRepoFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bin/layercake}, the launcher, over the shaded jar (an integration test: it needs the package phase).
 * The class-data sharing archive is made by the first backup, used after, and never changes what a command
 * prints or returns: stdout stays pure JSON, exit codes pass through, a broken archive is ignored.
 */
class LauncherIT {

    static final Path LAUNCHER = Path.of("../bin/layercake").toAbsolutePath().normalize();
    static final Path JAR = Path.of("target/layercake.jar").toAbsolutePath();

    @TempDir
    Path tmp;

    record Run(int exitCode, String out, String err) {
        JsonNode json() throws IOException {
            return new ObjectMapper().readTree(out);
        }
    }

    private Run run(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(LAUNCHER.toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile());
        pb.environment().put("XDG_CACHE_HOME", tmp.resolve("cache").toString());
        pb.environment().put("LAYERCAKE_JAR", JAR.toString());
        pb.environment().remove("JAVA_OPTS");
        pb.environment().putAll(env);
        pb.redirectOutput(tmp.resolve("out").toFile()).redirectError(tmp.resolve("err").toFile());
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("launcher finished").isTrue();
        return new Run(p.exitValue(), Files.readString(tmp.resolve("out")), Files.readString(tmp.resolve("err")));
    }

    private List<Path> cacheFiles() throws IOException {
        Path dir = tmp.resolve("cache/layercake");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    @Test
    void theFirstBackupRecordsTheArchiveLaterCommandsUseItAndOutputIsUnchanged() throws Exception {
        assertThat(JAR).as("the shaded jar (package phase)").isRegularFile();
        try (GitRepoFixture repo = GitRepoFixture.create(tmp.resolve("repo")).sampleRelease()) {
            repo.commit("release");
            String store = tmp.resolve("store").toString();

            Run list = run(Map.of(), "list", "--store", store, "--json");
            assertThat(list.exitCode()).as(list.err()).isZero();
            assertThat(list.json().isArray()).isTrue();
            assertThat(cacheFiles()).as("only a backup records the archive").isEmpty();

            Run first = run(Map.of(), "backup", "--app", "shop", "--release", "r1", "--store", store,
                    "--source", repo.dir().toString(), "--image-mode", "none", "--json");
            assertThat(first.exitCode()).as(first.err()).isZero();
            assertThat(first.json().path("release").asText()).isEqualTo("r1");
            assertThat(cacheFiles()).as("one archive, nothing half-written left").hasSize(1)
                    .allMatch(f -> f.getFileName().toString().endsWith("jsa") && !f.getFileName().toString().endsWith(".tmp"));
            Path archive = cacheFiles().get(0);
            assertThat(Files.size(archive)).isGreaterThan(1_000_000);

            Run second = run(Map.of(), "backup", "--app", "shop", "--release", "r2", "--store", store,
                    "--source", repo.dir().toString(), "--image-mode", "none", "--json");
            assertThat(second.exitCode()).as(second.err()).isZero();
            assertThat(second.json().path("release").asText()).isEqualTo("r2");
            assertThat(second.err()).doesNotContain("[cds]", "[warning]");
            assertThat(second.json().path("blobsWritten").asLong()).as("an unchanged release stores nothing new").isZero();

            // exit codes pass through: a taken release id is a conflict, exactly as with java -jar
            Run taken = run(Map.of(), "backup", "--app", "shop", "--release", "r2", "--store", store,
                    "--source", repo.dir().toString(), "--image-mode", "none", "--json");
            Run takenPlain = run(Map.of("LAYERCAKE_CDS", "off"), "backup", "--app", "shop", "--release", "r2", "--store", store,
                    "--source", repo.dir().toString(), "--image-mode", "none", "--json");
            assertThat(taken.exitCode()).isNotZero().isEqualTo(takenPlain.exitCode());
            assertThat(taken.json().toString()).isEqualTo(takenPlain.json().toString());

            // a damaged archive is not used and breaks nothing
            archive.toFile().setWritable(true);
            Files.write(archive, "not an archive".getBytes(StandardCharsets.UTF_8));
            Run damaged = run(Map.of(), "verify", "--store", store, "--app", "shop", "--release", "r2", "--json");
            assertThat(damaged.exitCode()).as(damaged.err()).isZero();
            assertThat(damaged.json().path("ok").asBoolean()).isTrue();
        }
    }

    @Test
    void aMissingJarIsAClearUsageError() throws Exception {
        Run r = run(Map.of("LAYERCAKE_JAR", tmp.resolve("nope.jar").toString()), "list", "--store", tmp.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("nope.jar does not exist").contains("./mvnw");
    }
}
