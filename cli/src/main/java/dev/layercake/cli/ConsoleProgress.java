package dev.layercake.cli;

import dev.layercake.progress.ProgressListener;

import java.io.PrintStream;

/**
 * Progress on stderr, so stdout stays clean for --json. On a terminal the current phase is redrawn in
 * place; in a log (CI) a line is printed at most every 10% or every two seconds.
 */
final class ConsoleProgress implements ProgressListener {

    private final PrintStream err;
    private final boolean terminal;
    private final boolean quiet;
    private long lastPrint;
    private long lastPercent = -1;
    private boolean midLine;

    ConsoleProgress(PrintStream err, boolean terminal, boolean quiet) {
        this.err = err;
        this.terminal = terminal;
        this.quiet = quiet;
    }

    @Override
    public synchronized void phase(String name) {
        endLine();
        lastPercent = -1;
        if (!quiet) {
            err.println("==> " + name);
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
            midLine = true;
            if (total > 0 && done >= total) {
                endLine();
            }
        } else if (done == total || percent / 10 != lastPercent / 10 || now - lastPrint > 2000) {
            err.println(text);
            lastPrint = now;
            lastPercent = percent;
        }
    }

    @Override
    public synchronized void info(String message) {
        endLine();
        if (!quiet) {
            err.println("    " + message);
        }
    }

    @Override
    public synchronized void warn(String message) {
        endLine();
        err.println("warning: " + message);
    }

    private void endLine() {
        if (midLine) {
            err.println();
            midLine = false;
        }
    }
}
