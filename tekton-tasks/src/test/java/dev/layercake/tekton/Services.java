package dev.layercake.tekton;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/** Real service binaries the tests start: required under CI=true, a skip elsewhere. */
final class Services {

    private Services() {
    }

    static Path require(String binary, String debianPackage) {
        for (String dir : System.getenv("PATH").split(":")) {
            Path p = Path.of(dir, binary);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        String message = binary + " is not installed (Debian package " + debianPackage + ")";
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError(message);
        }
        Assumptions.abort(message);
        return null;
    }
}
