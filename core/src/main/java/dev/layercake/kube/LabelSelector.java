package dev.layercake.kube;

import com.fasterxml.jackson.databind.JsonNode;
import dev.layercake.LayercakeException;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A Kubernetes label selector, in the kubectl syntax ({@code a=b,c!=d,e in (x,y),f notin (z),g,!h}) or
 * the object form ({@code matchLabels}/{@code matchExpressions}), matched client-side. An empty selector
 * matches everything.
 */
public final class LabelSelector {

    private enum Op { EQUALS, NOT_EQUALS, IN, NOT_IN, EXISTS, NOT_EXISTS }

    private record Requirement(String key, Op op, Set<String> values) {
        boolean matches(Map<String, String> labels) {
            String v = labels.get(key);
            return switch (op) {
                case EQUALS, IN -> v != null && values.contains(v);
                case NOT_EQUALS, NOT_IN -> v == null || !values.contains(v);
                case EXISTS -> v != null;
                case NOT_EXISTS -> v == null;
            };
        }
    }

    private static final Pattern KEY = Pattern.compile("([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final Pattern VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");

    private final String text;
    private final List<Requirement> requirements;

    private LabelSelector(String text, List<Requirement> requirements) {
        this.text = text;
        this.requirements = List.copyOf(requirements);
    }

    /** Parses kubectl's selector syntax; a malformed selector is a usage error naming the part at fault. */
    public static LabelSelector parse(String selector) {
        List<Requirement> reqs = new ArrayList<>();
        String s = selector == null ? "" : selector.trim();
        if (s.isEmpty()) {
            throw LayercakeException.usage("--selector is empty; give key=value (e.g. app.kubernetes.io/part-of=shop)");
        }
        for (String part : splitTopLevel(s, selector)) {
            reqs.add(requirement(part.trim(), selector));
        }
        return new LabelSelector(s, reqs);
    }

    private static List<String> splitTopLevel(String s, String original) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
                if (depth < 0) {
                    throw malformed(original, "unbalanced ')'");
                }
            } else if (c == ',' && depth == 0) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        if (depth != 0) {
            throw malformed(original, "unbalanced '('");
        }
        parts.add(s.substring(start));
        return parts;
    }

    private static Requirement requirement(String part, String original) {
        if (part.isEmpty()) {
            throw malformed(original, "an empty requirement (two commas, or a trailing comma)");
        }
        java.util.regex.Matcher set = Pattern.compile("^(\\S+)\\s+(in|notin)\\s*\\((.*)\\)$").matcher(part);
        if (set.matches()) {
            Set<String> values = new LinkedHashSet<>();
            for (String v : set.group(3).split(",")) {
                values.add(checkValue(v.trim(), original));
            }
            return new Requirement(checkKey(set.group(1), original), set.group(2).equals("in") ? Op.IN : Op.NOT_IN, values);
        }
        for (String[] op : new String[][]{{"!=", "NOT_EQUALS"}, {"==", "EQUALS"}, {"=", "EQUALS"}}) {
            int at = part.indexOf(op[0]);
            if (at >= 0) {
                String key = part.substring(0, at).trim();
                String value = part.substring(at + op[0].length()).trim();
                return new Requirement(checkKey(key, original), Op.valueOf(op[1]), Set.of(checkValue(value, original)));
            }
        }
        if (part.startsWith("!")) {
            return new Requirement(checkKey(part.substring(1).trim(), original), Op.NOT_EXISTS, Set.of());
        }
        return new Requirement(checkKey(part, original), Op.EXISTS, Set.of());
    }

    private static String checkKey(String key, String original) {
        if (!KEY.matcher(key).matches() || key.length() > 316) {
            throw malformed(original, "'" + key + "' is not a valid label key");
        }
        return key;
    }

    private static String checkValue(String value, String original) {
        if (!VALUE.matcher(value).matches() || value.length() > 63) {
            throw malformed(original, "'" + value + "' is not a valid label value");
        }
        return value;
    }

    private static LayercakeException malformed(String selector, String why) {
        return LayercakeException.usage("--selector '" + selector + "' is malformed: " + why
                + "; use key=value, key!=value, key in (a,b), key notin (a,b), key or !key, comma-separated");
    }

    /** The object form used by NetworkPolicies, PDBs and workloads; null or missing matches nothing. */
    public static LabelSelector fromObject(JsonNode selector) {
        List<Requirement> reqs = new ArrayList<>();
        if (selector == null || selector.isMissingNode() || selector.isNull()) {
            return null;
        }
        selector.path("matchLabels").fields().forEachRemaining(e ->
                reqs.add(new Requirement(e.getKey(), Op.EQUALS, Set.of(e.getValue().asText()))));
        for (JsonNode expr : selector.path("matchExpressions")) {
            Set<String> values = new LinkedHashSet<>();
            expr.path("values").forEach(v -> values.add(v.asText()));
            Op op = switch (expr.path("operator").asText()) {
                case "In" -> Op.IN;
                case "NotIn" -> Op.NOT_IN;
                case "Exists" -> Op.EXISTS;
                default -> Op.NOT_EXISTS;
            };
            reqs.add(new Requirement(expr.path("key").asText(), op, values));
        }
        return new LabelSelector(selector.toString(), reqs);
    }

    /** The map form of a Service's {@code spec.selector}. */
    public static LabelSelector fromMap(JsonNode map) {
        List<Requirement> reqs = new ArrayList<>();
        map.fields().forEachRemaining(e -> reqs.add(new Requirement(e.getKey(), Op.EQUALS, Set.of(e.getValue().asText()))));
        return new LabelSelector(map.toString(), reqs);
    }

    public boolean isEmpty() {
        return requirements.isEmpty();
    }

    public boolean matches(Map<String, String> labels) {
        for (Requirement r : requirements) {
            if (!r.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return text;
    }
}
