package dev.layercake.jenkins;

import dev.layercake.api.Layercake;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.api.request.ReportRequest;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.api.request.Vocabulary;
import hudson.model.TaskListener;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/**
 * Writes the release report into the agent's workspace, right after the backup, from the store the backup wrote
 * (the engine's {@code report}, as {@code layercake report}). The release is stored whatever happens here: a report
 * that cannot be written is logged and the step still succeeds.
 */
final class ReleaseReportFile {

    /** The folder inside the workspace; its files are archived with the same relative path. */
    static final String FOLDER = "layercake-reports";

    private ReleaseReportFile() {
    }

    /** Returns the report's path relative to the workspace, or null when it could not be written. */
    static String write(Layercake layercake, StoreLocation location, String app, String release, File workspace,
                        TaskListener listener) {
        String relative = FOLDER + "/" + app + "-" + release + "-report.html"; // app and release are safe segments
        try {
            String html = layercake.report(location, new ReportRequest(app, release, null), ProgressListener.NONE).html();
            File file = new File(workspace, relative);
            Files.createDirectories(file.getParentFile().toPath());
            Files.writeString(file.toPath(), html, StandardCharsets.UTF_8);
            return relative;
        } catch (Exception e) {
            listener.getLogger().println("layercake: the release report could not be written (the release is stored): "
                    + Vocabulary.render(e.getMessage(), Vocabulary.FrontDoor.JENKINS));
            return null;
        }
    }
}
