package dev.layercake.backup;

import dev.layercake.capture.BackupContext;
import dev.layercake.LayercakeException;
import dev.layercake.model.IncompleteEntry;

import java.util.List;

/**
 * The rule for parts of the app a backup could not capture: a release never looks more complete than it is.
 * A gap the user did not opt into fails the backup before the manifest is written (so no release is visible;
 * blobs already stored are unnamed and gc collects them); with {@code --allow-incomplete}, or for what the user
 * left out by name ({@code --secrets skip}), the manifest records each gap in {@code incomplete}.
 */
public final class IncompletePolicy {

    /** The word every front door shows for a release with gaps. */
    public static final String WORD = IncompleteEntry.WORD;

    private IncompletePolicy() {
    }

    /** The entries to record, or the failure naming every gap that was not allowed. */
    public static List<IncompleteEntry> decide(List<BackupContext.Gap> gaps, boolean allowIncomplete, String app, String release) {
        List<BackupContext.Gap> refused = gaps.stream().filter(g -> !g.optedIn() && !allowIncomplete).toList();
        if (!refused.isEmpty()) {
            StringBuilder message = new StringBuilder("backup of " + app + "/" + release + " failed, nothing was written:"
                    + " the app is not completely captured (" + refused.size() + " part(s) missing):");
            for (BackupContext.Gap g : refused) {
                message.append("\n  - ").append(g.entry().what()).append(": ").append(g.entry().why());
            }
            message.append("\nFix each of these, or give --allow-incomplete (Jenkins allowIncomplete: true, Tekton"
                    + " allow-incomplete: \"true\") to write the release with these parts recorded as missing.");
            throw new LayercakeException(LayercakeException.Kind.FAILED, message.toString());
        }
        return gaps.stream().map(BackupContext.Gap::entry).toList();
    }

    /** One line a person cannot miss, for logs and summaries. */
    public static String banner(List<IncompleteEntry> incomplete) {
        return WORD + " release: " + incomplete.size() + " part(s) of the app NOT captured: "
                + String.join("; ", incomplete.stream().map(IncompleteEntry::toString).toList());
    }
}
