package dev.layercake.api.request;

import dev.layercake.model.Names;

/** Which report: one release of an app, optionally against another release ({@code against}, may be null). */
public record ReportRequest(String app, String release, String against) {

    public ReportRequest {
        Names.checkSegment("app", app);
        Names.checkSegment("release", release);
        if (against != null) {
            Names.checkSegment("against", against);
        }
    }
}
