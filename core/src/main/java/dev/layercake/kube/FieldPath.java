package dev.layercake.kube;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A field path of the rule tables ({@link KubeRules}): a JSON pointer whose {@code *} segment is every element of an
 * array (or value of a map) and whose last segment may be dotted alternatives, {@code "service.name|serviceName"}:
 * the first one present. {@code ~1} is a '/' in a segment.
 */
final class FieldPath {

    private final String text;
    private final List<String> segments;

    private FieldPath(String text, List<String> segments) {
        this.text = text;
        this.segments = List.copyOf(segments);
    }

    static FieldPath parse(String path) {
        if (!path.startsWith("/") || path.length() < 2) {
            throw new IllegalArgumentException("field path '" + path + "' is not a JSON pointer");
        }
        List<String> segments = new ArrayList<>();
        for (String s : path.substring(1).split("/")) {
            segments.add(s.replace("~1", "/").replace("~0", "~"));
        }
        return new FieldPath(path, segments);
    }

    /** The text at the path, one per match, in document order ("" where the field is absent). */
    List<String> values(JsonNode root) {
        List<String> out = new ArrayList<>();
        walk(root, List.of(this), p -> p, (p, value) -> out.add(value));
        return out;
    }

    /** The nodes at the path (no alternatives), one per match, in document order. */
    List<JsonNode> nodes(JsonNode root) {
        List<JsonNode> current = List.of(root);
        for (String seg : segments) {
            List<JsonNode> next = new ArrayList<>();
            for (JsonNode n : current) {
                if (seg.equals("*")) {
                    n.forEach(next::add);
                } else if (n.has(seg)) {
                    next.add(n.get(seg));
                }
            }
            current = next;
        }
        return current;
    }

    /** The path of the parent of the last field: {@code /spec} of {@code /spec/clusterIP}. */
    FieldPath parent() {
        return new FieldPath(text.substring(0, text.lastIndexOf('/')), segments.subList(0, segments.size() - 1));
    }

    /** The last segment. */
    String field() {
        return segments.get(segments.size() - 1);
    }

    /**
     * Walks several rules over one object together, emitting each rule's values: rules sharing a prefix are walked
     * in one pass, so values come element by element, in the order the rules are listed within each element (all
     * references of the first container, then the second's, ...), as nested loops would give them.
     */
    static <T> void walk(JsonNode root, List<T> rules, Function<T, FieldPath> path, BiConsumer<T, String> emit) {
        walk(root, rules, path, emit, 0);
    }

    private static <T> void walk(JsonNode node, List<T> rules, Function<T, FieldPath> path, BiConsumer<T, String> emit, int depth) {
        Map<String, List<T>> bySegment = new LinkedHashMap<>();
        for (T rule : rules) {
            bySegment.computeIfAbsent(path.apply(rule).segments.get(depth), k -> new ArrayList<>()).add(rule);
        }
        for (Map.Entry<String, List<T>> e : bySegment.entrySet()) {
            String seg = e.getKey();
            List<T> deeper = new ArrayList<>();
            for (T rule : e.getValue()) {
                if (path.apply(rule).segments.size() - 1 > depth) {
                    deeper.add(rule);
                } else if (seg.equals("*")) {
                    for (JsonNode element : node) {
                        emit.accept(rule, element.asText(""));
                    }
                } else {
                    emit.accept(rule, leaf(node, seg));
                }
            }
            if (deeper.isEmpty()) {
                continue;
            }
            if (seg.equals("*")) {
                for (JsonNode element : node) {
                    walk(element, deeper, path, emit, depth + 1);
                }
            } else {
                walk(node.path(seg), deeper, path, emit, depth + 1);
            }
        }
    }

    /** The text of the field (a JSON null is ""); of alternatives, the first present (not missing, not null), else "". */
    private static String leaf(JsonNode node, String seg) {
        if (!seg.contains("|")) {
            return node.path(seg).asText("");
        }
        String[] alternatives = seg.split("\\|");
        String value = "";
        for (int i = alternatives.length - 1; i >= 0; i--) {
            value = at(node, alternatives[i]).asText(value);
        }
        return value;
    }

    private static JsonNode at(JsonNode node, String dotted) {
        JsonNode n = node;
        for (String part : dotted.split("\\.")) {
            n = n.path(part);
        }
        return n;
    }

    @Override
    public String toString() {
        return text;
    }
}
