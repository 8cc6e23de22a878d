package dev.layercake.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.layercake.kube.KubeRules.GroupKind;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The application graph over a {@link ClusterSnapshot}, without a cluster: a pure function of the snapshot, the
 * selectors and the {@link GraphRules}. No kind is named here; what each kind means is in the rules.
 * <ol>
 *   <li>Seed: objects of the app's namespaces, and cluster-scoped objects other than Namespaces, matching any
 *       selector; an object with a controller owner is replaced by its top-level owner; objects
 *       {@link KubeRules#GENERATED_WITHOUT_OWNER} are skipped; then the app's Namespace objects.</li>
 *   <li>Workloads (kinds with a {@link KubeRules#POD_TEMPLATES pod template}): their images, what their pod spec
 *       names ({@link KubeRules#POD_SPEC_REFERENCES}) and their own {@link KubeRules#REFERENCES}.</li>
 *   <li>Subjects (service accounts): their {@link KubeRules#REFERENCES}, then the bindings naming them
 *       ({@link KubeRules#SUBJECT_BINDINGS}) with the roles those bind.</li>
 *   <li>{@link KubeRules#PULLED_IN}, pass by pass: what selects the app's pods or names a captured object, and the
 *       {@link KubeRules#REFERENCES} of what a pass pulls in.</li>
 *   <li>The CRDs of captured custom resources.</li>
 * </ol>
 * Exclusions ({@link KubeRules#EXCLUDE_LABEL}, {@link KubeRules#NEVER_CAPTURED}, token Secrets) apply to every
 * object, however it was reached; objects outside the app's namespaces are never selected.
 */
public final class AppPlanner {

    /** The selection, and what it noticed on the way (references to objects that do not exist). */
    public record Plan(AppGraph.Selection selection, List<String> notes) {
    }

    private final ClusterSnapshot snapshot;
    private final List<LabelSelector> selectors;
    private final GraphRules rules;

    private final Map<String, ObjectId> byUid = new HashMap<>();
    private final Map<ObjectId, AppGraph.Member> selected = new LinkedHashMap<>();
    private final Map<String, List<String>> images = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, FieldPath> paths = new HashMap<>();

    private AppPlanner(ClusterSnapshot snapshot, List<LabelSelector> selectors, GraphRules rules) {
        this.snapshot = snapshot;
        this.selectors = List.copyOf(selectors);
        this.rules = rules;
        for (Map.Entry<ObjectId, ObjectNode> e : snapshot.objects().entrySet()) {
            String uid = e.getValue().path("metadata").path("uid").asText("");
            if (!uid.isEmpty()) {
                byUid.put(uid, e.getKey());
            }
        }
    }

    public static Plan plan(ClusterSnapshot snapshot, List<LabelSelector> selectors, GraphRules rules) {
        return new AppPlanner(snapshot, selectors, rules).run();
    }

    public static Plan plan(ClusterSnapshot snapshot, List<LabelSelector> selectors) {
        return plan(snapshot, selectors, GraphRules.DEFAULT);
    }

    private Plan run() {
        seed();
        for (AppGraph.Member m : List.copyOf(selected.values())) {
            KubeRules.PodTemplate t = rules.podTemplate(m.id().type());
            if (t != null) {
                followPodSpec(m, t);
                followReferences(m.id(), m.object());
            }
        }
        for (AppGraph.Member m : List.copyOf(selected.values())) {
            if (rules.subjectBindings().stream().anyMatch(b -> m.id().is(b.subject()))) {
                followReferences(m.id(), m.object());
                followBindings(m);
            }
        }
        for (List<KubeRules.Pull> pass : rules.pulledIn()) {
            pull(pass);
        }
        addDefinitions();
        AppGraph.Selection selection = new AppGraph.Selection(List.copyOf(selected.values()), images, snapshot.warnings(),
                snapshot.objects(), snapshot.listedTypes(), snapshot.forbidden());
        return new Plan(selection, List.copyOf(notes));
    }

    // ---------------------------------------------------------------- 1. label selection, owners, namespaces

    private void seed() {
        for (Map.Entry<ObjectId, ObjectNode> e : snapshot.objects().entrySet()) {
            ObjectId id = e.getKey();
            ObjectNode o = e.getValue();
            boolean inScope = id.namespace() == null ? !id.is(KubeRules.NAMESPACE) : snapshot.inAppNamespaces(id);
            if (!inScope || !matchesAnySelector(o)) {
                continue;
            }
            ObjectNode top = topOwner(o);
            if (top != o) {
                add(top, "owner of " + id);
            } else if (!generated(id)) {
                add(o, "selected by label");
            }
        }
        for (String ns : snapshot.namespaces()) {
            ObjectNode namespace = snapshot.get(new ObjectId(KubeRules.NAMESPACE, null, ns));
            if (namespace != null) {
                add(namespace, "namespace of the app");
            }
        }
    }

    private boolean matchesAnySelector(ObjectNode o) {
        Map<String, String> labels = Trees.labels(o);
        return selectors.stream().anyMatch(s -> s.matches(labels));
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
                ownerId = new ObjectId(GroupKind.of(controller.path("apiVersion").asText(), controller.path("kind").asText()),
                        Trees.namespace(current), controller.path("name").asText());
            }
            ObjectNode owner = snapshot.get(ownerId);
            if (owner == null) {
                return current;
            }
            current = owner;
        }
        return current;
    }

    private boolean generated(ObjectId id) {
        for (KubeRules.Generated g : rules.generated()) {
            if (id.is(g.type())) {
                ObjectNode by = snapshot.get(new ObjectId(g.by(), id.namespace(), id.name()));
                return by != null && by.at(g.field()).size() > 0;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- 2., 3. references

    private void followPodSpec(AppGraph.Member m, KubeRules.PodTemplate t) {
        JsonNode spec = m.object().at(t.specPointer());
        String ns = m.id().namespace();
        String foundIn = m.id().kind() + " " + ns + "/" + m.id().name();
        FieldPath.walk(spec, rules.imagePaths(), this::path, (p, image) -> {
            if (!image.isEmpty()) {
                images.computeIfAbsent(image, k -> new ArrayList<>()).add(foundIn);
            }
        });
        String by = "used by " + m.id();
        FieldPath.walk(spec, rules.podSpecReferences(), r -> path(r.path()), (r, name) -> addRef(r.to(), ns, name, by));
    }

    /** The {@link KubeRules#REFERENCES} of one object, followed whether or not the object itself could be selected. */
    private void followReferences(ObjectId id, ObjectNode o) {
        List<KubeRules.Reference> refs = rules.references().stream().filter(r -> r.from().matches(id.type())).toList();
        if (refs.isEmpty()) {
            return;
        }
        FieldPath.walk(o, refs, r -> path(r.path()), (r, value) -> {
            String reason = r.reason().replace("{id}", id.toString()).replace("{name}", id.name());
            switch (r.naming()) {
                case NAME -> addRef(r.to(), id.namespace(), value, reason);
                case STATEFUL_SET_CLAIMS -> {
                    int replicas = o.path("spec").path("replicas").asInt(1);
                    for (int i = 0; i < Math.max(replicas, 1); i++) {
                        ObjectNode claim = snapshot.get(new ObjectId(r.to(), id.namespace(), value + "-" + id.name() + "-" + i));
                        if (claim != null) {
                            add(claim, reason);
                        }
                    }
                }
            }
        });
    }

    private void followBindings(AppGraph.Member subject) {
        String ns = subject.id().namespace();
        String by = "service account " + subject.id().name();
        for (Map.Entry<ObjectId, ObjectNode> e : snapshot.objects().entrySet()) {
            ObjectId id = e.getKey();
            KubeRules.SubjectBinding rule = null;
            for (KubeRules.SubjectBinding b : rules.subjectBindings()) {
                if (subject.id().is(b.subject()) && id.is(b.binding()) && (!b.sameNamespace() || ns.equals(id.namespace()))) {
                    rule = b;
                    break;
                }
            }
            if (rule == null) {
                continue;
            }
            ObjectNode binding = e.getValue();
            boolean binds = false;
            for (JsonNode s : binding.at(rule.subjects())) {
                String subjectNs = s.path("namespace").asText(rule.sameNamespace() ? ns : "");
                if (s.path("kind").asText().equals(rule.subject().kind()) && s.path("name").asText().equals(subject.id().name())
                        && subjectNs.equals(ns)) {
                    binds = true;
                }
            }
            if (!binds) {
                continue;
            }
            add(binding, "binds " + by);
            JsonNode roleRef = binding.at(rule.roleRef());
            String role = roleRef.path("name").asText();
            for (KubeRules.RoleRef r : rule.roles()) {
                if (roleRef.path("kind").asText().equals(r.to().kind())) {
                    if (!(r.skipBuiltIn() && KubeRules.builtInClusterRole(role))) {
                        addRef(r.to(), r.clusterScoped() ? null : ns, role, "bound to " + by);
                    }
                    break;
                }
            }
        }
    }

    // ---------------------------------------------------------------- 4. what selects or names the app

    private void pull(List<KubeRules.Pull> pass) {
        List<Map<String, String>> podLabels = new ArrayList<>();
        for (AppGraph.Member m : selected.values()) {
            KubeRules.PodTemplate t = rules.podTemplate(m.id().type());
            if (t != null) {
                podLabels.add(Trees.stringMap(m.object().at(t.labelsPointer())));
            }
        }
        for (Map.Entry<ObjectId, ObjectNode> e : snapshot.objects().entrySet()) {
            ObjectId id = e.getKey();
            ObjectNode o = e.getValue();
            List<KubeRules.Pull> mine = pass.stream().filter(p -> p.type().matches(id.type())).toList();
            if (mine.isEmpty() || !snapshot.inAppNamespaces(id)) {
                continue;
            }
            boolean pulled = selected.containsKey(id);
            for (int i = 0; i < mine.size() && !pulled; i++) {
                String reason = pulledBy(mine.get(i), id, o, podLabels);
                if (reason != null) {
                    add(o, reason);
                    pulled = true;
                }
            }
            if (pulled) {
                followReferences(id, o);
            }
        }
    }

    /** Why the pull rule brings the object in, or null when it does not. */
    private String pulledBy(KubeRules.Pull pull, ObjectId id, ObjectNode o, List<Map<String, String>> podLabels) {
        if (pull instanceof KubeRules.SelectsPods p) {
            JsonNode node = o.at(p.path());
            LabelSelector selector = switch (p.form()) {
                case MAP -> node.size() == 0 ? null : LabelSelector.fromMap(node);
                case LABEL_SELECTOR -> LabelSelector.fromObject(node);
            };
            return selector != null && !selector.isEmpty() && podLabels.stream().anyMatch(selector::matches)
                    ? "selects the app's pods" : null;
        }
        KubeRules.RefersTo r = (KubeRules.RefersTo) pull;
        for (String p : r.paths()) {
            if (r.to() == null) {
                for (JsonNode ref : path(p).nodes(o)) {
                    ObjectId target = new ObjectId(GroupKind.of(ref.path("apiVersion").asText(""), ref.path("kind").asText()),
                            id.namespace(), ref.path("name").asText());
                    if (selected.containsKey(target)) {
                        return r.reason().replace("{target}", target.toString());
                    }
                }
            } else {
                for (String name : path(p).values(o)) {
                    ObjectId target = new ObjectId(r.to(), id.namespace(), name);
                    if (!name.isEmpty() && selected.containsKey(target)) {
                        return r.reason().replace("{target}", target.toString());
                    }
                }
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- 5. CRDs

    private void addDefinitions() {
        Map<GroupKind, ObjectNode> crdByKind = new HashMap<>();
        for (Map.Entry<ObjectId, ObjectNode> e : snapshot.objects().entrySet()) {
            if (e.getKey().is(KubeRules.CRD)) {
                crdByKind.put(KubeRules.definedKind(e.getValue()), e.getValue());
            }
        }
        for (AppGraph.Member m : List.copyOf(selected.values())) {
            ObjectNode crd = crdByKind.get(m.id().type());
            if (crd != null) {
                add(crd, "defines " + m.id().kind() + "." + m.id().group());
            }
        }
    }

    // ---------------------------------------------------------------- selection

    private FieldPath path(String text) {
        return paths.computeIfAbsent(text, FieldPath::parse);
    }

    private boolean excluded(ObjectId id, ObjectNode o) {
        if (KubeRules.neverCaptured(id.type())) {
            return true;
        }
        if ("true".equals(Trees.labels(o).get(KubeRules.EXCLUDE_LABEL))) {
            return true;
        }
        return id.is(KubeRules.SECRET) && KubeRules.NEVER_CAPTURED_SECRET_TYPES.contains(o.path("type").asText(""));
    }

    private void add(ObjectNode o, String reason) {
        ObjectId id = ObjectId.of(o);
        if (selected.containsKey(id) || excluded(id, o)) {
            return;
        }
        if (id.namespace() != null && !snapshot.namespaces().contains(id.namespace())) {
            return;
        }
        selected.put(id, new AppGraph.Member(id, snapshot.types().get(id), o, reason));
    }

    private void addRef(GroupKind type, String namespace, String name, String reason) {
        if (name == null || name.isEmpty()) {
            return;
        }
        ObjectId id = new ObjectId(type, namespace, name);
        ObjectNode o = snapshot.get(id);
        if (o == null) {
            if (rules.implicit().stream().noneMatch(i -> i.type().equals(type) && i.name().equals(name))) {
                notes.add(id + " is referenced (" + reason + ") but does not exist; not captured");
            }
            return;
        }
        add(o, reason);
    }
}
