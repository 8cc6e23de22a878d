package dev.layercake.tekton;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.tekton.v1.Task;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The module's Tekton catalog: {@code task/<name>/<version>/<name>.yaml} with README.md, samples/, tests/. */
final class Catalog {

    /** The Tasks this module ships, and the Layercake CLI command each one runs. */
    enum Entry {
        BACKUP("layercake-backup-app", "0.1", "backup"),
        RESTORE("layercake-restore-app", "0.1", "restore"),
        COPY("layercake-copy-release", "0.1", "copy"),
        DRILL("layercake-drill-release", "0.1", "drill");

        final String taskName;
        final String version;
        final String command;

        Entry(String taskName, String version, String command) {
            this.taskName = taskName;
            this.version = version;
            this.command = command;
        }

        Path dir() {
            return ROOT.resolve("task").resolve(taskName).resolve(version);
        }

        Path taskFile() {
            return dir().resolve(taskName + ".yaml");
        }

        Task task() {
            List<Task> tasks = TektonDocuments.ofType(TektonDocuments.parse(taskFile()), Task.class);
            if (tasks.size() != 1) {
                throw new AssertionError(taskFile() + " must hold exactly one Task, holds " + tasks.size());
            }
            return tasks.get(0);
        }

        /** The YAML files under samples/ and tests/. */
        List<Path> exampleFiles() {
            try (Stream<Path> files = Stream.concat(Files.list(dir().resolve("samples")), Files.list(dir().resolve("tests")))) {
                return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The module folder (surefire runs the tests there). */
    static final Path ROOT = Path.of("").toAbsolutePath();

    private Catalog() {
    }

    static List<HasMetadata> documents(Path file) {
        return TektonDocuments.parse(file);
    }
}
