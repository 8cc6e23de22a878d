package dev.layercake.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.layercake.model.Json;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

import java.util.HashMap;
import java.util.Map;

/** Conversions between fabric8's generic objects and Jackson trees, and small field readers. */
final class Trees {

    private Trees() {
    }

    static ObjectNode tree(GenericKubernetesResource r, ResourceType type) {
        ObjectNode node = Json.mapper().valueToTree(r);
        if (!node.path("apiVersion").isTextual()) {
            node.put("apiVersion", type.apiVersion());
        }
        if (!node.path("kind").isTextual()) {
            node.put("kind", type.kind());
        }
        return node;
    }

    static GenericKubernetesResource generic(JsonNode node) {
        return Json.mapper().convertValue(node, GenericKubernetesResource.class);
    }

    static Map<String, String> labels(JsonNode object) {
        return stringMap(object.path("metadata").path("labels"));
    }

    static Map<String, String> stringMap(JsonNode map) {
        Map<String, String> out = new HashMap<>();
        map.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    static String name(JsonNode object) {
        return object.path("metadata").path("name").asText("");
    }

    static String namespace(JsonNode object) {
        String ns = object.path("metadata").path("namespace").asText("");
        return ns.isEmpty() ? null : ns;
    }

    static ObjectNode metadata(ObjectNode object) {
        return object.withObjectProperty("metadata");
    }

    /** Text from the cluster made safe for one line of a message: control characters and backticks escaped, bounded. */
    static String printable(String text) {
        StringBuilder sb = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (sb.length() > 200) {
                return sb + "...";
            }
            if (c < 0x20 || c == 0x7f || c == '`') {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
