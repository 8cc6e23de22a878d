package dev.layercake.cli;

import dev.layercake.api.progress.ProgressListener;

import java.io.PrintWriter;
import java.util.regex.Pattern;

/**
 * Progress on stderr, so stdout stays clean for --json. On a terminal the current phase is redrawn in
 * place; in a log (CI) a line is printed every few seconds, so short phases add no noise.
 */
final class ConsoleProgress implements ProgressListener {

    private final PrintWriter err;
    private final boolean terminal;
    private final boolean quiet;
    private static final long LOG_INTERVAL_MS = 3000;
    /** What a terminal would act on (escape sequences, C1 controls, bidi overrides); messages carry text from git and clusters. */
    private static final Pattern UNPRINTABLE = Pattern.compile("[\\p{Cntrl}\\u0080-\\u009F\\u202A-\\u202E\\u2066-\\u2069]");
    private long lastPrint = System.currentTimeMillis();
    private boolean printedInPhase;
    private boolean midLine;

    ConsoleProgress(PrintWriter err, boolean terminal, boolean quiet) {
        this.err = err;
        this.terminal = terminal;
        this.quiet = quiet;
    }

    @Override
    public synchronized void phase(String name) {
        endLine();
        lastPrint = System.currentTimeMillis();
        printedInPhase = false;
        if (!quiet) {
            err.println("==> " + printable(name));
        }
    }

    @Override
    public synchronized void progress(String phase, long done, long total, String unit) {
        if (quiet) {
            return;
        }
        long now = System.currentTimeMillis();
        long percent = total > 0 ? done * 100 / total : -1;
        String text = "    " + phase + ": " + done + (total > 0 ? "/" + total : "") + " " + unit
                + (percent >= 0 ? " (" + percent + "%)" : "");
        if (terminal) {
            err.print("\r" + text + "\u001b[K");
            err.flush();
            midLine = true;
            if (total > 0 && done >= total) {
                endLine();
            }
        } else if (now - lastPrint >= LOG_INTERVAL_MS || (done == total && printedInPhase)) {
            err.println(text);
            lastPrint = now;
            printedInPhase = true;
        }
    }

    @Override
    public synchronized void info(String message) {
        endLine();
        if (!quiet) {
            err.println("    " + printable(message));
        }
    }

    @Override
    public synchronized void warn(String message) {
        endLine();
        err.println("warning: " + printable(message));
    }

    /**
     * The message with control characters as '?'; a line break stays but the next line is indented, so no text can
     * pass for a line of its own ("warning: ...", "==> ...").
     */
    static String printable(String message) {
        if (message == null) {
            return "null";
        }
        String[] lines = message.replace("\r\n", "\n").replace('\t', ' ').split("\n", -1);
        StringBuilder out = new StringBuilder(message.length());
        for (int i = 0; i < lines.length; i++) {
            out.append(i == 0 ? "" : "\n    ").append(UNPRINTABLE.matcher(lines[i]).replaceAll("?"));
        }
        return out.toString();
    }

    private void endLine() {
        if (midLine) {
            err.println();
            midLine = false;
        }
    }
}
