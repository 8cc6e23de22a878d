package dev.layercake.kube;

import java.util.ArrayList;
import java.util.List;

/**
 * How two long or multi-line strings differ, readably: a unified line diff ({@code -} declared, {@code +}
 * live, two lines of context, {@code @@ line N} hunk heads) for multi-line values, and for one long line a
 * window around the first difference. Bounded: the line matching is quadratic only up to
 * {@link #MAX_CELLS}; past that the differing middle is shown as removed and added.
 */
public final class LineDiff {

    static final int CONTEXT = 2;
    static final int MAX_CELLS = 4_000_000;
    static final int MAX_OUTPUT_LINES = 200;
    /** Values up to this length on one line are shown whole. */
    public static final int SHORT = 200;

    private LineDiff() {
    }

    /** Whether a changed pair of strings is better shown by {@link #lines} / {@link #window}. */
    public static boolean wanted(String a, String b) {
        return a.contains("\n") || b.contains("\n") || a.length() > SHORT || b.length() > SHORT;
    }

    /** The unified diff of two texts, line by line. */
    public static List<String> lines(String a, String b) {
        String[] x = a.split("\n", -1);
        String[] y = b.split("\n", -1);
        int pre = 0;
        while (pre < x.length && pre < y.length && x[pre].equals(y[pre])) {
            pre++;
        }
        int suf = 0;
        while (suf < x.length - pre && suf < y.length - pre && x[x.length - 1 - suf].equals(y[y.length - 1 - suf])) {
            suf++;
        }
        int n = x.length - pre - suf;
        int m = y.length - pre - suf;
        // ops over the middle: ' ' same, '-' only in a, '+' only in b, with indexes
        List<int[]> ops = new ArrayList<>();
        if ((long) n * m <= MAX_CELLS) {
            int[][] lcs = new int[n + 1][m + 1];
            for (int i = n - 1; i >= 0; i--) {
                for (int j = m - 1; j >= 0; j--) {
                    lcs[i][j] = x[pre + i].equals(y[pre + j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
                }
            }
            int i = 0;
            int j = 0;
            while (i < n || j < m) {
                if (i < n && j < m && x[pre + i].equals(y[pre + j])) {
                    ops.add(new int[] {' ', pre + i++, pre + j++});
                } else if (i < n && (j >= m || lcs[i + 1][j] >= lcs[i][j + 1])) {
                    ops.add(new int[] {'-', pre + i++, -1});
                } else {
                    ops.add(new int[] {'+', -1, pre + j++});
                }
            }
        } else {
            for (int i = 0; i < n; i++) {
                ops.add(new int[] {'-', pre + i, -1});
            }
            for (int j = 0; j < m; j++) {
                ops.add(new int[] {'+', -1, pre + j});
            }
        }
        List<int[]> all = new ArrayList<>();
        for (int i = 0; i < pre; i++) {
            all.add(new int[] {' ', i, i});
        }
        all.addAll(ops);
        for (int k = suf; k > 0; k--) {
            all.add(new int[] {' ', x.length - k, y.length - k});
        }
        boolean[] shown = new boolean[all.size()];
        for (int k = 0; k < all.size(); k++) {
            if (all.get(k)[0] != ' ') {
                for (int c = Math.max(0, k - CONTEXT); c <= Math.min(all.size() - 1, k + CONTEXT); c++) {
                    shown[c] = true;
                }
            }
        }
        List<String> out = new ArrayList<>();
        boolean inHunk = false;
        for (int k = 0; k < all.size(); k++) {
            if (!shown[k]) {
                inHunk = false;
                continue;
            }
            int[] op = all.get(k);
            if (!inHunk) {
                out.add("@@ line " + ((op[1] >= 0 ? op[1] : op[2]) + 1));
                inHunk = true;
            }
            out.add((char) op[0] + (op[0] == '+' ? y[op[2]] : x[op[1]]));
            if (out.size() >= MAX_OUTPUT_LINES) {
                out.add("... (" + (all.size() - k - 1) + " more lines not shown)");
                break;
            }
        }
        return out;
    }

    /** One long line: about {@code SHORT} characters around the first difference, so the two sides differ visibly. */
    public static String window(String s, int firstDifference) {
        int from = Math.max(0, firstDifference - SHORT / 2);
        int to = Math.min(s.length(), from + SHORT);
        return (from > 0 ? "..." : "") + s.substring(from, to) + (to < s.length() ? "..." : "");
    }

    public static int firstDifference(String a, String b) {
        int i = 0;
        while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return i;
    }
}
