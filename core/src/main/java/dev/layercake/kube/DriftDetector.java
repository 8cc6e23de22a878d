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
 * Declared state (what git declares at the commit: plain Kubernetes YAML, rendered Kustomize roots and Helm
 * charts, see {@link DeclaredState}) against the live objects at release time. Drift compares only what it can
 * know: objects of kinds the cluster serves and capture lists, in the namespaces it read (cluster-scoped ones
 * without a namespace); documents of other tools ({@code skaffold/v4 Config}, ...) are not declared objects.
 * A declared object without a namespace is looked for in the app's namespaces. Live objects of the app that git
 * does not declare are reported as added only when git declares some objects in the same namespace and every
 * Kustomize root and Helm chart was rendered; a live ConfigMap or Secret that a kustomization generates under
 * another content hash is compared with the declared one, not reported as added. See docs/drift.md.
 */
public final class DriftDetector {

    /** kustomize's generated-name suffix: '-' and ten characters of its hash alphabet. */
    private static final java.util.regex.Pattern HASH_SUFFIX = java.util.regex.Pattern.compile("-[2456789bcdfghkmt]{10}$");

    private DriftDetector() {
    }

    /** Drift and what it left out, and why (for the log and docs). */
    public record Result(List<DriftEntry> drift, List<String> notes) {
    }

    /** The plain-YAML comparison with the app's objects as all that was read (no served-kinds filter). */
    public static List<DriftEntry> detect(ReleaseStore store, SourceSection source, Map<ObjectId, JsonNode> live,
                                          List<String> namespaces) {
        if (source == null) {
            return List.of();
        }
        DeclaredState.State state = new DeclaredState.State(plainYaml(store, source), List.of());
        return detect(state, live, live.keySet(), namespaces, null).drift();
    }

    private static List<DeclaredState.Declared> plainYaml(ReleaseStore store, SourceSection source) {
        List<DeclaredState.Declared> out = new ArrayList<>();
        for (SourceFile f : source.files()) {
            if (!FileKinds.KUBERNETES.equals(f.kind()) || f.symlink()) {
                continue;
            }
            for (JsonNode doc : YamlDocuments.parse(new String(store.readBlob(f.digest()), StandardCharsets.UTF_8))) {
                if (YamlDocuments.isKubernetesObject(doc)) {
                    out.add(new DeclaredState.Declared(doc, f.path(), false));
                }
            }
        }
        return out;
    }

    /**
     * @param listed  every object capture read (all served, listable types in the namespaces and cluster-wide)
     * @param members the app's objects (the selection), the only candidates for "live but not declared"
     * @param listedTypes the types capture listed; null: trust every declared kind (no discovery at hand)
     */
    public static Result detect(DeclaredState.State state, Map<ObjectId, JsonNode> listed, java.util.Collection<ObjectId> members,
                                List<String> namespaces, List<ResourceType> listedTypes) {
        List<String> notes = new ArrayList<>();
        Map<String, Integer> notServed = new java.util.TreeMap<>();
        Map<String, Integer> otherNamespaces = new java.util.TreeMap<>();
        Map<ObjectId, List<DeclaredState.Declared>> declared = new LinkedHashMap<>();
        for (DeclaredState.Declared d : state.objects()) {
            JsonNode doc = d.doc();
            String name = doc.path("metadata").path("name").asText("");
            if (name.isEmpty()) {
                continue;
            }
            String apiVersion = doc.path("apiVersion").asText();
            ObjectId id = ObjectId.of(doc);
            Boolean namespaced = null;
            if (listedTypes != null) {
                ResourceType type = listedTypes.stream().filter(t -> t.is(id.group(), id.kind())).findFirst().orElse(null);
                if (type == null) {
                    notServed.merge(apiVersion + " " + id.kind(), 1, Integer::sum);
                    continue;
                }
                namespaced = type.namespaced();
            }
            ObjectId resolved = id;
            if (Boolean.FALSE.equals(namespaced)) {
                resolved = id.inNamespace(null);
            } else if (id.namespace() == null && (namespaced != null || !listed.containsKey(id))) {
                resolved = resolveNamespace(id, listed, namespaces);
            }
            if (resolved.namespace() != null && !namespaces.contains(resolved.namespace())) {
                otherNamespaces.merge(resolved.namespace(), 1, Integer::sum);
                continue;
            }
            declared.computeIfAbsent(resolved, k -> new ArrayList<>()).add(d);
        }
        if (!notServed.isEmpty()) {
            notes.add("not compared, kinds the cluster does not serve (or capture does not list): " + summarize(notServed));
        }
        if (!otherNamespaces.isEmpty()) {
            notes.add("not compared, declared for namespaces not read: " + summarize(otherNamespaces));
        }

        java.util.Set<ObjectId> accountedFor = new java.util.HashSet<>(declared.keySet());
        dropUndeployedSources(declared, listed, notes);

        List<DriftEntry> drift = new ArrayList<>();
        for (Map.Entry<ObjectId, List<DeclaredState.Declared>> e : declared.entrySet()) {
            ObjectId id = e.getKey();
            DeclaredState.Declared first = e.getValue().get(0);
            String apiVersion = first.doc().path("apiVersion").asText();
            JsonNode liveObject = listed.get(id);
            if (liveObject == null && first.generated()) {
                ObjectId other = generatedSibling(id, listed, declared.keySet());
                if (other != null) {
                    liveObject = listed.get(other);
                    accountedFor.add(other);
                }
            }
            if (liveObject == null) {
                drift.add(new DriftEntry(apiVersion, id.kind(), id.namespace(), id.name(), DriftEntry.REMOVED,
                        first.declaredIn(), List.of(), List.of()));
                continue;
            }
            List<DriftEntry.Field> best = null;
            DeclaredState.Declared bestIn = first;
            for (DeclaredState.Declared d : e.getValue()) {
                List<DriftEntry.Field> fields = compare(id, d.doc(), liveObject);
                if (best == null || fields.size() < best.size()) {
                    best = fields;
                    bestIn = d;
                }
            }
            if (!best.isEmpty()) {
                drift.add(new DriftEntry(apiVersion, id.kind(), id.namespace(), id.name(), DriftEntry.CHANGED, bestIn.declaredIn(),
                        best.stream().map(DriftEntry.Field::pointer).toList(), best));
            }
        }
        if (!state.complete()) {
            long unrendered = state.renders().stream().filter(r -> !r.rendered()).count();
            notes.add("live objects not declared in git are not reported: " + unrendered
                    + " Kustomize root(s) or Helm chart(s) could not be rendered, so what git declares is not fully known");
        } else {
            for (ObjectId id : members) {
                boolean namespaceDeclared = declared.keySet().stream().anyMatch(d -> java.util.Objects.equals(d.namespace(), id.namespace()));
                if (!accountedFor.contains(id) && namespaceDeclared && id.namespace() != null) {
                    JsonNode o = listed.get(id);
                    drift.add(new DriftEntry(o == null ? "" : o.path("apiVersion").asText(), id.kind(), id.namespace(), id.name(),
                            DriftEntry.ADDED, null, List.of(), List.of()));
                }
            }
        }
        return new Result(drift, notes);
    }

    /** A rendered source counts as deployed here when the share of its objects that are live is this close to the best. */
    static final double DEPLOYED_MARGIN = 0.1;

    /**
     * Several Kustomize roots or Helm charts often declare alternatives for the same namespaces (test variants, one
     * overlay per environment without its own namespace). A source whose objects are mostly not live while another's
     * are is taken as not deployed here: the objects only it declares are not compared (named in the notes), so they
     * are not reported as "declared but not live". Plain YAML files are always compared; with one rendered source
     * nothing is dropped.
     */
    private static void dropUndeployedSources(Map<ObjectId, List<DeclaredState.Declared>> declared, Map<ObjectId, JsonNode> listed,
                                              List<String> notes) {
        Map<String, int[]> bySource = new LinkedHashMap<>(); // declaredIn -> {declared, live}
        for (Map.Entry<ObjectId, List<DeclaredState.Declared>> e : declared.entrySet()) {
            java.util.Set<String> sources = new java.util.LinkedHashSet<>();
            e.getValue().stream().filter(DriftDetector::rendered).forEach(d -> sources.add(d.declaredIn()));
            for (String source : sources) {
                int[] counts = bySource.computeIfAbsent(source, k -> new int[2]);
                counts[0]++;
                if (listed.containsKey(e.getKey())) {
                    counts[1]++;
                }
            }
        }
        if (bySource.size() < 2) {
            return;
        }
        double best = bySource.values().stream().mapToDouble(c -> c[0] == 0 ? 0 : (double) c[1] / c[0]).max().orElse(0);
        java.util.Set<String> dropped = new java.util.LinkedHashSet<>();
        for (Map.Entry<String, int[]> e : bySource.entrySet()) {
            double share = (double) e.getValue()[1] / e.getValue()[0];
            if (share < best - DEPLOYED_MARGIN) {
                dropped.add(e.getKey());
                notes.add("not compared, objects only " + e.getKey() + " declares: " + e.getValue()[1] + " of its "
                        + e.getValue()[0] + " object(s) are live, taken as not deployed to the namespaces read");
            }
        }
        if (dropped.isEmpty()) {
            return;
        }
        for (java.util.Iterator<Map.Entry<ObjectId, List<DeclaredState.Declared>>> it = declared.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<ObjectId, List<DeclaredState.Declared>> e = it.next();
            e.getValue().removeIf(d -> rendered(d) && dropped.contains(d.declaredIn()));
            if (e.getValue().isEmpty()) {
                it.remove();
            }
        }
    }

    private static boolean rendered(DeclaredState.Declared d) {
        return d.declaredIn().startsWith("kustomize ") || d.declaredIn().startsWith("helm ");
    }

    private static List<DriftEntry.Field> compare(ObjectId id, JsonNode doc, JsonNode liveObject) {
        JsonNode declaredObject = doc.deepCopy();
        if (declaredObject.path("metadata").isObject()) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) declaredObject.path("metadata")).remove("namespace");
        }
        JsonNode liveCompare = Sanitizer.forComparison(liveObject);
        if (liveCompare.path("metadata").isObject()) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) liveCompare.path("metadata")).remove("namespace");
        }
        boolean secret = id.is(KubeRules.SECRET);
        List<DriftEntry.Field> fields = ObjectDiff.declared(Sanitizer.forComparison(declaredObject), liveCompare, secret);
        fields.removeIf(f -> f.pointer().equals("/apiVersion"));
        return fields;
    }

    /**
     * The live ConfigMap or Secret a kustomization generated from other content: same kind and namespace, the same
     * name before the hash suffix, not itself declared. Only when exactly one matches.
     */
    private static ObjectId generatedSibling(ObjectId id, Map<ObjectId, JsonNode> listed, java.util.Set<ObjectId> declared) {
        if (!(id.is(KubeRules.CONFIG_MAP) || id.is(KubeRules.SECRET))
                || !HASH_SUFFIX.matcher(id.name()).find()) {
            return null;
        }
        String stem = HASH_SUFFIX.matcher(id.name()).replaceFirst("");
        ObjectId found = null;
        for (ObjectId other : listed.keySet()) {
            if (other.type().equals(id.type()) && java.util.Objects.equals(other.namespace(), id.namespace())
                    && !declared.contains(other) && HASH_SUFFIX.matcher(other.name()).find()
                    && HASH_SUFFIX.matcher(other.name()).replaceFirst("").equals(stem)) {
                if (found != null) {
                    return null;
                }
                found = other;
            }
        }
        return found;
    }

    private static String summarize(Map<String, Integer> counts) {
        StringBuilder sb = new StringBuilder();
        int shown = 0;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            if (shown++ == 8) {
                sb.append(", ...");
                break;
            }
            sb.append(sb.length() == 0 ? "" : ", ").append(e.getKey()).append(" (").append(e.getValue()).append(")");
        }
        return sb.toString();
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
