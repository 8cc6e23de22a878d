package dev.layercake.source;

import dev.layercake.model.ImageReference;
import dev.layercake.model.UnresolvedImage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the images a Dockerfile builds from: FROM lines (with --platform and stage names) and
 * {@code COPY --from=image}, with variables expanded as BuildKit does: FROM sees the global ARGs (those
 * before the first FROM, in order, each default expanded with the ones before it); COPY flags see the
 * stage's own ARGs and ENVs. Parser directives ({@code escape}, {@code syntax}, {@code check}) are read
 * only before the first instruction, comment or empty line. A reference that depends on a value only the
 * build knows (an ARG without default, BuildKit's platform ARGs, a construct not evaluated here) is
 * returned as unresolved with its raw text, never as an image. Stage names are not images, nor is scratch.
 */
public final class DockerfileScanner {

    /** What a scan found: images with known values, and references that are not knowable here. */
    public record Scan(List<ImageReference> images, List<UnresolvedImage> unresolved) {
    }

    /** Set by the builder for the build's platform (not from the file): unknown at capture time. */
    static final Set<String> PLATFORM_ARGS = Set.of("TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT",
            "BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT");

    private static final Pattern DIRECTIVE = Pattern.compile("^#\\s*([a-zA-Z][a-zA-Z0-9]*)\\s*=\\s*(.+?)\\s*$");
    private static final Set<String> KNOWN_DIRECTIVES = Set.of("syntax", "escape", "check");
    private static final Pattern COPY_FROM = Pattern.compile("--from=(\\S+)");

    private DockerfileScanner() {
    }

    /** The images only (kept for callers that do not record unresolved references). */
    public static List<ImageReference> scan(String path, String text) {
        return scanAll(path, text).images();
    }

    public static Scan scanAll(String path, String text) {
        List<ImageReference> out = new ArrayList<>();
        List<UnresolvedImage> unresolved = new ArrayList<>();
        char escape = escapeChar(text);
        Map<String, Value> global = new HashMap<>();
        Map<String, Value> stage = null;
        Set<String> stages = new HashSet<>();
        for (String[] entry : logicalLines(text, escape)) {
            int lineNo = Integer.parseInt(entry[0]);
            String line = entry[1].trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.split("\\s+", 2);
            String instruction = words[0].toUpperCase(Locale.ROOT);
            String rest = words.length > 1 ? words[1] : "";
            if (instruction.equals("ARG")) {
                declareArgs(rest, escape, stage == null ? global : stage, stage == null ? null : global);
            } else if (instruction.equals("ENV") && stage != null) {
                declareEnv(rest, escape, stage);
            } else if (instruction.equals("FROM")) {
                stage = new HashMap<>();
                from(path, lineNo, rest, escape, global, stages, out, unresolved);
            } else if (instruction.equals("COPY") && stage != null) {
                Matcher m = COPY_FROM.matcher(rest);
                if (m.find() && m.start() == rest.indexOf("--from=")) {
                    String raw = m.group(1);
                    Expansion from = new Lexer(escape, stage).expand(raw);
                    if (from.unknown() != null) {
                        unresolved.add(new UnresolvedImage(raw, path, lineNo, from.unknown()));
                    } else if (!stages.contains(from.value().toLowerCase(Locale.ROOT)) && !from.value().matches("\\d+")) {
                        out.add(new ImageReference(from.value(), path, lineNo, "dockerfile-copy-from", null, null));
                    }
                }
            }
        }
        return new Scan(out, unresolved);
    }

    private static void from(String path, int lineNo, String rest, char escape, Map<String, Value> global, Set<String> stages,
                             List<ImageReference> out, List<UnresolvedImage> unresolved) {
        String[] words = rest.trim().split("\\s+");
        String platform = null;
        int i = 0;
        while (i < words.length && words[i].startsWith("--")) {
            if (words[i].startsWith("--platform=")) {
                String raw = words[i].substring("--platform=".length());
                Expansion p = new Lexer(escape, global).expand(raw);
                // $BUILDPLATFORM and friends are set by the builder, not the file: keep them as written.
                platform = p.unknown() != null || p.value().isEmpty() ? raw : p.value();
            }
            i++;
        }
        if (i >= words.length || words[i].isEmpty()) {
            return;
        }
        String raw = words[i];
        String stage = i + 2 < words.length && words[i + 1].equalsIgnoreCase("AS") ? words[i + 2] : null;
        Expansion image = new Lexer(escape, global).expand(raw);
        if (image.unknown() != null) {
            unresolved.add(new UnresolvedImage(raw, path, lineNo, image.unknown()));
        } else if (image.value().isEmpty()) {
            unresolved.add(new UnresolvedImage(raw, path, lineNo, "it expands to nothing"));
        } else if (!image.value().equalsIgnoreCase("scratch") && !stages.contains(image.value().toLowerCase(Locale.ROOT))) {
            String invalid = ImageCandidates.invalidReason(image.value());
            if (invalid != null) {
                unresolved.add(new UnresolvedImage(raw, path, lineNo, (raw.equals(image.value()) ? "" : "expands to '" + image.value() + "', ") + invalid));
                return;
            }
            out.add(new ImageReference(image.value(), path, lineNo, "dockerfile-from", platform, stage));
        }
        if (stage != null) {
            stages.add(stage.toLowerCase(Locale.ROOT));
        }
    }

    /**
     * {@code ARG A=1 B=$A C}: each in order, its default expanded with what is in scope so far. In a stage,
     * {@code ARG N} without default takes the global N's value (BuildKit's way of bringing a global in).
     */
    private static void declareArgs(String rest, char escape, Map<String, Value> scope, Map<String, Value> global) {
        for (String word : Lexer.words(rest, escape)) {
            int eq = word.indexOf('=');
            if (eq > 0) {
                String name = word.substring(0, eq);
                Expansion e = new Lexer(escape, scope).expand(word.substring(eq + 1));
                scope.put(name, new Value(e.value(), e.unknown()));
            } else if (!word.isEmpty()) {
                Value inherited = global == null ? null : global.get(word);
                scope.put(word, inherited != null ? inherited
                        : new Value(null, "ARG " + word + " has no default (its value is given at build time)"));
            }
        }
    }

    /** {@code ENV K=V ...} or the old {@code ENV K V}. */
    private static void declareEnv(String rest, char escape, Map<String, Value> scope) {
        List<String> words = Lexer.words(rest, escape);
        if (!words.isEmpty() && !words.get(0).contains("=")) {
            String[] kv = rest.trim().split("\\s+", 2);
            Expansion e = new Lexer(escape, scope).expand(kv.length > 1 ? kv[1] : "");
            scope.put(kv[0], new Value(e.value(), e.unknown()));
            return;
        }
        for (String word : words) {
            int eq = word.indexOf('=');
            if (eq > 0) {
                Expansion e = new Lexer(escape, scope).expand(word.substring(eq + 1));
                scope.put(word.substring(0, eq), new Value(e.value(), e.unknown()));
            }
        }
    }

    /**
     * The escape character from the parser directives: lines {@code # name=value} at the very top, before any
     * instruction, comment or empty line; an unknown directive is a comment and ends them.
     */
    static char escapeChar(String text) {
        char escape = '\\';
        for (String l : text.split("\r?\n", -1)) {
            Matcher m = DIRECTIVE.matcher(l.strip());
            if (!m.matches() || !KNOWN_DIRECTIVES.contains(m.group(1).toLowerCase(Locale.ROOT))) {
                break;
            }
            if (m.group(1).equalsIgnoreCase("escape")) {
                String v = m.group(2);
                if (v.equals("`")) {
                    escape = '`';
                } else if (v.equals("\\")) {
                    escape = '\\';
                }
            }
        }
        return escape;
    }

    /**
     * Joins continuations (a line ending in the escape character); comment and empty lines inside one are
     * dropped, as BuildKit does. Each logical line keeps the number of its first physical line.
     */
    private static List<String[]> logicalLines(String text, char escape) {
        List<String[]> out = new ArrayList<>();
        String[] physical = text.split("\r?\n", -1);
        StringBuilder current = null;
        int start = 0;
        for (int i = 0; i < physical.length; i++) {
            String l = physical[i];
            if (current != null && (l.isBlank() || l.strip().startsWith("#"))) {
                continue;
            }
            if (current == null) {
                current = new StringBuilder();
                start = i + 1;
            }
            String s = l.stripTrailing();
            boolean comment = current.length() == 0 && s.strip().startsWith("#");
            if (!comment && s.endsWith(String.valueOf(escape))) {
                current.append(s, 0, s.length() - 1).append(' ');
            } else {
                current.append(l);
                out.add(new String[] {Integer.toString(start), current.toString()});
                current = null;
            }
        }
        if (current != null) {
            out.add(new String[] {Integer.toString(start), current.toString()});
        }
        return out;
    }

    /** A variable's value; {@code unknown} (why) when only the build knows it. */
    record Value(String value, String unknown) {
    }

    /** An expanded word; {@code unknown} says why its value is not knowable here (null: it is). */
    record Expansion(String value, String unknown) {
    }

    /** BuildKit's word expansion: quotes, the escape character, {@code $X ${X} ${X:-w} ${X:+w} ${X-w} ${X+w} ${X#p} ${X%p}}. */
    static final class Lexer {
        private final char escape;
        private final Map<String, Value> scope;
        private String unknown;
        private String text;
        private int pos;

        Lexer(char escape, Map<String, Value> scope) {
            this.escape = escape;
            this.scope = scope;
        }

        /** Splits on whitespace outside quotes (quotes and escapes kept, for expand to process). */
        static List<String> words(String text, char escape) {
            List<String> out = new ArrayList<>();
            StringBuilder w = new StringBuilder();
            char quote = 0;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == escape && quote != '\'' && i + 1 < text.length()) {
                    w.append(c).append(text.charAt(++i));
                } else if (quote != 0) {
                    quote = c == quote ? 0 : quote;
                    w.append(c);
                } else if (c == '"' || c == '\'') {
                    quote = c;
                    w.append(c);
                } else if (Character.isWhitespace(c)) {
                    if (w.length() > 0) {
                        out.add(w.toString());
                        w.setLength(0);
                    }
                } else {
                    w.append(c);
                }
            }
            if (w.length() > 0) {
                out.add(w.toString());
            }
            return out;
        }

        Expansion expand(String word) {
            unknown = null;
            text = word;
            pos = 0;
            String v = until((char) 0, false);
            return new Expansion(unknown == null ? v : null, unknown);
        }

        /** Reads up to {@code stop} (0: the end), processing quotes, escapes and variables. */
        private String until(char stop, boolean inDoubleQuotes) {
            StringBuilder sb = new StringBuilder();
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (stop != 0 && c == stop) {
                    return sb.toString();
                }
                pos++;
                if (c == escape && pos < text.length()) {
                    sb.append(text.charAt(pos++));
                } else if (c == '\'' && !inDoubleQuotes) {
                    int end = text.indexOf('\'', pos);
                    end = end < 0 ? text.length() : end;
                    sb.append(text, pos, end);
                    pos = Math.min(text.length(), end + 1);
                } else if (c == '"' && !inDoubleQuotes) {
                    sb.append(until('"', true));
                    pos++;
                } else if (c == '$') {
                    sb.append(variable());
                } else {
                    sb.append(c);
                }
            }
            return sb.toString();
        }

        private String variable() {
            if (pos >= text.length()) {
                return "$";
            }
            if (text.charAt(pos) != '{') {
                int start = pos;
                while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
                    pos++;
                }
                return start == pos ? "$" : lookup(text.substring(start, pos), true);
            }
            int nameStart = ++pos;
            while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
                pos++;
            }
            String name = text.substring(nameStart, pos);
            if (pos >= text.length()) {
                return fail("${" + name + " is not closed");
            }
            char op = text.charAt(pos);
            if (op == '}') {
                pos++;
                return lookup(name, true);
            }
            boolean colon = op == ':';
            if (colon) {
                op = ++pos < text.length() ? text.charAt(pos) : 0;
            }
            pos++;
            if (op == '#' || op == '%') {
                boolean longest = pos < text.length() && text.charAt(pos) == op;
                if (longest) {
                    pos++;
                }
                String pattern = until('}', false);
                pos++;
                String v = lookup(name, true);
                return v == null ? "" : trim(v, pattern, op == '#', longest);
            }
            if (op != '-' && op != '+' && op != '?') {
                until('}', false);
                pos++;
                return fail("${" + name + (colon ? ":" : "") + op + "...} is not evaluated here");
            }
            String saved = unknown;
            String word = until('}', false);
            String wordUnknown = unknown;
            unknown = saved;
            pos++;
            Value v = scope.get(name);
            String why = whyUnknown(name, v);
            if (why != null) {
                return fail(why);
            }
            boolean set = v != null && v.value() != null && (!colon || !v.value().isEmpty());
            boolean useWord = op == '-' ? !set : op == '+' && set;
            if (op == '?' && !set) {
                return fail("${" + name + ":?} requires " + name + ", which is not set");
            }
            if (useWord) {
                if (wordUnknown != null) {
                    return fail(wordUnknown);
                }
                return word;
            }
            return op == '+' ? "" : v.value();
        }

        private String lookup(String name, boolean required) {
            Value v = scope.get(name);
            String why = whyUnknown(name, v);
            if (why != null) {
                return fail(why);
            }
            return v == null || v.value() == null ? "" : v.value();
        }

        /** Why a variable's value is not knowable here; null when it is (a declared value, or undeclared: empty). */
        private static String whyUnknown(String name, Value v) {
            if (v != null) {
                return v.unknown();
            }
            if (PLATFORM_ARGS.contains(name)) {
                return name + " is set by the builder for the target platform";
            }
            return null;
        }

        private String fail(String why) {
            if (unknown == null) {
                unknown = why;
            }
            return "";
        }

        private static String trim(String value, String glob, boolean prefix, boolean longest) {
            Pattern p = Pattern.compile(globToRegex(glob), Pattern.DOTALL);
            int n = value.length();
            if (prefix) {
                for (int k = longest ? n : 0; longest ? k >= 0 : k <= n; k += longest ? -1 : 1) {
                    if (p.matcher(value.substring(0, k)).matches()) {
                        return value.substring(k);
                    }
                }
            } else {
                for (int k = longest ? 0 : n; longest ? k <= n : k >= 0; k += longest ? 1 : -1) {
                    if (p.matcher(value.substring(k)).matches()) {
                        return value.substring(0, k);
                    }
                }
            }
            return value;
        }

        private static String globToRegex(String glob) {
            StringBuilder re = new StringBuilder();
            for (char c : glob.toCharArray()) {
                re.append(switch (c) {
                    case '*' -> ".*";
                    case '?' -> ".";
                    default -> Pattern.quote(String.valueOf(c));
                });
            }
            return re.toString();
        }
    }
}
