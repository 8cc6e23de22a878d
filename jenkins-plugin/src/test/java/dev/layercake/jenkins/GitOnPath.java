package dev.layercake.jenkins;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The Pipeline tests make their repository with the git command on the agent (here: this machine). */
final class GitOnPath {

    private GitOnPath() {
    }

    /** Skips the test without git, except under CI=true, where a missing tool is a failure. */
    static void require() {
        boolean present;
        try {
            Process p = new ProcessBuilder("git", "--version").redirectErrorStream(true).start();
            present = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            present = false;
        }
        if (!present && "true".equals(System.getenv("CI"))) {
            fail("git is not on the PATH (CI=true): install the Debian package git");
        }
        assumeTrue(present, "git is not on the PATH");
    }
}
