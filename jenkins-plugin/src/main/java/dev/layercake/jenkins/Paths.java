package dev.layercake.jenkins;

import java.io.File;
import java.nio.file.Path;

/** Paths a step names are the workspace's when relative, as they are for {@code sh} and {@code readFile}. */
final class Paths {

    private Paths() {
    }

    static String inWorkspace(File workspace, String path) {
        if (path == null || path.isBlank()) {
            return null;
        }
        return Path.of(path).isAbsolute() ? path : new File(workspace, path).getAbsolutePath();
    }

    /** A file the step names wins over one made from its credentials. */
    static String either(String given, String fromCredentials) {
        return given != null ? given : fromCredentials;
    }
}
