package dev.layercake.coverage;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The lines of a YAML (or JSON) text that belong to a Kubernetes Secret, whose values are never scanned, and the
 * Secret's data/stringData keys by line. Found by parsing, so a {@code kind: Secret} after the data, with a comment,
 * quoted, JSON-style, or a Secret among a List's {@code items} is seen; the lines of a Secret are those from its
 * mapping's first token to the end of its last one. A kind written as an alias, an unusual tag, or a {@code <<} merge
 * counts as a Secret (what it merges is not known here). When the text does not parse, every document (between
 * {@code ---} lines) that has {@code kind: Secret} anywhere is a Secret from its first to its last line.
 */
final class SecretRegions {

    private static final YAMLFactory YAML = new YAMLFactory();
    /** Fallback: kind: Secret anywhere in a document, quoted, JSON-style, tagged, across a line break. */
    private static final Pattern SECRET_KIND = Pattern.compile("(?i)kind[\"']?\\s*:\\s*(?:!\\S*\\s+)?(?:&\\S+\\s+)?[\"']?secret");
    private static final Pattern TOP_KEY = Pattern.compile("^([A-Za-z0-9_.-]+):");
    private static final Pattern NESTED_KEY = Pattern.compile("^\\s+[\"']?([A-Za-z0-9_.-]+)[\"']?\\s*:");
    private static final int MAX_DEPTH = 200;

    private final BitSet lines = new BitSet();
    private final Map<Integer, List<String>> keys = new HashMap<>();

    private SecretRegions() {
    }

    /** Whether line {@code line} (1-based) is inside a Secret. */
    boolean secret(int line) {
        return lines.get(line);
    }

    /** The Secret data/stringData keys written on line {@code line}. */
    List<String> keysAt(int line) {
        return keys.getOrDefault(line, List.of());
    }

    boolean none() {
        return lines.isEmpty();
    }

    /** The Secret regions of a text; {@code lines} is the text as {@link CoverageScanner#lines} cut it. */
    static SecretRegions of(String text, List<String> lines) {
        SecretRegions r = new SecretRegions();
        if (!mayHoldSecret(text)) {
            return r;
        }
        try {
            r.parse(text);
        } catch (IOException | RuntimeException | StackOverflowError e) {
            SecretRegions fallback = new SecretRegions();
            fallback.byDocuments(lines);
            return fallback;
        }
        return r;
    }

    /**
     * Only a text that could spell the kind Secret is parsed: the word itself, or an escape, a tag, an alias or a
     * merge that could hide it.
     */
    static boolean mayHoldSecret(String text) {
        return text.toLowerCase(Locale.ROOT).contains("secret") || text.indexOf('\\') >= 0 || text.contains("!!")
                || text.indexOf('*') >= 0 || text.contains("<<");
    }

    private static final class Frame {
        final boolean object;
        final int start;
        int end;
        String field;
        boolean secret;
        /** A data/stringData mapping: the Secret-to-be it belongs to, whose keys it collects. */
        Frame dataOf;
        final List<Map.Entry<String, Integer>> dataKeys = new ArrayList<>();

        Frame(boolean object, int start) {
            this.object = object;
            this.start = start;
            this.end = start;
        }
    }

    private void parse(String text) throws IOException {
        // YAML breaks lines at NEL, LS, PS and a lone CR too; CoverageScanner.lines does not: keep the numbers aligned
        String normalised = text.replace('\u0085', ' ').replace('\u2028', ' ').replace('\u2029', ' ')
                .replaceAll("\r(?!\n)", " ");
        Deque<Frame> stack = new ArrayDeque<>();
        try (JsonParser p = YAML.createParser(normalised)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                int at = Math.max(1, p.currentTokenLocation().getLineNr());
                int end = Math.max(at, p.currentLocation().getLineNr());
                Frame top = stack.peek();
                if (top != null) {
                    top.end = Math.max(top.end, end);
                }
                switch (t) {
                    case START_OBJECT, START_ARRAY -> {
                        if (stack.size() >= MAX_DEPTH) {
                            throw new IllegalStateException("nested deeper than " + MAX_DEPTH);
                        }
                        Frame f = new Frame(t == JsonToken.START_OBJECT, at);
                        if (f.object && top != null && top.object && ("data".equals(top.field) || "stringData".equals(top.field))) {
                            f.dataOf = top;
                        }
                        stack.push(f);
                    }
                    case FIELD_NAME -> {
                        top.field = p.currentName();
                        if ("<<".equals(top.field)) {
                            top.secret = true; // merged content is not known here
                        }
                        if (top.dataOf != null) {
                            top.dataOf.dataKeys.add(Map.entry(top.field, at));
                        }
                    }
                    case END_OBJECT, END_ARRAY -> {
                        Frame f = stack.pop();
                        f.end = Math.max(f.end, end);
                        if (f.secret) {
                            lines.set(f.start, f.end + 1);
                            f.dataKeys.forEach(k -> keys.computeIfAbsent(k.getValue(), x -> new ArrayList<>()).add(k.getKey()));
                        }
                        Frame parent = stack.peek();
                        if (parent != null) {
                            parent.end = Math.max(parent.end, f.end);
                        }
                    }
                    default -> {
                        if (top != null && top.object && "kind".equals(top.field)) {
                            boolean alias = p instanceof YAMLParser y && y.isCurrentAlias();
                            boolean secret = t == JsonToken.VALUE_STRING && p.getText().strip().equalsIgnoreCase("secret");
                            if (alias || secret || t == JsonToken.VALUE_EMBEDDED_OBJECT) {
                                top.secret = true;
                            }
                        }
                    }
                }
            }
        }
        if (!stack.isEmpty()) {
            throw new IllegalStateException("unbalanced YAML");
        }
    }

    /** The parser's fallback: documents with kind Secret anywhere, all their lines; their data keys by indentation. */
    private void byDocuments(List<String> all) {
        int start = 0;
        for (int i = 0; i <= all.size(); i++) {
            if (i == all.size() || all.get(i).startsWith("---")) {
                if (i > start && SECRET_KIND.matcher(String.join("\n", all.subList(start, i))).find()) {
                    lines.set(start + 1, i + 1);
                    boolean data = false;
                    for (int j = start; j < i; j++) {
                        String line = all.get(j);
                        var top = TOP_KEY.matcher(line);
                        if (top.find()) {
                            data = top.group(1).equals("data") || top.group(1).equals("stringData");
                            continue;
                        }
                        var nested = NESTED_KEY.matcher(line);
                        if (data && nested.find()) {
                            keys.computeIfAbsent(j + 1, x -> new ArrayList<>()).add(nested.group(1));
                        }
                    }
                }
                start = i + 1;
            }
        }
    }
}
