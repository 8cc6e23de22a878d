package dev.layercake.source;

/**
 * A GitLab CI {@code include: local} glob, matched without regular expressions: {@code *} is any characters but
 * {@code /}, {@code **} any characters at all (so {@code ci/**.yml} is every .yml under ci/, {@code ci/**}{@code /*.yml}
 * those in its subfolders), everything else is literal. The glob comes from git, so it is untrusted: matching is a
 * set-of-states walk, time linear in the path for a pattern of bounded length, and other glob syntax
 * ({@code ? [ ] { } \}) is refused by {@link #parse} with a reason instead of failing.
 */
final class IncludeGlob {

    /** Longer include globs are refused. */
    static final int MAX_LENGTH = 256;

    private static final char LITERAL = 0;
    private static final char STAR = 1;
    private static final char DOUBLE_STAR = 2;

    private final char[] kinds;
    private final char[] chars;

    private IncludeGlob(char[] kinds, char[] chars) {
        this.kinds = kinds;
        this.chars = chars;
    }

    /** Why a glob is refused, or null when {@link #parse} accepts it. */
    static String refusal(String glob) {
        if (glob.length() > MAX_LENGTH) {
            return "glob longer than " + MAX_LENGTH + " characters";
        }
        for (int i = 0; i < glob.length(); i++) {
            if ("?[]{}\\".indexOf(glob.charAt(i)) >= 0) {
                return "glob syntax '" + glob.charAt(i) + "' is not supported, only * and **";
            }
        }
        return null;
    }

    /** The glob, or an IllegalArgumentException with the {@link #refusal} reason. */
    static IncludeGlob parse(String glob) {
        String why = refusal(glob);
        if (why != null) {
            throw new IllegalArgumentException(why);
        }
        StringBuilder kinds = new StringBuilder();
        StringBuilder chars = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                int run = 1;
                while (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    run++;
                    i++;
                }
                kinds.append(run >= 2 ? DOUBLE_STAR : STAR);
                chars.append('*');
            } else {
                kinds.append(LITERAL);
                chars.append(c);
            }
        }
        return new IncludeGlob(kinds.toString().toCharArray(), chars.toString().toCharArray());
    }

    /** The number of steps a match of a path this long costs at most (for a caller's budget). */
    long cost(String path) {
        return (long) (path.length() + 1) * (kinds.length + 1);
    }

    boolean matches(String path) {
        int m = kinds.length;
        boolean[] now = new boolean[m + 1];
        boolean[] next = new boolean[m + 1];
        now[0] = true;
        close(now);
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            java.util.Arrays.fill(next, false);
            boolean any = false;
            for (int s = 0; s < m; s++) {
                if (!now[s]) {
                    continue;
                }
                switch (kinds[s]) {
                    case LITERAL -> {
                        if (chars[s] == c) {
                            next[s + 1] = true;
                            any = true;
                        }
                    }
                    case STAR -> {
                        if (c != '/') {
                            next[s] = true;
                            any = true;
                        }
                    }
                    default -> {
                        next[s] = true;
                        any = true;
                    }
                }
            }
            if (!any) {
                return false;
            }
            close(next);
            boolean[] t = now;
            now = next;
            next = t;
        }
        return now[m];
    }

    /** A star may match nothing: every state after a run of stars is also active. */
    private void close(boolean[] states) {
        for (int s = 0; s < kinds.length; s++) {
            if (states[s] && kinds[s] != LITERAL) {
                states[s + 1] = true;
            }
        }
    }
}
