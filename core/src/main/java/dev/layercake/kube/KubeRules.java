package dev.layercake.kube;

import java.util.List;
import java.util.Set;

/**
 * The capture and restore rules as data. Kinds are matched by API group and kind ("" is the core group),
 * never by version, so the rules hold for every served version.
 */
public final class KubeRules {

    private KubeRules() {
    }

    /** A kind in an API group; {@code kind} "*" matches every kind of the group. */
    public record GroupKind(String group, String kind) {
        public boolean matches(String g, String k) {
            return group.equals(g) && (kind.equals("*") || kind.equals(k));
        }
    }

    /** A rule with the reason it exists, so the documentation is the table itself. */
    public record Rule(GroupKind type, String why) {
    }

    /** Groups whose kinds are printed without their group ("Deployment", not "Deployment.apps"). */
    public static final Set<String> WELL_KNOWN_GROUPS = Set.of("", "apps", "batch", "networking.k8s.io",
            "rbac.authorization.k8s.io", "autoscaling", "policy", "apiextensions.k8s.io", "storage.k8s.io",
            "discovery.k8s.io", "coordination.k8s.io", "events.k8s.io");

    /** Types never captured, whatever their labels say. */
    public static final List<Rule> NEVER_CAPTURED = List.of(
            new Rule(new GroupKind("", "Node"), "cluster hardware, not the application"),
            new Rule(new GroupKind("", "Event"), "history, re-created by the cluster"),
            new Rule(new GroupKind("events.k8s.io", "Event"), "history, re-created by the cluster"),
            new Rule(new GroupKind("coordination.k8s.io", "Lease"), "leader-election state of running processes"),
            new Rule(new GroupKind("", "ComponentStatus"), "cluster health, not the application"),
            new Rule(new GroupKind("storage.k8s.io", "CSINode"), "node state, not the application"),
            new Rule(new GroupKind("storage.k8s.io", "VolumeAttachment"), "node state, re-created by the attach controller"),
            new Rule(new GroupKind("velero.io", "*"), "another backup tool's bookkeeping"),
            new Rule(new GroupKind("metrics.k8s.io", "*"), "measurements, not state"),
            new Rule(new GroupKind("authorization.k8s.io", "*"), "requests, not objects"),
            new Rule(new GroupKind("authentication.k8s.io", "*"), "requests, not objects"));

    /** Secret types never captured: tokens the cluster mints for service accounts. */
    public static final Set<String> NEVER_CAPTURED_SECRET_TYPES = Set.of("kubernetes.io/service-account-token");

    /** ClusterRoles every cluster has: bindings to them are captured, the roles themselves never. */
    public static final Set<String> BUILT_IN_CLUSTER_ROLES = Set.of("cluster-admin", "admin", "edit", "view");

    public static boolean builtInClusterRole(String name) {
        return BUILT_IN_CLUSTER_ROLES.contains(name) || name.startsWith("system:");
    }

    /** The label that keeps an object (and what only it references) out of every capture. */
    public static final String EXCLUDE_LABEL = "layercake.dev/exclude";

    /** The default selector when none is given: the recommended label that groups an app's objects. */
    public static final String DEFAULT_SELECTOR_LABEL = "app.kubernetes.io/part-of";

    /**
     * Objects a controller generates are skipped: any object with an owner reference marked
     * {@code controller: true} (ReplicaSets of Deployments, Pods, Jobs of CronJobs, EndpointSlices,
     * ControllerRevisions, objects made by operators); their top-level owner is captured instead. An
     * unowned object of these kinds is kept. Endpoints carry no owner reference: they are generated when a
     * Service of the same name has a selector.
     */
    public static final List<Rule> GENERATED_WITHOUT_OWNER = List.of(
            new Rule(new GroupKind("", "Endpoints"), "generated for a Service of the same name with a selector"));

    /** Where the pod spec and the pod labels of each workload kind are. */
    public record PodTemplate(GroupKind type, String specPointer, String labelsPointer) {
    }

    public static final List<PodTemplate> POD_TEMPLATES = List.of(
            new PodTemplate(new GroupKind("apps", "Deployment"), "/spec/template/spec", "/spec/template/metadata/labels"),
            new PodTemplate(new GroupKind("apps", "StatefulSet"), "/spec/template/spec", "/spec/template/metadata/labels"),
            new PodTemplate(new GroupKind("apps", "DaemonSet"), "/spec/template/spec", "/spec/template/metadata/labels"),
            new PodTemplate(new GroupKind("apps", "ReplicaSet"), "/spec/template/spec", "/spec/template/metadata/labels"),
            new PodTemplate(new GroupKind("batch", "Job"), "/spec/template/spec", "/spec/template/metadata/labels"),
            new PodTemplate(new GroupKind("batch", "CronJob"), "/spec/jobTemplate/spec/template/spec",
                    "/spec/jobTemplate/spec/template/metadata/labels"),
            new PodTemplate(new GroupKind("", "Pod"), "/spec", "/metadata/labels"));

    public static PodTemplate podTemplate(String group, String kind) {
        for (PodTemplate t : POD_TEMPLATES) {
            if (t.type().matches(group, kind)) {
                return t;
            }
        }
        return null;
    }

    /**
     * Restore order: lower ranks are applied first; kinds not listed come last ("the rest"), custom
     * resources among them, after their CRDs (which are waited on until established).
     */
    public static final List<List<GroupKind>> RESTORE_ORDER = List.of(
            List.of(new GroupKind("apiextensions.k8s.io", "CustomResourceDefinition")),
            List.of(new GroupKind("", "Namespace")),
            List.of(new GroupKind("storage.k8s.io", "StorageClass"), new GroupKind("", "ResourceQuota"),
                    new GroupKind("", "LimitRange"), new GroupKind("scheduling.k8s.io", "PriorityClass")),
            List.of(new GroupKind("", "ServiceAccount")),
            List.of(new GroupKind("rbac.authorization.k8s.io", "ClusterRole"), new GroupKind("rbac.authorization.k8s.io", "Role")),
            List.of(new GroupKind("rbac.authorization.k8s.io", "ClusterRoleBinding"), new GroupKind("rbac.authorization.k8s.io", "RoleBinding")),
            List.of(new GroupKind("", "Secret")),
            List.of(new GroupKind("", "ConfigMap")),
            List.of(new GroupKind("", "PersistentVolume"), new GroupKind("", "PersistentVolumeClaim")),
            List.of(new GroupKind("apps", "Deployment"), new GroupKind("apps", "StatefulSet"), new GroupKind("apps", "DaemonSet"),
                    new GroupKind("apps", "ReplicaSet"), new GroupKind("batch", "CronJob"), new GroupKind("batch", "Job"),
                    new GroupKind("", "Pod")),
            List.of(new GroupKind("", "Service"), new GroupKind("", "Endpoints"), new GroupKind("discovery.k8s.io", "EndpointSlice")),
            List.of(new GroupKind("networking.k8s.io", "Ingress")));

    public static int restoreRank(String group, String kind) {
        for (int i = 0; i < RESTORE_ORDER.size(); i++) {
            for (GroupKind gk : RESTORE_ORDER.get(i)) {
                if (gk.matches(group, kind)) {
                    return i;
                }
            }
        }
        return RESTORE_ORDER.size();
    }

    public static boolean neverCaptured(String group, String kind) {
        return NEVER_CAPTURED.stream().anyMatch(r -> r.type().matches(group, kind));
    }

    /** Annotations written on every restored object. */
    public static final String ANNOTATION_APP = "layercake.dev/app";
    public static final String ANNOTATION_RELEASE = "layercake.dev/release";
    public static final String ANNOTATION_MANIFEST = "layercake.dev/manifest-digest";
}
