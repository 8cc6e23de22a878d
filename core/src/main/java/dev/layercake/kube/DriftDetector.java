package dev.layercake.kube;

import com.fasterxml.jackson.databind.JsonNode;
import dev.layercake.model.DriftEntry;
import dev.layercake.model.SourceFile;
import dev.layercake.model.SourceSection;
import dev.layercake.source.FileKinds;
import dev.layercake.source.YamlDocuments;
import dev.layercake.store.ReleaseStore;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Declared state (the Kubernetes YAML captured from git, kind {@code kubernetes}) against the live objects
 * at release time. A declared object without a namespace is looked for in the app's namespaces. Live
 * objects of the app that git does not declare are reported as added only when git declares some objects
 * in the same namespace (otherwise the app simply is not deployed from plain YAML).
 */
public final class DriftDetector {

    private DriftDetector() {
    }

    public static List<DriftEntry> detect(ReleaseStore store, SourceSection source, Map<ObjectId, JsonNode> live,
                                          List<String> namespaces) {
        if (source == null) {
            return List.of();
        }
        Map<ObjectId, JsonNode> declared = new LinkedHashMap<>();
        Map<ObjectId, String> declaredIn = new LinkedHashMap<>();
        for (SourceFile f : source.files()) {
            if (!FileKinds.KUBERNETES.equals(f.kind()) || f.symlink()) {
                continue;
            }
            String text = new String(store.readBlob(f.digest()), StandardCharsets.UTF_8);
            for (JsonNode doc : YamlDocuments.parse(text)) {
                if (!YamlDocuments.isKubernetesObject(doc) || doc.path("metadata").path("name").asText("").isEmpty()) {
                    continue;
                }
                ObjectId id = ObjectId.of(doc);
                if (id.namespace() == null) {
                    id = resolveNamespace(id, live, namespaces);
                }
                declared.put(id, doc);
                declaredIn.put(id, f.path());
            }
        }
        List<DriftEntry> drift = new ArrayList<>();
        for (Map.Entry<ObjectId, JsonNode> e : declared.entrySet()) {
            ObjectId id = e.getKey();
            JsonNode doc = e.getValue();
            JsonNode liveObject = live.get(id);
            String apiVersion = doc.path("apiVersion").asText();
            if (liveObject == null) {
                drift.add(new DriftEntry(apiVersion, id.kind(), id.namespace(), id.name(), DriftEntry.REMOVED,
                        declaredIn.get(id), List.of(), List.of()));
                continue;
            }
            JsonNode declaredObject = doc.deepCopy();
            ((com.fasterxml.jackson.databind.node.ObjectNode) declaredObject.path("metadata")).remove("namespace");
            JsonNode liveCompare = Sanitizer.forComparison(liveObject);
            ((com.fasterxml.jackson.databind.node.ObjectNode) liveCompare.path("metadata")).remove("namespace");
            boolean secret = id.group().isEmpty() && id.kind().equals("Secret");
            List<DriftEntry.Field> fields = ObjectDiff.declared(Sanitizer.forComparison(declaredObject), liveCompare, secret);
            fields.removeIf(f -> f.pointer().equals("/apiVersion"));
            if (!fields.isEmpty()) {
                drift.add(new DriftEntry(apiVersion, id.kind(), id.namespace(), id.name(), DriftEntry.CHANGED, declaredIn.get(id),
                        fields.stream().map(DriftEntry.Field::pointer).toList(), fields));
            }
        }
        for (Map.Entry<ObjectId, JsonNode> e : live.entrySet()) {
            ObjectId id = e.getKey();
            boolean namespaceDeclared = declared.keySet().stream().anyMatch(d -> java.util.Objects.equals(d.namespace(), id.namespace()));
            if (!declared.containsKey(id) && namespaceDeclared && id.namespace() != null) {
                drift.add(new DriftEntry(e.getValue().path("apiVersion").asText(), id.kind(), id.namespace(), id.name(),
                        DriftEntry.ADDED, null, List.of(), List.of()));
            }
        }
        return drift;
    }

    private static ObjectId resolveNamespace(ObjectId id, Map<ObjectId, JsonNode> live, List<String> namespaces) {
        for (String ns : namespaces) {
            if (live.containsKey(id.inNamespace(ns))) {
                return id.inNamespace(ns);
            }
        }
        return namespaces.size() == 1 ? id.inNamespace(namespaces.get(0)) : id;
    }

    /** One line per entry, for the build log. */
    public static List<String> describe(List<DriftEntry> drift) {
        List<String> lines = new ArrayList<>();
        for (DriftEntry d : drift) {
            String what = d.kind() + " " + (d.namespace() == null ? "" : d.namespace() + "/") + d.name();
            switch (d.change()) {
                case DriftEntry.REMOVED -> lines.add("drift: " + what + " is declared in " + d.declaredIn() + " but not live");
                case DriftEntry.ADDED -> lines.add("drift: " + what + " is live but not declared in git");
                default -> {
                    StringBuilder sb = new StringBuilder("drift: " + what + " differs from " + d.declaredIn() + ":");
                    for (DriftEntry.Field f : d.details()) {
                        sb.append("\n  ").append(f.change()).append(' ').append(f.pointer());
                        if (f.change().equals(DriftEntry.CHANGED)) {
                            sb.append(": declared ").append(f.declared()).append(", live ").append(f.live());
                        } else if (f.change().equals(DriftEntry.ADDED)) {
                            sb.append(": live ").append(f.live());
                        }
                    }
                    lines.add(sb.toString());
                }
            }
        }
        return lines;
    }
}
