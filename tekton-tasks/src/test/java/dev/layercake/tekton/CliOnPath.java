package dev.layercake.tekton;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code layercake} the Task's image has on PATH, stood in for by a wrapper around the built CLI:
 * the shaded {@code ../cli/target/layercake.jar} when it is current, else the same classes from this
 * test's classpath (a {@code mvn test} run stops before the CLI module's package phase).
 */
final class CliOnPath {

    static final Path JAR = Path.of("../cli/target/layercake.jar").toAbsolutePath().normalize();
    static final Path MAIN_CLASS = Path.of("../cli/target/classes/dev/layercake/cli/LayercakeCommand.class").toAbsolutePath().normalize();

    private CliOnPath() {
    }

    /** Writes bin/layercake and returns bin. */
    static Path install(Path bin) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String launch = jarIsCurrent()
                ? "exec '" + java + "' -jar '" + JAR + "' \"$@\""
                : "exec '" + java + "' -cp '" + System.getProperty("java.class.path") + "' dev.layercake.cli.LayercakeCommand \"$@\"";
        TaskRunSimulator.executable(bin.resolve("layercake"), "#!/usr/bin/env bash\n" + launch + "\n");
        return bin;
    }

    static boolean jarIsCurrent() throws IOException {
        return Files.isRegularFile(JAR) && (!Files.exists(MAIN_CLASS)
                || !Files.getLastModifiedTime(JAR).toInstant().isBefore(Files.getLastModifiedTime(MAIN_CLASS).toInstant()));
    }
}
