package dev.layercake.report;

import dev.layercake.api.result.ReleaseReport;
import dev.layercake.LayercakeException;
import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.extension.AbstractExtension;
import io.pebbletemplates.pebble.extension.Filter;
import io.pebbletemplates.pebble.loader.ClasspathLoader;
import io.pebbletemplates.pebble.template.EvaluationContext;
import io.pebbletemplates.pebble.template.PebbleTemplate;

import java.io.IOException;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

/**
 * Renders a {@link ReleaseReport} as one self-contained HTML file (inline CSS and SVG, no script, nothing
 * fetched when opened) with Pebble, whose auto-escaping HTML-escapes every value the template prints: names from
 * git and the cluster are attacker-controlled, and none is ever concatenated into markup here.
 */
public final class ReportRenderer {

    private static final String TEMPLATE = "report/release.peb";

    private static final PebbleEngine ENGINE = new PebbleEngine.Builder()
            .loader(classpathLoader())
            .autoEscaping(true)
            .defaultEscapingStrategy("html")
            .strictVariables(true)
            .cacheActive(true)
            .extension(new AbstractExtension() {
                @Override
                public Map<String, Filter> getFilters() {
                    return Map.of("bytes", new BytesFilter());
                }
            })
            .build();

    private ReportRenderer() {
    }

    private static ClasspathLoader classpathLoader() {
        ClasspathLoader loader = new ClasspathLoader(ReportRenderer.class.getClassLoader());
        loader.setCharset("UTF-8");
        return loader;
    }

    public static String html(ReleaseReport report) {
        try {
            PebbleTemplate template = ENGINE.getTemplate(TEMPLATE);
            StringWriter out = new StringWriter(64 * 1024);
            template.evaluate(out, Map.of("r", report, "h", report.header()));
            return out.toString();
        } catch (IOException | RuntimeException e) {
            throw new LayercakeException(LayercakeException.Kind.FAILED,
                    "cannot render the report of " + report.header().app() + "/" + report.header().release() + ": " + e.getMessage(), e);
        }
    }

    /** {@code n | bytes}: 1536 as "1.5 KiB". */
    private static final class BytesFilter implements Filter {
        @Override
        public List<String> getArgumentNames() {
            return List.of();
        }

        @Override
        public Object apply(Object input, Map<String, Object> args, PebbleTemplate self, EvaluationContext context, int lineNumber) {
            return input instanceof Number n ? ReleaseReports.human(n.longValue()) : input;
        }
    }
}
