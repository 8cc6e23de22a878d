package dev.layercake.kube;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The identity of a Kubernetes object: API group (not version, so v1beta1 and v1 of one kind match), kind,
 * namespace (null when cluster-scoped) and name.
 */
public record ObjectId(String group, String kind, String namespace, String name) implements Comparable<ObjectId> {

    public ObjectId(KubeRules.GroupKind type, String namespace, String name) {
        this(type.group(), type.kind(), namespace, name);
    }

    public static ObjectId of(JsonNode object) {
        String ns = object.path("metadata").path("namespace").asText("");
        return new ObjectId(groupOf(object.path("apiVersion").asText("")), object.path("kind").asText(""),
                ns.isEmpty() ? null : ns, object.path("metadata").path("name").asText(""));
    }

    public static String groupOf(String apiVersion) {
        return KubeRules.GroupKind.groupOf(apiVersion);
    }

    /** The object's group and kind. */
    public KubeRules.GroupKind type() {
        return new KubeRules.GroupKind(group, kind);
    }

    public boolean is(KubeRules.GroupKind type) {
        return group.equals(type.group()) && kind.equals(type.kind());
    }

    public ObjectId inNamespace(String ns) {
        return new ObjectId(group, kind, ns, name);
    }

    /** "Deployment shop/web", "ClusterRole reader", "Widget.example.com shop/w1". */
    @Override
    public String toString() {
        return type().display() + " " + (namespace == null ? "" : namespace + "/") + name;
    }

    @Override
    public int compareTo(ObjectId o) {
        return toString().compareTo(o.toString());
    }
}
