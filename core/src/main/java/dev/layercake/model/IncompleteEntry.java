package dev.layercake.model;

import java.util.Objects;

/**
 * One part of the app the backup was asked to capture and did not, recorded because the user opted in
 * ({@code --secrets skip}, {@code --allow-incomplete}): {@code what} names the part, {@code why} the reason.
 * Never holds a secret value, only names and counts.
 */
public record IncompleteEntry(String what, String why) {

    /** The word every front door shows for a release that could not capture part of what it was asked to. */
    public static final String WORD = "INCOMPLETE";

    public IncompleteEntry {
        Objects.requireNonNull(what, "what");
        Objects.requireNonNull(why, "why");
    }

    @Override
    public String toString() {
        return what + ": " + why;
    }
}
