package dev.layercake.cli;

import dev.layercake.api.result.RenderedReport;

import dev.layercake.LayercakeException;
import dev.layercake.api.result.ReleaseReport;
import dev.layercake.api.request.ReportRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code layercake report}: one release as a self-contained HTML file (header, layer cake, sources, Kubernetes
 * objects, coverage; with {@code --against} the changes since that release). Built from the store alone.
 */
@Command(name = "report", description = "Write a release's report: one self-contained HTML file (with --against, the changes since that release).")
final class ReportCommand extends BaseCommand {

    @Mixin
    StoreOptions store = new StoreOptions();

    @Option(names = "--app", required = true, description = "Application name.")
    String app;

    @Option(names = "--release", required = true, description = "Release id.")
    String release;

    @Option(names = "--against", paramLabel = "RELEASE", description = "Also show what changed from this release to --release.")
    String against;

    @Option(names = {"--output", "-o"}, paramLabel = "FILE.html", description = "HTML file to write (default: <app>-<release>-report.html in the current folder).")
    Path output;

    @Override
    public Integer call() {
        ReportRequest request = new ReportRequest(app, release, against);
        {
            RenderedReport rendered = layercake().report(store.location(), request, progress());
            ReleaseReport report = rendered.report();
            byte[] html = rendered.html().getBytes(StandardCharsets.UTF_8);
            Path file = (output == null ? Path.of(app + "-" + release + "-report.html") : output).toAbsolutePath();
            write(file, html);
            if (common.json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("file", file.toString());
                out.put("bytes", html.length);
                out.put("report", report);
                printJson(out);
            } else {
                out().printf("report of %s/%s%s: %s (%s)%n", app, release, against == null ? "" : " against " + against,
                        file, humanBytes(html.length));
                out().flush();
            }
            return 0;
        }
    }

    /** Written beside the target and moved into place: a half-written report never replaces a good one. */
    private static void write(Path file, byte[] html) {
        Path dir = file.getParent();
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".report-", ".tmp");
            try {
                Files.write(tmp, html);
                if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) { // a temp file is 0600; a report is for reading
                    Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
                }
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new LayercakeException(LayercakeException.Kind.FAILED, "cannot write the report to " + file + ": " + e.getMessage()
                    + "; choose a writable path with --output", e);
        }
    }
}
