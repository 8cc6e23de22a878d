package dev.layercake.model;

import dev.layercake.LayercakeException;

import java.util.regex.Pattern;

/** Rules for names that become store paths (app and release ids), so no name can escape its folder. */
public final class Names {

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private Names() {
    }

    /** Returns the value when it is a safe single path segment, else fails naming {@code what}. */
    public static String checkSegment(String what, String value) {
        if (value == null || value.isBlank()) {
            throw LayercakeException.usage(what + " is required");
        }
        if (!SEGMENT.matcher(value).matches() || value.contains("..")) {
            throw LayercakeException.usage(what + " '" + value + "' is not allowed: use letters, digits, '.', '_' and '-'"
                    + " (at most 128, starting with a letter or digit, no '..' and no '/')");
        }
        return value;
    }

    /** Turns free text (a Jenkins job path, say) into a safe segment: other characters become '-'. */
    public static String sanitize(String value) {
        String s = value.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("\\.{2,}", ".").replaceAll("^[^A-Za-z0-9]+", "");
        if (s.length() > 128) {
            s = s.substring(0, 128);
        }
        return s.isEmpty() ? "release" : s;
    }
}
