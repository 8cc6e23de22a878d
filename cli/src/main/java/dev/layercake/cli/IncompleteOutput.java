package dev.layercake.cli;

import dev.layercake.model.IncompleteEntry;

import java.io.PrintWriter;
import java.util.List;

/** The lines every command prints for a release that records parts of the app as not captured. */
final class IncompleteOutput {

    private IncompleteOutput() {
    }

    /** Nothing for a complete release; else a banner and one line per missing part. */
    static void print(PrintWriter out, List<IncompleteEntry> incomplete) {
        if (incomplete.isEmpty()) {
            return;
        }
        out.printf("%s: this release is missing %d part(s) of the app; a restore of it does not bring the app back whole%n",
                IncompleteEntry.WORD, incomplete.size());
        for (IncompleteEntry e : incomplete) {
            out.printf("  NOT CAPTURED  %s: %s%n", printable(e.what()), printable(e.why()));
        }
    }

    /** Read from a store, so untrusted: no control characters reach the terminal. */
    static String printable(String text) {
        return text.replaceAll("\\p{Cntrl}", "?");
    }
}
