package dev.layercake.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.layercake.LayercakeException;
import dev.layercake.api.progress.ProgressListener;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Finds the application in the cluster: lists every served type in the app's namespaces (and the
 * cluster-scoped ones), selects objects by label (selectors OR-ed), then follows the graph: top-level
 * owners, what pod templates reference, RBAC of the service accounts, the Services, Ingresses,
 * NetworkPolicies, HPAs and PDBs that select the app's pods, and the CRDs of captured custom resources.
 * Exclusions ({@link KubeRules}) apply to every object, however it was reached.
 */
public final class AppGraph {

    /** An object of the application and why it is part of it. */
    public record Member(ObjectId id, ResourceType type, ObjectNode object, String reason) {
    }

    /**
     * The selected application, in discovery order, with the images its workloads run; {@code listed}: every object
     * read (the app's namespaces and cluster-wide), {@code listedTypes}: the types that could be listed;
     * {@code forbidden}: namespaced types RBAC would not let us list ("secrets in shop"), when tolerated.
     */
    public record Selection(List<Member> members, Map<String, List<String>> images, List<String> warnings,
                            Map<ObjectId, ObjectNode> listed, List<ResourceType> listedTypes, List<String> forbidden) {
        public Selection {
            forbidden = forbidden == null ? List.of() : List.copyOf(forbidden);
        }

        public Selection(List<Member> members, Map<String, List<String>> images, List<String> warnings,
                         Map<ObjectId, ObjectNode> listed, List<ResourceType> listedTypes) {
            this(members, images, warnings, listed, listedTypes, List.of());
        }

        public Selection(List<Member> members, Map<String, List<String>> images, List<String> warnings) {
            this(members, images, warnings, Map.of(), List.of());
        }
    }

    private static final int LIST_PAGE = 500;
    private static final int LIST_THREADS = 6;

    private final KubeConnection connection;
    private final Discovery discovery;
    private final List<String> namespaces;
    private final List<LabelSelector> selectors;
    private final ProgressListener listener;

    private final Map<ObjectId, ObjectNode> all = new LinkedHashMap<>();
    private final Map<ObjectId, ResourceType> typeOf = new HashMap<>();
    private final Map<String, ObjectId> byUid = new HashMap<>();
    private final Map<ObjectId, Member> selected = new LinkedHashMap<>();
    private final Map<String, List<String>> images = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();
    private final List<ResourceType> listedTypes = new ArrayList<>();
    private final List<String> forbiddenTolerated = new ArrayList<>();
    private boolean tolerateForbidden;

    public AppGraph(KubeConnection connection, Discovery discovery, List<String> namespaces, List<LabelSelector> selectors,
                    ProgressListener listener) {
        this.connection = connection;
        this.discovery = discovery;
        this.namespaces = List.copyOf(namespaces);
        this.selectors = List.copyOf(selectors);
        this.listener = listener;
    }

    /**
     * Namespaced types RBAC forbids listing are handed back in {@link Selection#forbidden()} instead of failing
     * the selection: the backup decides (a gap, refused unless {@code --allow-incomplete}).
     */
    public AppGraph toleratingForbidden(boolean tolerate) {
        this.tolerateForbidden = tolerate;
        return this;
    }

    public Selection select() {
        listAll();
        // 1. label selection (OR), generated objects replaced by their top-level owner
        for (Map.Entry<ObjectId, ObjectNode> e : all.entrySet()) {
            ObjectNode o = e.getValue();
            boolean inScope = e.getKey().namespace() == null ? !e.getKey().kind().equals("Namespace") : inAppNamespaces(e.getKey());
            if (!inScope || !matchesAnySelector(o)) {
                continue;
            }
            ObjectNode top = topOwner(o);
            if (top != o) {
                add(top, "owner of " + e.getKey());
            } else if (generatedEndpoints(e.getKey())) {
                continue;
            } else {
                add(o, "selected by label");
            }
        }
        for (String ns : namespaces) {
            ObjectId nsId = new ObjectId("", "Namespace", null, ns);
            if (all.containsKey(nsId)) {
                add(all.get(nsId), "namespace of the app");
            }
        }
        // 2. what the pod templates reference, and the service accounts' RBAC
        for (Member m : List.copyOf(selected.values())) {
            followPodTemplate(m);
        }
        for (Member m : List.copyOf(selected.values())) {
            if (m.type().is("", "ServiceAccount")) {
                followServiceAccount(m);
            }
        }
        // 3. what selects the app's pods
        List<Map<String, String>> podLabels = new ArrayList<>();
        for (Member m : selected.values()) {
            KubeRules.PodTemplate t = KubeRules.podTemplate(m.id().group(), m.id().kind());
            if (t != null) {
                podLabels.add(Trees.stringMap(m.object().at(t.labelsPointer())));
            }
        }
        for (Map.Entry<ObjectId, ObjectNode> e : all.entrySet()) {
            ObjectId id = e.getKey();
            ObjectNode o = e.getValue();
            if (!inAppNamespaces(id) || selected.containsKey(id)) {
                continue;
            }
            LabelSelector podSelector = switch (id.group() + "/" + id.kind()) {
                case "/Service" -> o.path("spec").path("selector").size() == 0 ? null : LabelSelector.fromMap(o.path("spec").path("selector"));
                case "networking.k8s.io/NetworkPolicy" -> LabelSelector.fromObject(o.path("spec").path("podSelector"));
                case "policy/PodDisruptionBudget" -> LabelSelector.fromObject(o.path("spec").path("selector"));
                default -> null;
            };
            if (podSelector != null && !podSelector.isEmpty() && podLabels.stream().anyMatch(podSelector::matches)) {
                add(o, "selects the app's pods");
            }
            if (id.group().equals("autoscaling") && id.kind().equals("HorizontalPodAutoscaler")) {
                JsonNode target = o.path("spec").path("scaleTargetRef");
                ObjectId targetId = new ObjectId(ObjectId.groupOf(target.path("apiVersion").asText("")),
                        target.path("kind").asText(), id.namespace(), target.path("name").asText());
                if (selected.containsKey(targetId)) {
                    add(o, "scales " + targetId);
                }
            }
        }
        for (Map.Entry<ObjectId, ObjectNode> e : all.entrySet()) {
            if (e.getKey().group().equals("networking.k8s.io") && e.getKey().kind().equals("Ingress") && inAppNamespaces(e.getKey())) {
                followIngress(e.getKey(), e.getValue());
            }
        }
        // 4. the CRDs of captured custom resources
        Map<String, ObjectNode> crdByGroupKind = new HashMap<>();
        for (Map.Entry<ObjectId, ObjectNode> e : all.entrySet()) {
            if (e.getKey().group().equals("apiextensions.k8s.io") && e.getKey().kind().equals("CustomResourceDefinition")) {
                JsonNode spec = e.getValue().path("spec");
                crdByGroupKind.put(spec.path("group").asText() + "/" + spec.path("names").path("kind").asText(), e.getValue());
            }
        }
        for (Member m : List.copyOf(selected.values())) {
            ObjectNode crd = crdByGroupKind.get(m.id().group() + "/" + m.id().kind());
            if (crd != null) {
                add(crd, "defines " + m.id().kind() + "." + m.id().group());
            }
        }
        return new Selection(List.copyOf(selected.values()), images, warnings, java.util.Collections.unmodifiableMap(all),
                List.copyOf(listedTypes), forbiddenTolerated);
    }

    // ---------------------------------------------------------------- listing

    private void listAll() {
        record Job(ResourceType type, String namespace) {
        }
        List<Job> jobs = new ArrayList<>();
        for (ResourceType t : discovery.types()) {
            if (KubeRules.neverCaptured(t.group(), t.kind())) {
                continue;
            }
            if (t.namespaced()) {
                namespaces.forEach(ns -> jobs.add(new Job(t, ns)));
            } else {
                jobs.add(new Job(t, null));
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(LIST_THREADS, r -> {
            Thread th = new Thread(r, "layercake-kube-list");
            th.setDaemon(true);
            return th;
        });
        try {
            List<Future<List<ObjectNode>>> futures = new ArrayList<>();
            for (Job job : jobs) {
                futures.add(pool.submit(() -> list(job.type(), job.namespace())));
            }
            List<String> forbidden = new ArrayList<>();
            List<String> forbiddenClusterScoped = new ArrayList<>();
            LayercakeException firstFailure = null;
            for (int i = 0; i < jobs.size(); i++) {
                Job job = jobs.get(i);
                try {
                    for (ObjectNode o : futures.get(i).get()) {
                        ObjectId id = ObjectId.of(o);
                        all.put(id, o);
                        typeOf.put(id, job.type());
                        String uid = o.path("metadata").path("uid").asText("");
                        if (!uid.isEmpty()) {
                            byUid.put(uid, id);
                        }
                    }
                } catch (ExecutionException ex) {
                    Throwable cause = ex.getCause();
                    if (cause instanceof KubernetesClientException kce && kce.getCode() == 403) {
                        if (job.namespace() == null) {
                            forbiddenClusterScoped.add(job.type().resourceName());
                        } else {
                            forbidden.add(job.type().resourceName() + " in " + job.namespace());
                        }
                    } else if (cause instanceof KubernetesClientException kce) {
                        if (firstFailure == null) {
                            firstFailure = connection.failure("listing " + job.type().resourceName()
                                    + (job.namespace() == null ? "" : " in namespace " + job.namespace()), kce);
                        }
                    } else if (cause instanceof RuntimeException re) {
                        throw re;
                    } else {
                        throw new IllegalStateException(cause);
                    }
                }
            }
            for (ResourceType t : discovery.types()) {
                if (!KubeRules.neverCaptured(t.group(), t.kind()) && !forbiddenClusterScoped.contains(t.resourceName())
                        && forbidden.stream().noneMatch(f -> f.startsWith(t.resourceName() + " in "))) {
                    listedTypes.add(t);
                }
            }
            if (!forbiddenClusterScoped.isEmpty()) {
                // CI identities are seldom granted cluster-wide reads; the app's namespaces are what must be readable
                warn("RBAC forbids listing these cluster-scoped types, so none of them is captured (nor the CRDs of"
                        + " custom resources, if customresourcedefinitions is among them): " + String.join(", ", forbiddenClusterScoped));
            }
            if (!forbidden.isEmpty() && tolerateForbidden) {
                forbiddenTolerated.addAll(forbidden);
            } else if (!forbidden.isEmpty()) {
                throw new LayercakeException(LayercakeException.Kind.AUTH, "cannot capture the app: RBAC forbids listing "
                        + String.join(", ", forbidden) + " (context " + connection.context()
                        + "); grant get and list on these resources in the app's namespaces to the identity of this kubeconfig");
            }
            if (firstFailure != null) {
                throw firstFailure;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LayercakeException(LayercakeException.Kind.FAILED, "interrupted while listing the cluster");
        } finally {
            pool.shutdownNow();
        }
    }

    private List<ObjectNode> list(ResourceType type, String namespace) {
        List<ObjectNode> out = new ArrayList<>();
        String cont = null;
        do {
            var op = connection.client().genericKubernetesResources(type.context());
            ListOptionsBuilder options = new ListOptionsBuilder().withLimit((long) LIST_PAGE);
            if (cont != null) {
                options.withContinue(cont);
            }
            GenericKubernetesResourceList page = namespace == null ? op.list(options.build())
                    : op.inNamespace(namespace).list(options.build());
            for (GenericKubernetesResource r : page.getItems()) {
                out.add(Trees.tree(r, type));
            }
            cont = page.getMetadata() == null ? null : page.getMetadata().getContinue();
        } while (cont != null && !cont.isEmpty());
        return out;
    }

    // ---------------------------------------------------------------- graph

    private boolean inAppNamespaces(ObjectId id) {
        return id.namespace() == null ? false : namespaces.contains(id.namespace());
    }

    private boolean matchesAnySelector(ObjectNode o) {
        Map<String, String> labels = Trees.labels(o);
        for (LabelSelector s : selectors) {
            if (s.matches(labels)) {
                return true;
            }
        }
        return false;
    }

    /** The object at the top of the controller-owner chain (itself when it has no controller owner). */
    private ObjectNode topOwner(ObjectNode o) {
        ObjectNode current = o;
        for (int depth = 0; depth < 10; depth++) {
            JsonNode controller = null;
            for (JsonNode ref : current.path("metadata").path("ownerReferences")) {
                if (ref.path("controller").asBoolean(false)) {
                    controller = ref;
                }
            }
            if (controller == null) {
                return current;
            }
            ObjectId ownerId = byUid.get(controller.path("uid").asText());
            if (ownerId == null) {
                ownerId = new ObjectId(ObjectId.groupOf(controller.path("apiVersion").asText()), controller.path("kind").asText(),
                        Trees.namespace(current), controller.path("name").asText());
            }
            ObjectNode owner = all.get(ownerId);
            if (owner == null) {
                return current;
            }
            current = owner;
        }
        return current;
    }

    private boolean generatedEndpoints(ObjectId id) {
        if (!KubeRules.GENERATED_WITHOUT_OWNER.stream().anyMatch(r -> r.type().matches(id.group(), id.kind()))) {
            return false;
        }
        ObjectNode service = all.get(new ObjectId("", "Service", id.namespace(), id.name()));
        return service != null && service.path("spec").path("selector").size() > 0;
    }

    private boolean excluded(ObjectId id, ObjectNode o) {
        if (KubeRules.neverCaptured(id.group(), id.kind())) {
            return true;
        }
        if ("true".equals(Trees.labels(o).get(KubeRules.EXCLUDE_LABEL))) {
            return true;
        }
        return id.group().isEmpty() && id.kind().equals("Secret")
                && KubeRules.NEVER_CAPTURED_SECRET_TYPES.contains(o.path("type").asText(""));
    }

    private void add(ObjectNode o, String reason) {
        ObjectId id = ObjectId.of(o);
        if (selected.containsKey(id) || excluded(id, o)) {
            return;
        }
        if (id.namespace() != null && !namespaces.contains(id.namespace())) {
            return;
        }
        ResourceType type = typeOf.get(id);
        selected.put(id, new Member(id, type, o, reason));
    }

    private void addRef(String group, String kind, String namespace, String name, String reason) {
        if (name == null || name.isEmpty()) {
            return;
        }
        ObjectId id = new ObjectId(group, kind, namespace, name);
        ObjectNode o = all.get(id);
        if (o == null) {
            if (!(kind.equals("ServiceAccount") && name.equals("default"))) {
                listener.info(id + " is referenced (" + reason + ") but does not exist; not captured");
            }
            return;
        }
        add(o, reason);
    }

    private void followPodTemplate(Member m) {
        KubeRules.PodTemplate t = KubeRules.podTemplate(m.id().group(), m.id().kind());
        if (t == null) {
            return;
        }
        JsonNode spec = m.object().at(t.specPointer());
        String ns = m.id().namespace();
        String by = "used by " + m.id();
        for (String list : List.of("initContainers", "containers", "ephemeralContainers")) {
            for (JsonNode c : spec.path(list)) {
                String image = c.path("image").asText("");
                if (!image.isEmpty()) {
                    images.computeIfAbsent(image, k -> new ArrayList<>()).add(m.id().kind() + " " + ns + "/" + m.id().name());
                }
                for (JsonNode from : c.path("envFrom")) {
                    addRef("", "ConfigMap", ns, from.path("configMapRef").path("name").asText(), by);
                    addRef("", "Secret", ns, from.path("secretRef").path("name").asText(), by);
                }
                for (JsonNode env : c.path("env")) {
                    addRef("", "ConfigMap", ns, env.path("valueFrom").path("configMapKeyRef").path("name").asText(), by);
                    addRef("", "Secret", ns, env.path("valueFrom").path("secretKeyRef").path("name").asText(), by);
                }
            }
        }
        for (JsonNode v : spec.path("volumes")) {
            addRef("", "ConfigMap", ns, v.path("configMap").path("name").asText(), by);
            addRef("", "Secret", ns, v.path("secret").path("secretName").asText(), by);
            addRef("", "PersistentVolumeClaim", ns, v.path("persistentVolumeClaim").path("claimName").asText(), by);
            for (JsonNode src : v.path("projected").path("sources")) {
                addRef("", "ConfigMap", ns, src.path("configMap").path("name").asText(), by);
                addRef("", "Secret", ns, src.path("secret").path("name").asText(), by);
            }
        }
        for (JsonNode s : spec.path("imagePullSecrets")) {
            addRef("", "Secret", ns, s.path("name").asText(), by);
        }
        String sa = spec.path("serviceAccountName").asText(spec.path("serviceAccount").asText(""));
        addRef("", "ServiceAccount", ns, sa, by);
        if (m.id().kind().equals("StatefulSet")) {
            int replicas = m.object().path("spec").path("replicas").asInt(1);
            for (JsonNode tmpl : m.object().path("spec").path("volumeClaimTemplates")) {
                for (int i = 0; i < Math.max(replicas, 1); i++) {
                    ObjectId pvc = new ObjectId("", "PersistentVolumeClaim", ns,
                            tmpl.path("metadata").path("name").asText() + "-" + m.id().name() + "-" + i);
                    if (all.containsKey(pvc)) {
                        add(all.get(pvc), "claim of " + m.id());
                    }
                }
            }
        }
    }

    private void followServiceAccount(Member sa) {
        String ns = sa.id().namespace();
        String by = "service account " + sa.id().name();
        for (JsonNode s : sa.object().path("imagePullSecrets")) {
            addRef("", "Secret", ns, s.path("name").asText(), by);
        }
        for (JsonNode s : sa.object().path("secrets")) {
            addRef("", "Secret", ns, s.path("name").asText(), by);
        }
        for (Map.Entry<ObjectId, ObjectNode> e : all.entrySet()) {
            ObjectId id = e.getKey();
            boolean roleBinding = id.kind().equals("RoleBinding") && ns.equals(id.namespace());
            boolean clusterRoleBinding = id.kind().equals("ClusterRoleBinding");
            if (!id.group().equals("rbac.authorization.k8s.io") || !(roleBinding || clusterRoleBinding)) {
                continue;
            }
            ObjectNode binding = e.getValue();
            boolean bindsSa = false;
            for (JsonNode subject : binding.path("subjects")) {
                String subjectNs = subject.path("namespace").asText(roleBinding ? ns : "");
                if (subject.path("kind").asText().equals("ServiceAccount") && subject.path("name").asText().equals(sa.id().name())
                        && subjectNs.equals(ns)) {
                    bindsSa = true;
                }
            }
            if (bindsSa) {
                add(binding, "binds " + by);
                JsonNode roleRef = binding.path("roleRef");
                String role = roleRef.path("name").asText();
                if (roleRef.path("kind").asText().equals("Role") && roleBinding) {
                    addRef("rbac.authorization.k8s.io", "Role", ns, role, "bound to " + by);
                } else if (roleRef.path("kind").asText().equals("ClusterRole") && !KubeRules.builtInClusterRole(role)) {
                    addRef("rbac.authorization.k8s.io", "ClusterRole", null, role, "bound to " + by);
                }
            }
        }
    }

    private void followIngress(ObjectId id, ObjectNode ingress) {
        List<String> services = new ArrayList<>();
        collectServiceNames(ingress.path("spec").path("defaultBackend"), services);
        for (JsonNode rule : ingress.path("spec").path("rules")) {
            for (JsonNode path : rule.path("http").path("paths")) {
                collectServiceNames(path.path("backend"), services);
            }
        }
        boolean routesToApp = services.stream().anyMatch(s -> selected.containsKey(new ObjectId("", "Service", id.namespace(), s)));
        if (routesToApp || selected.containsKey(id)) {
            add(ingress, "routes to the app's services");
            for (JsonNode tls : ingress.path("spec").path("tls")) {
                addRef("", "Secret", id.namespace(), tls.path("secretName").asText(), "TLS of " + id);
            }
        }
    }

    private static void collectServiceNames(JsonNode backend, Collection<String> out) {
        String name = backend.path("service").path("name").asText(backend.path("serviceName").asText(""));
        if (!name.isEmpty()) {
            out.add(name);
        }
    }

    private void warn(String message) {
        warnings.add(message);
        listener.warn(message);
    }
}
