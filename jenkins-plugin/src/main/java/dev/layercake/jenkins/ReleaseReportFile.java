package dev.layercake.jenkins;

import dev.layercake.report.ReleaseReports;
import dev.layercake.report.ReportRenderer;
import dev.layercake.api.request.ReportRequest;
import dev.layercake.store.ReleaseStore;
import dev.layercake.api.request.StoreLocation;
import hudson.model.TaskListener;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;

/**
 * Writes the release report into the agent's workspace, right after the backup, from the store the backup wrote
 * (the same engine entry point as {@code layercake report}). The release is stored whatever happens here: a report
 * that cannot be written is logged and the step still succeeds.
 */
final class ReleaseReportFile {

    /** The folder inside the workspace; its files are archived with the same relative path. */
    static final String FOLDER = "layercake-reports";

    private ReleaseReportFile() {
    }

    /** Returns the report's path relative to the workspace, or null when it could not be written. */
    static String write(StoreLocation location, Map<String, String> env, String app, String release, File workspace,
                        TaskListener listener) {
        String relative = FOLDER + "/" + app + "-" + release + "-report.html"; // app and release are safe segments
        try (ReleaseStore store = ReleaseStore.open(location, env)) {
            String html = ReportRenderer.html(ReleaseReports.build(store, new ReportRequest(app, release, null)));
            File file = new File(workspace, relative);
            Files.createDirectories(file.getParentFile().toPath());
            Files.writeString(file.toPath(), html, StandardCharsets.UTF_8);
            return relative;
        } catch (Exception e) {
            listener.getLogger().println("layercake: the release report could not be written (the release is stored): " + e.getMessage());
            return null;
        }
    }
}
