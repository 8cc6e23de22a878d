package dev.layercake.kube;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one listing of the cluster saw, read once ({@link ClusterReader}) and then only looked at: every object of
 * the app's namespaces and every cluster-scoped object, in listing order, with the type it was listed as.
 * {@code listedTypes}: the types that could be listed; {@code forbidden}: namespaced types RBAC would not let us
 * list, when tolerated ("secrets in shop"); {@code warnings}: what the listing already warned about.
 */
public record ClusterSnapshot(List<String> namespaces, Map<ObjectId, ObjectNode> objects, Map<ObjectId, ResourceType> types,
                              List<ResourceType> listedTypes, List<String> forbidden, List<String> warnings) {

    public ClusterSnapshot {
        namespaces = List.copyOf(namespaces);
        objects = Collections.unmodifiableMap(new LinkedHashMap<>(objects));
        types = Collections.unmodifiableMap(new LinkedHashMap<>(types));
        listedTypes = List.copyOf(listedTypes);
        forbidden = List.copyOf(forbidden);
        warnings = List.copyOf(warnings);
    }

    /**
     * A snapshot of the given objects as if the cluster held exactly these (tests, or objects read elsewhere): each
     * object's type is its apiVersion and kind, plural the lower-case kind + "s", namespaced when it has a namespace.
     */
    public static ClusterSnapshot of(List<String> namespaces, List<ObjectNode> objects) {
        Map<ObjectId, ObjectNode> byId = new LinkedHashMap<>();
        Map<ObjectId, ResourceType> types = new LinkedHashMap<>();
        Map<String, ResourceType> listed = new LinkedHashMap<>();
        for (ObjectNode o : objects) {
            ObjectId id = ObjectId.of(o);
            String apiVersion = o.path("apiVersion").asText("");
            ResourceType type = new ResourceType(id.group(), apiVersion.substring(apiVersion.indexOf('/') + 1), id.kind(),
                    id.kind().toLowerCase(Locale.ROOT) + "s", id.namespace() != null);
            byId.put(id, o);
            types.put(id, type);
            listed.putIfAbsent(type.resourceName(), type);
        }
        return new ClusterSnapshot(namespaces, byId, types, List.copyOf(listed.values()), List.of(), List.of());
    }

    public ObjectNode get(ObjectId id) {
        return objects.get(id);
    }

    public boolean inAppNamespaces(ObjectId id) {
        return id.namespace() != null && namespaces.contains(id.namespace());
    }
}
