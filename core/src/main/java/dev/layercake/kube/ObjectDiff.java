package dev.layercake.kube;

import com.fasterxml.jackson.databind.JsonNode;
import dev.layercake.model.DriftEntry;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Field-level differences between two states of one object, as JSON pointers. Lists of named elements
 * (containers, ports, env) are matched by name, so inserting one does not mark every later one as changed.
 */
public final class ObjectDiff {

    /**
     * Where a field only the right side has counts as added even in declared-only mode: maps the cluster
     * does not fill with defaults. Elsewhere, right-only fields are server defaults and are ignored.
     */
    public static final List<String> ADDED_SCOPES = List.of("/metadata/labels", "/metadata/annotations", "/data",
            "/stringData", "/binaryData");

    private final boolean declaredOnly;
    private final boolean hideValues;
    private final List<DriftEntry.Field> out = new ArrayList<>();

    private ObjectDiff(boolean declaredOnly, boolean hideValues) {
        this.declaredOnly = declaredOnly;
        this.hideValues = hideValues;
    }

    /** Every difference: removed (left only), added (right only), changed. */
    public static List<DriftEntry.Field> full(JsonNode left, JsonNode right, boolean hideValues) {
        ObjectDiff d = new ObjectDiff(false, hideValues);
        d.walk("", left, right);
        return d.out;
    }

    /**
     * Differences of what the left side declares: its fields missing or changed on the right, and right-only
     * entries in {@link #ADDED_SCOPES}.
     */
    public static List<DriftEntry.Field> declared(JsonNode declared, JsonNode live, boolean hideValues) {
        ObjectDiff d = new ObjectDiff(true, hideValues);
        d.walk("", declared, live);
        return d.out;
    }

    private void walk(String pointer, JsonNode left, JsonNode right) {
        if (left.isObject() && right.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = left.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String p = pointer + "/" + escape(e.getKey());
                if (!right.has(e.getKey())) {
                    if (!e.getValue().isNull()) {
                        record(p, DriftEntry.REMOVED, e.getValue(), null);
                    }
                } else {
                    walk(p, e.getValue(), right.get(e.getKey()));
                }
            }
            boolean addedCounts = !declaredOnly || ADDED_SCOPES.contains(pointer);
            if (addedCounts) {
                for (Iterator<Map.Entry<String, JsonNode>> it = right.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!left.has(e.getKey()) && !e.getValue().isNull()) {
                        record(pointer + "/" + escape(e.getKey()), DriftEntry.ADDED, null, e.getValue());
                    }
                }
            }
        } else if (left.isArray() && right.isArray()) {
            Map<String, Integer> leftNames = names(left);
            Map<String, Integer> rightNames = names(right);
            if (leftNames != null && rightNames != null) {
                for (Map.Entry<String, Integer> e : leftNames.entrySet()) {
                    String p = pointer + "/" + e.getValue();
                    Integer r = rightNames.get(e.getKey());
                    if (r == null) {
                        record(p, DriftEntry.REMOVED, left.get(e.getValue()), null);
                    } else {
                        walk(p, left.get(e.getValue()), right.get(r));
                    }
                }
                if (!declaredOnly) {
                    for (Map.Entry<String, Integer> e : rightNames.entrySet()) {
                        if (!leftNames.containsKey(e.getKey())) {
                            record(pointer + "/" + e.getValue(), DriftEntry.ADDED, null, right.get(e.getValue()));
                        }
                    }
                }
            } else if (left.size() != right.size()) {
                record(pointer, DriftEntry.CHANGED, left, right);
            } else {
                for (int i = 0; i < left.size(); i++) {
                    walk(pointer + "/" + i, left.get(i), right.get(i));
                }
            }
        } else if (!equalScalars(left, right)) {
            record(pointer.isEmpty() ? "/" : pointer, DriftEntry.CHANGED, left, right);
        }
    }

    /** 2 and "2" are equal: YAML from git often quotes what the API server returns as a number. */
    private static boolean equalScalars(JsonNode a, JsonNode b) {
        if (a.equals(b)) {
            return true;
        }
        return a.isValueNode() && b.isValueNode() && !a.isNull() && !b.isNull() && a.asText().equals(b.asText());
    }

    private static Map<String, Integer> names(JsonNode array) {
        Map<String, Integer> names = new LinkedHashMap<>();
        for (int i = 0; i < array.size(); i++) {
            JsonNode n = array.get(i).path("name");
            if (!n.isTextual() || names.put(n.asText(), i) != null) {
                return null;
            }
        }
        return names.isEmpty() ? null : names;
    }

    private void record(String pointer, String change, JsonNode left, JsonNode right) {
        if (!hideValues && DriftEntry.CHANGED.equals(change) && left != null && right != null && left.isTextual() && right.isTextual()
                && LineDiff.wanted(left.asText(), right.asText())) {
            String a = left.asText();
            String b = right.asText();
            int at = LineDiff.firstDifference(a, b);
            boolean multiLine = a.contains("\n") || b.contains("\n");
            out.add(new DriftEntry.Field(pointer, change, LineDiff.window(a, at), LineDiff.window(b, at),
                    multiLine ? LineDiff.lines(a, b) : List.of()));
            return;
        }
        out.add(new DriftEntry.Field(pointer, change, text(left), text(right)));
    }

    private String text(JsonNode n) {
        if (n == null) {
            return null;
        }
        if (hideValues) {
            return "(hidden)";
        }
        String s = n.isTextual() ? n.asText() : n.toString();
        return s.length() > 200 ? s.substring(0, 197) + "..." : s;
    }

    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }
}
