package dev.layercake.coverage;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Terraform resources, data sources and state backends that name storage, read line by line from a .tf file
 * (HCL is not parsed: a block's name attribute is looked for in the lines up to the block's closing brace,
 * at most 200 lines on). The name is the attribute's literal text, interpolations as written.
 */
final class TerraformServices {

    private static final Pattern BLOCK = Pattern.compile("^\\s*(resource|data)\\s+\"([A-Za-z0-9_]+)\"\\s+\"([A-Za-z0-9_-]+)\"");
    private static final Pattern BACKEND = Pattern.compile("^\\s*backend\\s+\"([A-Za-z0-9_]+)\"");
    /** Linear: the value is the rest of the line, stripped after the match (a lazy {@code (.+?)\\s*$} is quadratic on spaces). */
    private static final Pattern ATTRIBUTE = Pattern.compile("^\\s*([A-Za-z0-9_]+)\\s*=\\s*(.*)$", Pattern.DOTALL);
    private static final int LOOK_AHEAD = 200;

    private TerraformServices() {
    }

    static void scan(String file, List<String> lines, StorageRules rules, Findings out) {
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher b = BLOCK.matcher(line);
            if (b.find()) {
                int at = i;
                rules.terraformType(b.group(2)).ifPresent(rule -> {
                    String name = attribute(lines, at, rule.name().split(","));
                    String label = (b.group(1).equals("data") ? "data." : "") + b.group(2) + "." + b.group(3);
                    out.add(rule.kind(), rule.service(), name == null ? label : name + " (" + label + ")",
                            file + ":" + (at + 1), rule.id(), false);
                });
                continue;
            }
            Matcher be = BACKEND.matcher(line);
            if (be.find()) {
                int at = i;
                rules.backend(be.group(1)).ifPresent(rule -> {
                    String name = attribute(lines, at, rule.name().split(","));
                    out.add(rule.kind(), rule.service(), name == null ? "backend " + be.group(1) : name,
                            file + ":" + (at + 1), rule.id(), false);
                });
            }
        }
    }

    /** The first of the attributes set in the block that starts at line {@code start}, unquoted. */
    private static String attribute(List<String> lines, int start, String[] names) {
        int depth = 0;
        String[] found = new String[names.length];
        for (int i = start; i < lines.size() && i < start + LOOK_AHEAD; i++) {
            String line = lines.get(i);
            if (i > start && depth == 1) {
                Matcher a = ATTRIBUTE.matcher(line);
                if (a.find() && !a.group(2).isBlank()) {
                    for (int n = 0; n < names.length; n++) {
                        if (names[n].equals(a.group(1)) && found[n] == null) {
                            found[n] = unquote(a.group(2).strip());
                        }
                    }
                }
            }
            for (char c : line.toCharArray()) {
                if (c == '{') {
                    depth++;
                } else if (c == '}') {
                    depth--;
                }
            }
            if (i > start && depth <= 0) {
                break;
            }
        }
        for (String f : found) {
            if (f != null && !f.isEmpty()) {
                return f;
            }
        }
        return null;
    }

    private static String unquote(String v) {
        String s = v;
        int hash = s.indexOf(" #");
        if (hash > 0 && !s.startsWith("\"")) {
            s = s.substring(0, hash).trim();
        }
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
            s = s.substring(1, s.length() - 1);
        }
        return s.length() > 200 ? s.substring(0, 200) : s;
    }
}
