package dev.layercake.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.layercake.kube.KubeRules.GroupKind;
import dev.layercake.model.Json;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * Cleans a captured object so it can be applied to another cluster, by the rules in {@link #RULES}: a
 * table of (kinds, field path, condition, reason). Paths are JSON pointers where {@code *} matches every
 * array element or map entry and {@code ~1} is a '/'. Velero's restore cleaning is the baseline:
 *
 * <table>
 *   <tr><th>kinds</th><th>field</th><th>removed</th></tr>
 *   <tr><td>all</td><td>metadata uid, resourceVersion, generation, creationTimestamp, deletionTimestamp,
 *       deletionGracePeriodSeconds, selfLink, managedFields, ownerReferences, finalizers; status</td><td>always</td></tr>
 *   <tr><td>Service</td><td>spec.clusterIP, spec.clusterIPs</td><td>unless headless (None)</td></tr>
 *   <tr><td>Service</td><td>spec.ports[].nodePort, spec.healthCheckNodePort</td><td>unless pinned: named in the
 *       Service's {@code kubectl.kubernetes.io/last-applied-configuration} (as Velero keeps them), or the Service is
 *       annotated {@code layercake.dev/keep-node-ports: "true"}</td></tr>
 *   <tr><td>Namespace</td><td>the kubernetes.io/metadata.name label, spec.finalizers</td><td>always (set by the API server)</td></tr>
 *   <tr><td>Pod</td><td>spec.nodeName, spec.priority, injected service-account token volumes and their mounts</td><td>always</td></tr>
 *   <tr><td>PersistentVolume</td><td>spec.claimRef.uid, spec.claimRef.resourceVersion</td><td>always</td></tr>
 *   <tr><td>PersistentVolumeClaim</td><td>spec.volumeName, the binding and provisioner annotations</td><td>always (the claim binds anew)</td></tr>
 *   <tr><td>Job</td><td>spec.selector, the controller-uid labels of its template</td><td>always</td></tr>
 *   <tr><td>ServiceAccount</td><td>secrets[] naming a generated token Secret</td><td>always</td></tr>
 * </table>
 */
public final class Sanitizer {

    /** When a matched field is kept after all. */
    public enum Condition {
        ALWAYS((root, value) -> false),
        UNLESS_HEADLESS((root, value) -> "None".equals(value.asText())
                || (value.isArray() && value.size() == 1 && "None".equals(value.get(0).asText()))),
        UNLESS_NODE_PORTS_KEPT((root, value) -> "true".equals(
                root.path("metadata").path("annotations").path(KEEP_NODE_PORTS).asText())
                || declaredNodePorts(root).contains(value.asInt())),
        ONLY_TOKEN_SECRET_REFS((root, value) -> !value.path("name").asText("")
                .startsWith(root.path("metadata").path("name").asText() + "-token-")),
        ONLY_TOKEN_VOLUMES((root, value) -> !(value.path("name").asText("").startsWith("kube-api-access-")
                || value.path("name").asText("").startsWith("default-token-")));

        private final BiPredicate<JsonNode, JsonNode> keep;

        Condition(BiPredicate<JsonNode, JsonNode> keep) {
            this.keep = keep;
        }
    }

    /** One cleaning rule: {@link GroupKind#ANY} for every kind. */
    public record Rule(GroupKind kind, String path, Condition condition, String why) {
    }

    public static final String KEEP_NODE_PORTS = "layercake.dev/keep-node-ports";

    /** kubectl's record of what was applied: a nodePort written there was chosen by a person, not allocated. */
    public static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    /**
     * The node ports the Service's last-applied configuration pins (as Velero keeps them): those in
     * {@code spec.ports[].nodePort} and {@code spec.healthCheckNodePort}. Unreadable JSON pins nothing.
     */
    static Set<Integer> declaredNodePorts(JsonNode service) {
        String applied = service.path("metadata").path("annotations").path(LAST_APPLIED).asText("");
        if (applied.isEmpty()) {
            return Set.of();
        }
        try {
            JsonNode spec = Json.mapper().readTree(applied).path("spec");
            Set<Integer> ports = new HashSet<>();
            for (JsonNode port : spec.path("ports")) {
                if (port.path("nodePort").isInt()) {
                    ports.add(port.path("nodePort").asInt());
                }
            }
            if (spec.path("healthCheckNodePort").isInt()) {
                ports.add(spec.path("healthCheckNodePort").asInt());
            }
            return ports;
        } catch (IOException e) {
            return Set.of();
        }
    }

    public static final List<Rule> RULES = List.of(
            new Rule(GroupKind.ANY, "/metadata/uid", Condition.ALWAYS, "assigned by the cluster"),
            new Rule(GroupKind.ANY, "/metadata/resourceVersion", Condition.ALWAYS, "assigned by the cluster"),
            new Rule(GroupKind.ANY, "/metadata/generation", Condition.ALWAYS, "assigned by the cluster"),
            new Rule(GroupKind.ANY, "/metadata/creationTimestamp", Condition.ALWAYS, "assigned by the cluster"),
            new Rule(GroupKind.ANY, "/metadata/deletionTimestamp", Condition.ALWAYS, "assigned by the cluster"),
            new Rule(GroupKind.ANY, "/metadata/deletionGracePeriodSeconds", Condition.ALWAYS, "assigned by the cluster"),
            new Rule(GroupKind.ANY, "/metadata/selfLink", Condition.ALWAYS, "assigned by the cluster"),
            new Rule(GroupKind.ANY, "/metadata/managedFields", Condition.ALWAYS, "server-side apply bookkeeping"),
            new Rule(GroupKind.ANY, "/metadata/ownerReferences", Condition.ALWAYS, "owners' uids differ on the target"),
            new Rule(GroupKind.ANY, "/metadata/finalizers", Condition.ALWAYS, "controllers add their own"),
            new Rule(GroupKind.ANY, "/status", Condition.ALWAYS, "observed state, written by controllers"),
            new Rule(KubeRules.SERVICE, "/spec/clusterIP", Condition.UNLESS_HEADLESS, "allocated from the target's range"),
            new Rule(KubeRules.SERVICE, "/spec/clusterIPs", Condition.UNLESS_HEADLESS, "allocated from the target's range"),
            new Rule(KubeRules.SERVICE, "/spec/ports/*/nodePort", Condition.UNLESS_NODE_PORTS_KEPT, "may collide on the target"),
            new Rule(KubeRules.SERVICE, "/spec/healthCheckNodePort", Condition.UNLESS_NODE_PORTS_KEPT, "may collide on the target"),
            new Rule(KubeRules.NAMESPACE, "/metadata/labels/kubernetes.io~1metadata.name", Condition.ALWAYS, "set by the API server from the (mapped) name"),
            new Rule(KubeRules.NAMESPACE, "/spec/finalizers", Condition.ALWAYS, "set by the API server"),
            new Rule(KubeRules.POD, "/spec/nodeName", Condition.ALWAYS, "the target's nodes differ"),
            new Rule(KubeRules.POD, "/spec/priority", Condition.ALWAYS, "set by admission from priorityClassName"),
            new Rule(KubeRules.POD, "/spec/volumes/*", Condition.ONLY_TOKEN_VOLUMES, "service-account token volumes are injected anew"),
            new Rule(KubeRules.POD, "/spec/containers/*/volumeMounts/*", Condition.ONLY_TOKEN_VOLUMES, "mounts of injected token volumes"),
            new Rule(KubeRules.POD, "/spec/initContainers/*/volumeMounts/*", Condition.ONLY_TOKEN_VOLUMES, "mounts of injected token volumes"),
            new Rule(KubeRules.PV, "/spec/claimRef/uid", Condition.ALWAYS, "the claim's uid differs"),
            new Rule(KubeRules.PV, "/spec/claimRef/resourceVersion", Condition.ALWAYS, "assigned by the cluster"),
            new Rule(KubeRules.PVC, "/spec/volumeName", Condition.ALWAYS, "the volume is provisioned anew"),
            new Rule(KubeRules.PVC, "/metadata/annotations/pv.kubernetes.io~1bind-completed", Condition.ALWAYS, "binding state"),
            new Rule(KubeRules.PVC, "/metadata/annotations/pv.kubernetes.io~1bound-by-controller", Condition.ALWAYS, "binding state"),
            new Rule(KubeRules.PVC, "/metadata/annotations/volume.kubernetes.io~1selected-node", Condition.ALWAYS, "the target's nodes differ"),
            new Rule(KubeRules.PVC, "/metadata/annotations/volume.kubernetes.io~1storage-provisioner", Condition.ALWAYS, "set when provisioned"),
            new Rule(KubeRules.PVC, "/metadata/annotations/volume.beta.kubernetes.io~1storage-provisioner", Condition.ALWAYS, "set when provisioned"),
            new Rule(KubeRules.JOB, "/spec/selector", Condition.ALWAYS, "generated from the job's uid"),
            new Rule(KubeRules.JOB, "/spec/template/metadata/labels/controller-uid", Condition.ALWAYS, "the job's old uid"),
            new Rule(KubeRules.JOB, "/spec/template/metadata/labels/batch.kubernetes.io~1controller-uid", Condition.ALWAYS, "the job's old uid"),
            new Rule(KubeRules.SERVICE_ACCOUNT, "/secrets/*", Condition.ONLY_TOKEN_SECRET_REFS, "generated token Secrets are not restored"));

    /** Removed as well when comparing (diff, round trip): marks a restore or a tool leaves. */
    public static final List<Rule> COMPARE_RULES = List.of(
            new Rule(GroupKind.ANY, "/metadata/annotations/" + KubeRules.ANNOTATION_APP.replace("/", "~1"), Condition.ALWAYS, "written by restore"),
            new Rule(GroupKind.ANY, "/metadata/annotations/" + KubeRules.ANNOTATION_RELEASE.replace("/", "~1"), Condition.ALWAYS, "written by restore"),
            new Rule(GroupKind.ANY, "/metadata/annotations/" + KubeRules.ANNOTATION_MANIFEST.replace("/", "~1"), Condition.ALWAYS, "written by restore"),
            new Rule(GroupKind.ANY, "/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration", Condition.ALWAYS, "kubectl's copy"),
            new Rule(GroupKind.ANY, "/metadata/annotations/deployment.kubernetes.io~1revision", Condition.ALWAYS, "controller counter"));

    private Sanitizer() {
    }

    /** A cleaned copy for applying. */
    public static ObjectNode sanitize(JsonNode object) {
        ObjectNode out = object.deepCopy();
        apply(out, RULES);
        return out;
    }

    /** A cleaned copy for comparing two states of one object. */
    public static ObjectNode forComparison(JsonNode object) {
        ObjectNode out = sanitize(object);
        apply(out, COMPARE_RULES);
        if (out.path("metadata").path("annotations").isObject() && out.path("metadata").path("annotations").isEmpty()) {
            ((ObjectNode) out.get("metadata")).remove("annotations");
        }
        return out;
    }

    private static void apply(ObjectNode root, List<Rule> rules) {
        GroupKind type = ObjectId.of(root).type();
        for (Rule r : rules) {
            if (r.kind().matches(type)) {
                List<String> segments = new ArrayList<>();
                for (String s : r.path().substring(1).split("/")) {
                    segments.add(s.replace("~1", "/").replace("~0", "~"));
                }
                remove(root, root, segments, 0, r.condition());
            }
        }
    }

    private static void remove(ObjectNode root, JsonNode node, List<String> path, int i, Condition condition) {
        String seg = path.get(i);
        boolean last = i == path.size() - 1;
        if (node instanceof ObjectNode obj) {
            if (seg.equals("*")) {
                for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
                    String k = it.next();
                    if (last) {
                        if (!condition.keep.test(root, obj.get(k))) {
                            it.remove();
                        }
                    } else {
                        remove(root, obj.get(k), path, i + 1, condition);
                    }
                }
            } else if (obj.has(seg)) {
                if (last) {
                    if (!condition.keep.test(root, obj.get(seg))) {
                        obj.remove(seg);
                    }
                } else {
                    remove(root, obj.get(seg), path, i + 1, condition);
                }
            }
        } else if (node instanceof ArrayNode arr && seg.equals("*")) {
            for (int k = arr.size() - 1; k >= 0; k--) {
                if (last) {
                    if (!condition.keep.test(root, arr.get(k))) {
                        arr.remove(k);
                    }
                } else {
                    remove(root, arr.get(k), path, i + 1, condition);
                }
            }
        }
    }
}
