package dev.layercake.tekton;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The backup step's report: with the {@code output} workspace bound the step runs {@code layercake report} on the
 * release it just stored, into that workspace; unbound, it does not; a failing report warns and the step still
 * succeeds (the release is stored). A stand-in {@code layercake} records each call.
 */
class BackupReportStepScriptTest {

    static final String DIGEST = "sha256:" + "cd".repeat(32);

    @TempDir
    Path tmp;

    void fakeCli(int reportExit) throws Exception {
        Files.writeString(tmp.resolve("backup.json"), """
                {"app":"shop","release":"r7","manifestDigest":"%s","manifestUri":"s3://bucket/x/releases/shop/r7/manifest.json","pinnedImages":[]}
                """.formatted(DIGEST));
        TaskRunSimulator.executable(tmp.resolve("bin/layercake"), """
                #!/usr/bin/env bash
                printf '%%s ' "$@" >> '%1$s/calls'; echo >> '%1$s/calls'
                if [ "$1" = report ]; then
                  [ %2$d -eq 0 ] || { echo "report failed" >&2; exit %2$d; }
                  while [ $# -gt 0 ]; do if [ "$1" = -o ]; then echo '<html>report</html>' > "$2"; fi; shift; done
                  exit 0
                fi
                cat '%1$s/backup.json'
                """.formatted(tmp, reportExit));
    }

    TaskRunSimulator backup() throws Exception {
        return new TaskRunSimulator(Catalog.Entry.BACKUP.task(), tmp.resolve("run")).path(tmp.resolve("bin"))
                .workspace("source", Files.createDirectories(tmp.resolve("source")))
                .param("app", "shop")
                .param("store", "s3://bucket/x")
                .param("s3-endpoint", "http://127.0.0.1:9000")
                .param("s3-path-style", "true");
    }

    @Test
    void aBoundOutputWorkspaceGetsTheReportOfTheStoredRelease() throws Exception {
        fakeCli(0);
        Path output = Files.createDirectories(tmp.resolve("output"));
        TaskRunSimulator.Run run = backup().workspace("output", output).run();
        assertThat(run.exitCode()).as(run.toString()).isZero();
        List<String> calls = Files.readAllLines(tmp.resolve("calls"));
        assertThat(calls).hasSize(2);
        assertThat(calls.get(1).trim()).isEqualTo("report --app shop --store s3://bucket/x --release r7 -o " + output
                + "/shop-r7-report.html --s3-endpoint http://127.0.0.1:9000 --s3-path-style");
        assertThat(output.resolve("shop-r7-report.html")).hasContent("<html>report</html>");
        assertThat(run.stderr()).contains("report written to " + output + "/shop-r7-report.html");
    }

    @Test
    void withoutTheWorkspaceNoReportIsWritten() throws Exception {
        fakeCli(0);
        TaskRunSimulator.Run run = backup().run();
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(Files.readAllLines(tmp.resolve("calls"))).hasSize(1).allMatch(l -> l.startsWith("backup "));
    }

    @Test
    void aFailingReportWarnsAndTheStoredReleaseStillSucceeds() throws Exception {
        fakeCli(1);
        Path output = Files.createDirectories(tmp.resolve("output"));
        TaskRunSimulator.Run run = backup().workspace("output", output).run();
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stderr()).contains("report failed", "WARNING: the report could not be written (the release is stored)");
        assertThat(output.resolve("shop-r7-report.html")).doesNotExist();
    }
}
