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

    /**
     * A kind in an API group ("" is the core group), never a version: the one group/kind type of this package
     * ({@link ObjectId#type()}, {@link ResourceType#type()}, every rule). As a rule, {@code kind} "*" matches every
     * kind of the group and {@link #ANY} every kind of every group.
     */
    public record GroupKind(String group, String kind) {
        public static final GroupKind ANY = new GroupKind("*", "*");

        /** The kind of an object of {@code apiVersion} ("apps/v1", "v1"). */
        public static GroupKind of(String apiVersion, String kind) {
            return new GroupKind(groupOf(apiVersion), kind);
        }

        /** The group of an apiVersion: "apps" of "apps/v1", "" of "v1". */
        public static String groupOf(String apiVersion) {
            int slash = apiVersion.indexOf('/');
            return slash < 0 ? "" : apiVersion.substring(0, slash);
        }

        public boolean matches(String g, String k) {
            return (group.equals("*") || group.equals(g)) && (kind.equals("*") || kind.equals(k));
        }

        public boolean matches(GroupKind other) {
            return matches(other.group(), other.kind());
        }

        /** "Deployment", "ClusterRole", "Widget.example.com": the group only when it is not a well-known one. */
        public String display() {
            return kind + (group.isEmpty() || WELL_KNOWN_GROUPS.contains(group) ? "" : "." + group);
        }
    }

    public static final GroupKind NAMESPACE = new GroupKind("", "Namespace");
    public static final GroupKind SECRET = new GroupKind("", "Secret");
    public static final GroupKind CONFIG_MAP = new GroupKind("", "ConfigMap");
    public static final GroupKind SERVICE = new GroupKind("", "Service");
    public static final GroupKind SERVICE_ACCOUNT = new GroupKind("", "ServiceAccount");
    public static final GroupKind PVC = new GroupKind("", "PersistentVolumeClaim");
    public static final GroupKind PV = new GroupKind("", "PersistentVolume");
    public static final GroupKind POD = new GroupKind("", "Pod");
    public static final GroupKind JOB = new GroupKind("batch", "Job");
    public static final GroupKind ENDPOINTS = new GroupKind("", "Endpoints");
    public static final GroupKind STATEFUL_SET = new GroupKind("apps", "StatefulSet");
    public static final GroupKind ROLE = new GroupKind("rbac.authorization.k8s.io", "Role");
    public static final GroupKind CLUSTER_ROLE = new GroupKind("rbac.authorization.k8s.io", "ClusterRole");
    public static final GroupKind ROLE_BINDING = new GroupKind("rbac.authorization.k8s.io", "RoleBinding");
    public static final GroupKind CLUSTER_ROLE_BINDING = new GroupKind("rbac.authorization.k8s.io", "ClusterRoleBinding");
    public static final GroupKind INGRESS = new GroupKind("networking.k8s.io", "Ingress");
    public static final GroupKind NETWORK_POLICY = new GroupKind("networking.k8s.io", "NetworkPolicy");
    public static final GroupKind PDB = new GroupKind("policy", "PodDisruptionBudget");
    public static final GroupKind HPA = new GroupKind("autoscaling", "HorizontalPodAutoscaler");
    public static final GroupKind CRD = new GroupKind("apiextensions.k8s.io", "CustomResourceDefinition");

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
    public static final List<Generated> GENERATED_WITHOUT_OWNER = List.of(
            new Generated(ENDPOINTS, SERVICE, "/spec/selector", "generated for a Service of the same name with a selector"));

    /** Objects of {@code type} are generated when an object of {@code by} of the same name has a non-empty {@code field}. */
    public record Generated(GroupKind type, GroupKind by, String field, String why) {
    }

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

    public static PodTemplate podTemplate(GroupKind type) {
        for (PodTemplate t : POD_TEMPLATES) {
            if (t.type().matches(type)) {
                return t;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- the application graph, as data

    /*
     * Paths below are JSON pointers where "*" is every element of an array and a last segment "a.b|c" is the first
     * of the dotted alternatives present ("service.name|serviceName": the networking/v1 field, else the v1beta1 one).
     * The graph ({@link AppPlanner}) walks the rules of one object together, so the order of the tables is the order
     * in which referenced objects join the selection.
     */

    /** A field of a pod spec naming an object of {@code to} in the pod's namespace. */
    public record PodReference(String path, GroupKind to) {
    }

    /** The pod spec fields that name other objects: the app's workloads pull these in. */
    public static final List<PodReference> POD_SPEC_REFERENCES = podSpecReferences();

    /** Where a pod spec names container images. */
    public static final List<String> IMAGE_PATHS = List.of(
            "/initContainers/*/image", "/containers/*/image", "/ephemeralContainers/*/image");

    private static List<PodReference> podSpecReferences() {
        List<PodReference> out = new java.util.ArrayList<>();
        for (String containers : List.of("initContainers", "containers", "ephemeralContainers")) {
            out.add(new PodReference("/" + containers + "/*/envFrom/*/configMapRef/name", CONFIG_MAP));
            out.add(new PodReference("/" + containers + "/*/envFrom/*/secretRef/name", SECRET));
            out.add(new PodReference("/" + containers + "/*/env/*/valueFrom/configMapKeyRef/name", CONFIG_MAP));
            out.add(new PodReference("/" + containers + "/*/env/*/valueFrom/secretKeyRef/name", SECRET));
        }
        out.add(new PodReference("/volumes/*/configMap/name", CONFIG_MAP));
        out.add(new PodReference("/volumes/*/secret/secretName", SECRET));
        out.add(new PodReference("/volumes/*/persistentVolumeClaim/claimName", PVC));
        out.add(new PodReference("/volumes/*/projected/sources/*/configMap/name", CONFIG_MAP));
        out.add(new PodReference("/volumes/*/projected/sources/*/secret/name", SECRET));
        out.add(new PodReference("/imagePullSecrets/*/name", SECRET));
        out.add(new PodReference("/serviceAccountName|serviceAccount", SERVICE_ACCOUNT));
        return List.copyOf(out);
    }

    /** How the value at a reference's path names its objects. */
    public enum Naming {
        /** The value is the name; a missing object is reported. */
        NAME,
        /**
         * The value is a claim template's name: the claims are {@code <template>-<statefulset>-<ordinal>} for every
         * ordinal below {@code spec.replicas} (at least one); claims not made yet are not reported.
         */
        STATEFUL_SET_CLAIMS
    }

    /**
     * A field of {@code from} naming an object of {@code to} in its namespace; {@code reason} says why the object is
     * captured: "{id}" is the referring object, "{name}" its name. Followed for the app's workloads, service accounts
     * and the objects {@link #PULLED_IN} brings.
     */
    public record Reference(GroupKind from, String path, GroupKind to, Naming naming, String reason) {
    }

    public static final List<Reference> REFERENCES = List.of(
            new Reference(STATEFUL_SET, "/spec/volumeClaimTemplates/*/metadata/name", PVC, Naming.STATEFUL_SET_CLAIMS, "claim of {id}"),
            new Reference(SERVICE_ACCOUNT, "/imagePullSecrets/*/name", SECRET, Naming.NAME, "service account {name}"),
            new Reference(SERVICE_ACCOUNT, "/secrets/*/name", SECRET, Naming.NAME, "service account {name}"),
            new Reference(INGRESS, "/spec/tls/*/secretName", SECRET, Naming.NAME, "TLS of {id}"));

    /** Objects the cluster makes itself: referenced and absent is normal, not reported. */
    public record Implicit(GroupKind type, String name, String why) {
    }

    public static final List<Implicit> IMPLICIT = List.of(
            new Implicit(SERVICE_ACCOUNT, "default", "made by the cluster in every namespace"));

    /** The role a binding's roleRef may name: of kind {@code to}, cluster-scoped or in the binding's namespace. */
    public record RoleRef(GroupKind to, boolean clusterScoped, boolean skipBuiltIn) {
    }

    /**
     * Bindings pulled in because one of their {@code subjects} is a captured {@code subject}, and the roles they bind
     * (the roleRef's kind decides which); {@code sameNamespace}: only bindings in the subject's namespace, whose
     * subjects default to that namespace.
     */
    public record SubjectBinding(GroupKind binding, GroupKind subject, boolean sameNamespace, String subjects, String roleRef,
                                 List<RoleRef> roles) {
    }

    public static final List<SubjectBinding> SUBJECT_BINDINGS = List.of(
            new SubjectBinding(ROLE_BINDING, SERVICE_ACCOUNT, true, "/subjects", "/roleRef",
                    List.of(new RoleRef(ROLE, false, false), new RoleRef(CLUSTER_ROLE, true, true))),
            new SubjectBinding(CLUSTER_ROLE_BINDING, SERVICE_ACCOUNT, false, "/subjects", "/roleRef",
                    List.of(new RoleRef(CLUSTER_ROLE, true, true))));

    /** How an object outside the selection joins it: by selecting the app's pods, or by naming a captured object. */
    public sealed interface Pull permits SelectsPods, RefersTo {
        GroupKind type();
    }

    /** The form of a pod selector: a plain label map (a Service's) or a LabelSelector (matchLabels, matchExpressions). */
    public enum SelectorForm { MAP, LABEL_SELECTOR }

    /** Pulled in when the selector at {@code path} is not empty and matches the pod labels of a captured workload. */
    public record SelectsPods(GroupKind type, String path, SelectorForm form) implements Pull {
    }

    /**
     * Pulled in when a field at one of {@code paths} names a captured object of {@code to} in its namespace; {@code to}
     * null: the path is an object reference giving apiVersion, kind and name (an HPA's scaleTargetRef). "{target}" in
     * the reason is the captured object named. Once pulled in (or when captured already), its {@link #REFERENCES}
     * are followed.
     */
    public record RefersTo(GroupKind type, List<String> paths, GroupKind to, String reason) implements Pull {
        public RefersTo {
            paths = List.copyOf(paths);
        }
    }

    /**
     * The passes over the listed objects of the app's namespaces, in order: Ingresses come in a pass of their own
     * after the Services, since the Services they route to are found in the pass before.
     */
    public static final List<List<Pull>> PULLED_IN = List.of(
            List.of(new SelectsPods(SERVICE, "/spec/selector", SelectorForm.MAP),
                    new SelectsPods(NETWORK_POLICY, "/spec/podSelector", SelectorForm.LABEL_SELECTOR),
                    new SelectsPods(PDB, "/spec/selector", SelectorForm.LABEL_SELECTOR),
                    new RefersTo(HPA, List.of("/spec/scaleTargetRef"), null, "scales {target}")),
            List.of(new RefersTo(INGRESS, List.of("/spec/defaultBackend/service.name|serviceName",
                    "/spec/rules/*/http/paths/*/backend/service.name|serviceName"), SERVICE, "routes to the app's services")));

    /** The kind a CRD defines: {@code spec.group} and {@code spec.names.kind}. */
    public static GroupKind definedKind(com.fasterxml.jackson.databind.JsonNode crd) {
        com.fasterxml.jackson.databind.JsonNode spec = crd.path("spec");
        return new GroupKind(spec.path("group").asText(), spec.path("names").path("kind").asText());
    }

    // ---------------------------------------------------------------- restore, as data

    /**
     * An update replaces the live object with the release's (carrying the live resourceVersion); these fields are
     * taken from the live object when the release's object has none, since the cluster refuses to change them.
     */
    public record UpdateRule(GroupKind type, List<String> carryOver, String why) {
        public UpdateRule {
            carryOver = List.copyOf(carryOver);
        }
    }

    public static final List<UpdateRule> UPDATE_RULES = List.of(
            new UpdateRule(SERVICE, List.of("/spec/clusterIP", "/spec/clusterIPs"),
                    "a Service's cluster IP cannot change on update; keep the one the target allocated"));

    /** Fields holding a namespace name, mapped by the restore's namespace mapping (besides metadata.namespace). */
    public record NamespaceField(GroupKind type, String path) {
    }

    public static final List<NamespaceField> NAMESPACE_FIELDS = List.of(
            new NamespaceField(NAMESPACE, "/metadata/name"),
            new NamespaceField(ROLE_BINDING, "/subjects/*/namespace"),
            new NamespaceField(CLUSTER_ROLE_BINDING, "/subjects/*/namespace"));

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
        return restoreRank(new GroupKind(group, kind));
    }

    public static int restoreRank(GroupKind type) {
        for (int i = 0; i < RESTORE_ORDER.size(); i++) {
            for (GroupKind gk : RESTORE_ORDER.get(i)) {
                if (gk.matches(type)) {
                    return i;
                }
            }
        }
        return RESTORE_ORDER.size();
    }

    public static boolean neverCaptured(String group, String kind) {
        return neverCaptured(new GroupKind(group, kind));
    }

    public static boolean neverCaptured(GroupKind type) {
        return NEVER_CAPTURED.stream().anyMatch(r -> r.type().matches(type));
    }

    /** Annotations written on every restored object. */
    public static final String ANNOTATION_APP = "layercake.dev/app";
    public static final String ANNOTATION_RELEASE = "layercake.dev/release";
    public static final String ANNOTATION_MANIFEST = "layercake.dev/manifest-digest";
}
