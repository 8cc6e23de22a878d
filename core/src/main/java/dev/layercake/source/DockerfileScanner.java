package dev.layercake.source;

import dev.layercake.model.ImageReference;

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
 * Finds the images a Dockerfile builds from: FROM lines (with --platform, stage names, ARG defaults
 * declared before the first FROM substituted) and COPY --from=image. Stage names are not images, and
 * neither is scratch.
 */
public final class DockerfileScanner {

    private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-+]([^}]*))?}|\\$([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern COPY_FROM = Pattern.compile("--from=(\\S+)");

    private DockerfileScanner() {
    }

    public static List<ImageReference> scan(String path, String text) {
        List<ImageReference> out = new ArrayList<>();
        Map<String, String> args = new HashMap<>();
        Set<String> stages = new HashSet<>();
        boolean seenFrom = false;
        List<String[]> lines = logicalLines(text);
        for (String[] entry : lines) {
            int lineNo = Integer.parseInt(entry[0]);
            String line = entry[1].trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.split("\\s+");
            String instruction = words[0].toUpperCase(Locale.ROOT);
            if (instruction.equals("ARG") && !seenFrom) {
                for (int i = 1; i < words.length; i++) {
                    String w = words[i];
                    int eq = w.indexOf('=');
                    if (eq > 0) {
                        args.put(w.substring(0, eq), unquote(w.substring(eq + 1)));
                    }
                }
            } else if (instruction.equals("FROM")) {
                seenFrom = true;
                String platform = null;
                int i = 1;
                while (i < words.length && words[i].startsWith("--")) {
                    if (words[i].startsWith("--platform=")) {
                        String raw = words[i].substring("--platform=".length());
                        String resolved = substitute(raw, args);
                        // $BUILDPLATFORM and friends are set by the builder, not the file: keep them as written.
                        platform = resolved.isEmpty() ? raw : resolved;
                    }
                    i++;
                }
                if (i >= words.length) {
                    continue;
                }
                String image = substitute(words[i], args);
                String stage = null;
                if (i + 2 < words.length && words[i + 1].equalsIgnoreCase("AS")) {
                    stage = words[i + 2];
                }
                if (!image.equalsIgnoreCase("scratch") && !stages.contains(image.toLowerCase(Locale.ROOT)) && !image.isEmpty()) {
                    out.add(new ImageReference(image, path, lineNo, "dockerfile-from", platform, stage));
                }
                if (stage != null) {
                    stages.add(stage.toLowerCase(Locale.ROOT));
                }
            } else if (instruction.equals("COPY") || instruction.equals("ADD") || instruction.equals("RUN")) {
                Matcher m = COPY_FROM.matcher(line);
                if (instruction.equals("COPY") && m.find()) {
                    String from = substitute(m.group(1), args);
                    if (!stages.contains(from.toLowerCase(Locale.ROOT)) && !from.matches("\\d+")) {
                        out.add(new ImageReference(from, path, lineNo, "dockerfile-copy-from", null, null));
                    }
                }
            }
        }
        return out;
    }

    /** Joins backslash continuations; each logical line keeps the number of its first physical line. */
    private static List<String[]> logicalLines(String text) {
        List<String[]> out = new ArrayList<>();
        String[] physical = text.split("\r?\n", -1);
        StringBuilder current = null;
        int start = 0;
        for (int i = 0; i < physical.length; i++) {
            String l = physical[i];
            if (current == null) {
                current = new StringBuilder();
                start = i + 1;
            }
            if (l.stripTrailing().endsWith("\\")) {
                String s = l.stripTrailing();
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

    static String substitute(String value, Map<String, String> args) {
        Matcher m = VAR.matcher(value);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(3);
            String fallback = m.group(2);
            String v = args.get(name);
            if (v == null || v.isEmpty()) {
                v = fallback != null ? fallback : "";
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return unquote(sb.toString());
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'"))) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }
}
