package dev.layercake.api.result;

/** The report's data and its self-contained HTML page. */
public record RenderedReport(ReleaseReport report, String html) {
}
