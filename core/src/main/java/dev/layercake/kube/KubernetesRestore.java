package dev.layercake.kube;

import dev.layercake.api.access.Access;
import dev.layercake.api.result.KubernetesRestoreReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.layercake.LayercakeException;
import dev.layercake.model.Digest;
import dev.layercake.model.Json;
import dev.layercake.model.KubernetesResource;
import dev.layercake.model.Manifest;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.store.ReleaseStore;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies a release's Kubernetes objects to a cluster. Everything that can be checked is checked before
 * the first write: blobs match their digests, encrypted Secrets can be decrypted, every kind is served by
 * the target or defined by a CRD of the release, and (with {@code --existing fail}) nothing exists yet.
 * Objects are then cleaned ({@link Sanitizer}), mapped to their new namespaces, images rewritten,
 * annotated with app, release and manifest digest, and applied in {@link KubeRules#RESTORE_ORDER}; CRDs
 * are waited on until established. A failure midway stops the restore with a
 * {@link KubernetesRestoreException} whose message and report say exactly what was applied.
 */
public final class KubernetesRestore {

    private final ReleaseStore store;
    private final Manifest manifest;
    private final Digest manifestDigest;
    private final RestoreTarget target;
    private final boolean dryRun;
    private final ProgressListener listener;
    private final Access access;
    private Duration establishTimeout = Duration.ofSeconds(60);
    private Map<String, String> labels = Map.of();

    public KubernetesRestore(ReleaseStore store, Manifest manifest, Digest manifestDigest, RestoreTarget target,
                             boolean dryRun, ProgressListener listener) {
        this(store, manifest, manifestDigest, target, dryRun, listener, Access.fromEnvironment(System.getenv()));
    }

    public KubernetesRestore(ReleaseStore store, Manifest manifest, Digest manifestDigest, RestoreTarget target,
                             boolean dryRun, ProgressListener listener, Access access) {
        this.store = store;
        this.manifest = manifest;
        this.manifestDigest = manifestDigest;
        this.target = target;
        this.dryRun = dryRun;
        this.listener = listener;
        this.access = access;
    }

    public KubernetesRestore establishTimeout(Duration timeout) {
        this.establishTimeout = timeout;
        return this;
    }

    /** Labels put on every object applied, namespaces created included (a drill marks what it may delete). */
    public KubernetesRestore labelling(Map<String, String> labels) {
        this.labels = Map.copyOf(labels);
        return this;
    }

    private record Planned(KubernetesResource source, ObjectNode object, ObjectId id, int rank, int index) {
    }

    /**
     * A restore checked against the target cluster and not yet applied: the key decrypts, every kind is
     * served (or its CRD is in the release), {@code --existing fail} finds nothing in the way. Holds the
     * connection until closed.
     */
    public static final class Checked implements AutoCloseable {
        private final KubeConnection connection;
        private final Discovery discovery;
        private final List<Planned> plan;
        private final Map<ObjectId, GenericKubernetesResource> existing;

        private Checked(KubeConnection connection, Discovery discovery, List<Planned> plan,
                        Map<ObjectId, GenericKubernetesResource> existing) {
            this.connection = connection;
            this.discovery = discovery;
            this.plan = plan;
            this.existing = existing;
        }

        /** The objects as they will be applied (cleaned, mapped, rewritten, annotated), in apply order; copies. */
        public List<ObjectNode> planned() {
            return plan.stream().map(p -> p.object().deepCopy()).toList();
        }

        @Override
        public void close() {
            if (connection != null) {
                connection.close();
            }
        }
    }

    public KubernetesRestoreReport run() {
        try (Checked checked = check()) {
            return apply(checked);
        }
    }

    /**
     * Everything that can fail before the cluster is changed: decryption, served kinds, existing objects.
     * The restore engine calls this before it writes sources or pushes images, so a restore that cannot
     * apply its objects changes nothing at all.
     */
    public Checked check() {
        List<KubernetesResource> resources = manifest.kubernetes().resources();
        if (resources.isEmpty()) {
            return new Checked(null, null, List.of(), Map.of());
        }
        List<Planned> plan = prepare(resources);
        KubeConnection connection = KubeConnection.open(target.kubeconfig(), target.context(), access);
        try {
            Discovery discovery = Discovery.discover(connection, listener);
            plan = addMissingNamespaces(connection, plan);
            checkKinds(connection, discovery, plan);
            Map<ObjectId, GenericKubernetesResource> existing = findExisting(connection, discovery, plan);
            if (target.existing() == RestoreTarget.Existing.FAIL && !existing.isEmpty()) {
                throw LayercakeException.conflict("--existing fail: " + existing.size() + " object(s) already exist in context "
                        + connection.context() + ": " + String.join(", ", existing.keySet().stream().map(ObjectId::toString).toList())
                        + "; nothing was applied");
            }
            return new Checked(connection, discovery, plan, existing);
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** Applies a checked restore (or, in a dry run, reports what it would do). */
    public KubernetesRestoreReport apply(Checked checked) {
        if (checked.connection == null) {
            listener.warn("release " + manifest.app() + "/" + manifest.release() + " holds no Kubernetes objects; nothing to apply");
            return new KubernetesRestoreReport(target.context(), dryRun, List.of());
        }
        if (dryRun) {
            List<KubernetesRestoreReport.Entry> entries = new ArrayList<>();
            for (Planned p : checked.plan) {
                boolean exists = checked.existing.containsKey(p.id());
                String action = !exists ? KubernetesRestoreReport.WOULD_CREATE
                        : target.existing() == RestoreTarget.Existing.UPDATE ? KubernetesRestoreReport.WOULD_UPDATE
                        : KubernetesRestoreReport.WOULD_SKIP;
                entries.add(entry(p, action, exists ? "exists" : null));
            }
            KubernetesRestoreReport report = new KubernetesRestoreReport(checked.connection.context(), true, entries);
            report.lines().forEach(l -> listener.info("plan: " + l));
            return report;
        }
        return apply(checked.connection, checked.discovery, checked.plan, checked.existing);
    }

    // ---------------------------------------------------------------- preparation (no cluster access)

    private List<Planned> prepare(List<KubernetesResource> resources) {
        SecretCipher cipher = null;
        long encrypted = resources.stream().filter(KubernetesResource::encrypted).count();
        if (encrypted > 0) {
            cipher = SecretCipher.load(target.encryptionKeyFile(), target.encryptionKeyEnv(), access);
            if (cipher == null) {
                throw LayercakeException.usage("release " + manifest.app() + "/" + manifest.release() + " holds " + encrypted
                        + " encrypted Secret(s) (key id " + manifest.kubernetes().encryptionKeyId() + ") and no key was given;"
                        + " give --encryption-key-file or set " + target.encryptionKeyEnv() + "; nothing was applied");
            }
            String expected = manifest.kubernetes().encryptionKeyId();
            if (expected != null && !expected.equals(cipher.keyId())) {
                throw new LayercakeException(LayercakeException.Kind.AUTH, "the encryption key given has id " + cipher.keyId()
                        + " but release " + manifest.app() + "/" + manifest.release() + " was encrypted with key " + expected
                        + "; give the key used at backup time; nothing was applied");
            }
        }
        ImageRewriter images = new ImageRewriter(manifest.images(), target.pinImages(), target.imagesFrom());
        List<Planned> plan = new ArrayList<>();
        int index = 0;
        for (KubernetesResource r : resources) {
            ObjectNode object = load(store, r);
            if (r.encrypted()) {
                object = cipher.decrypt(object);
            }
            object = Sanitizer.sanitize(object);
            mapNamespaces(object, target.namespaceMapping());
            for (String change : images.rewrite(object)) {
                listener.info("image of " + ObjectId.of(object) + ": " + change);
            }
            ObjectNode annotations = Trees.metadata(object).withObjectProperty("annotations");
            annotations.put(KubeRules.ANNOTATION_APP, manifest.app());
            annotations.put(KubeRules.ANNOTATION_RELEASE, manifest.release());
            if (manifestDigest != null) {
                annotations.put(KubeRules.ANNOTATION_MANIFEST, manifestDigest.toString());
            }
            labels.forEach(Trees.metadata(object).withObjectProperty("labels")::put);
            ObjectId id = ObjectId.of(object);
            plan.add(new Planned(r, object, id, KubeRules.restoreRank(id.type()), index++));
        }
        plan.sort(Comparator.comparingInt(Planned::rank).thenComparingInt(Planned::index));
        return plan;
    }

    /** Reads one stored object and checks it against its digest. */
    static ObjectNode load(ReleaseStore store, KubernetesResource r) {
        byte[] bytes;
        if (r.pack() != null) {
            try {
                bytes = store.readPacked(r.digest(), r.pack());
            } catch (LayercakeException e) {
                if (e.kind() != LayercakeException.Kind.CORRUPT) {
                    throw e;
                }
                throw LayercakeException.corrupt("stored " + r.describe() + ": " + e.getMessage() + "; run verify; nothing was applied");
            }
        } else {
            bytes = store.readBlob(r.digest());
        }
        if (!Digest.of(bytes).equals(r.digest())) {
            throw LayercakeException.corrupt("stored " + r.describe() + " does not match its digest " + r.digest()
                    + "; run verify; nothing was applied");
        }
        JsonNode node = Json.read(bytes, JsonNode.class, r.kind() + " " + r.name());
        if (!(node instanceof ObjectNode object)) {
            throw LayercakeException.corrupt("stored " + r.kind() + " " + r.name() + " is not a JSON object");
        }
        return object;
    }

    static void mapNamespaces(ObjectNode object, Map<String, String> mapping) {
        if (mapping.isEmpty()) {
            return;
        }
        ObjectNode meta = Trees.metadata(object);
        String ns = meta.path("namespace").asText("");
        if (!ns.isEmpty() && mapping.containsKey(ns)) {
            meta.put("namespace", mapping.get(ns));
        }
        KubeRules.GroupKind type = ObjectId.of(object).type();
        for (KubeRules.NamespaceField f : KubeRules.NAMESPACE_FIELDS) {
            if (!f.type().matches(type)) {
                continue;
            }
            FieldPath path = FieldPath.parse(f.path());
            for (JsonNode parent : path.parent().nodes(object)) {
                String value = parent.path(path.field()).asText("");
                if (parent instanceof ObjectNode o && !value.isEmpty() && mapping.containsKey(value)) {
                    o.put(path.field(), mapping.get(value));
                }
            }
        }
    }

    // ---------------------------------------------------------------- checks against the target (read-only)

    private List<Planned> addMissingNamespaces(KubeConnection connection, List<Planned> plan) {
        Set<String> planned = new LinkedHashSet<>();
        Set<String> needed = new LinkedHashSet<>();
        for (Planned p : plan) {
            if (p.id().is(KubeRules.NAMESPACE)) {
                planned.add(p.id().name());
            } else if (p.id().namespace() != null) {
                needed.add(p.id().namespace());
            }
        }
        needed.removeAll(planned);
        List<Planned> out = new ArrayList<>(plan);
        for (String ns : needed) {
            try {
                if (connection.client().namespaces().withName(ns).get() != null) {
                    continue;
                }
            } catch (KubernetesClientException e) {
                if (e.getCode() != 403) {
                    throw connection.failure("reading namespace " + ns, e);
                }
            }
            ObjectNode nsObject = Json.mapper().createObjectNode().put("apiVersion", "v1").put("kind", "Namespace");
            nsObject.putObject("metadata").put("name", ns).putObject("annotations")
                    .put(KubeRules.ANNOTATION_APP, manifest.app()).put(KubeRules.ANNOTATION_RELEASE, manifest.release());
            if (!labels.isEmpty()) {
                labels.forEach(((ObjectNode) nsObject.get("metadata")).putObject("labels")::put);
            }
            out.add(new Planned(null, nsObject, ObjectId.of(nsObject), KubeRules.restoreRank(KubeRules.NAMESPACE), -1));
        }
        out.sort(Comparator.comparingInt(Planned::rank).thenComparingInt(Planned::index));
        return out;
    }

    /** Every kind must be served by the target, or defined by a CRD the restore creates first. */
    private void checkKinds(KubeConnection connection, Discovery discovery, List<Planned> plan) {
        Set<KubeRules.GroupKind> definedByPlan = new LinkedHashSet<>();
        for (Planned p : plan) {
            if (p.id().is(KubeRules.CRD)) {
                definedByPlan.add(KubeRules.definedKind(p.object()));
            }
        }
        Map<String, List<String>> missing = new LinkedHashMap<>();
        for (Planned p : plan) {
            if (discovery.find(p.id().type()).isEmpty() && !definedByPlan.contains(p.id().type())) {
                missing.computeIfAbsent(p.object().path("apiVersion").asText() + " " + p.id().kind(), k -> new ArrayList<>())
                        .add(p.id().toString());
            }
        }
        if (!missing.isEmpty()) {
            StringBuilder sb = new StringBuilder("the target cluster (context " + connection.context() + ") does not serve ");
            missing.forEach((kind, objects) -> sb.append(kind).append(" (needed by ").append(String.join(", ", objects)).append("); "));
            sb.append("the release holds no CRD for ").append(missing.size() == 1 ? "it" : "them")
                    .append(": install the CRD (or the operator that owns it) on the target first; nothing was applied");
            throw new LayercakeException(LayercakeException.Kind.UNSUPPORTED, sb.toString());
        }
    }

    /** One list per type and namespace (a GET per object where listing is refused). */
    private Map<ObjectId, GenericKubernetesResource> findExisting(KubeConnection connection, Discovery discovery, List<Planned> plan) {
        record Scope(ResourceType type, String namespace) {
        }
        Map<Scope, List<Planned>> byScope = new LinkedHashMap<>();
        for (Planned p : plan) {
            ResourceType type = servedType(discovery, p);
            if (type != null) { // else defined by a CRD of the plan: cannot exist yet
                byScope.computeIfAbsent(new Scope(type, p.id().namespace()), k -> new ArrayList<>()).add(p);
            }
        }
        Map<ObjectId, GenericKubernetesResource> existing = new LinkedHashMap<>();
        for (Map.Entry<Scope, List<Planned>> e : byScope.entrySet()) {
            var op = connection.client().genericKubernetesResources(e.getKey().type().context());
            String ns = e.getKey().namespace();
            try {
                Map<String, GenericKubernetesResource> live = new java.util.HashMap<>();
                for (GenericKubernetesResource r : (ns == null ? op.list() : op.inNamespace(ns).list()).getItems()) {
                    live.put(r.getMetadata().getName(), r);
                }
                for (Planned p : e.getValue()) {
                    if (live.containsKey(p.id().name())) {
                        existing.put(p.id(), live.get(p.id().name()));
                    }
                }
                continue;
            } catch (KubernetesClientException ex) {
                if (ex.getCode() != 403) {
                    throw connection.failure("listing " + e.getKey().type().resourceName() + (ns == null ? "" : " in " + ns)
                            + " on the target; nothing was applied", ex);
                }
            }
            for (Planned p : e.getValue()) {
                try {
                    GenericKubernetesResource live = ns == null ? op.withName(p.id().name()).get() : op.inNamespace(ns).withName(p.id().name()).get();
                    if (live != null) {
                        existing.put(p.id(), live);
                    }
                } catch (KubernetesClientException ex) {
                    throw connection.failure("checking whether " + p.id() + " exists; nothing was applied", ex);
                }
            }
        }
        return existing;
    }

    // ---------------------------------------------------------------- apply

    private KubernetesRestoreReport apply(KubeConnection connection, Discovery discovery, List<Planned> plan,
                                          Map<ObjectId, GenericKubernetesResource> existing) {
        List<KubernetesRestoreReport.Entry> done = new ArrayList<>();
        Map<KubeRules.GroupKind, ResourceType> crdTypes = new LinkedHashMap<>();
        for (int i = 0; i < plan.size(); i++) {
            Planned p = plan.get(i);
            listener.progress("kubernetes", i, plan.size(), "objects");
            ResourceType type = servedType(discovery, p);
            if (type == null) {
                // defined by a CRD of this release: address it at the version it was captured at
                ResourceType fromCrd = crdTypes.get(p.id().type());
                String apiVersion = p.object().path("apiVersion").asText();
                type = new ResourceType(fromCrd.group(), apiVersion.substring(apiVersion.indexOf('/') + 1), fromCrd.kind(),
                        fromCrd.plural(), fromCrd.namespaced());
            }
            try {
                GenericKubernetesResource live = existing.get(p.id());
                String action;
                if (live == null) {
                    create(connection, type, p);
                    action = KubernetesRestoreReport.CREATED;
                } else if (target.existing() == RestoreTarget.Existing.UPDATE) {
                    action = update(connection, type, p) ? KubernetesRestoreReport.UPDATED : KubernetesRestoreReport.CREATED;
                } else {
                    action = KubernetesRestoreReport.SKIPPED;
                }
                done.add(entry(p, action, live != null && action.equals(KubernetesRestoreReport.SKIPPED) ? "exists" : null));
                if (p.id().is(KubeRules.CRD)) {
                    waitEstablished(connection, p.id().name());
                    crdTypes.putAll(typesOf(p.object()));
                }
            } catch (KubernetesClientException | LayercakeException e) {
                LayercakeException cause = e instanceof KubernetesClientException kce
                        ? connection.failure("applying " + p.id(), kce) : (LayercakeException) e;
                List<KubernetesRestoreReport.Entry> entries = new ArrayList<>(done);
                entries.add(entry(p, KubernetesRestoreReport.FAILED, cause.getMessage()));
                for (int k = i + 1; k < plan.size(); k++) {
                    entries.add(entry(plan.get(k), KubernetesRestoreReport.NOT_APPLIED, null));
                }
                KubernetesRestoreReport report = new KubernetesRestoreReport(connection.context(), false, entries);
                List<String> applied = report.applied().stream().map(KubernetesRestoreReport.Entry::object).toList();
                String message = "Kubernetes restore stopped at " + p.id() + ": " + cause.getMessage()
                        + ". Applied before the failure (" + applied.size() + "): "
                        + (applied.isEmpty() ? "nothing" : String.join(", ", applied))
                        + ". Not applied: " + (plan.size() - i) + " object(s) from " + p.id() + " on."
                        + " Re-run with --existing skip to continue once the cause is fixed.";
                throw new KubernetesRestoreException(cause.kind(), message, report, e);
            }
        }
        listener.progress("kubernetes", plan.size(), plan.size(), "objects");
        KubernetesRestoreReport report = new KubernetesRestoreReport(connection.context(), false, done);
        listener.info("kubernetes: " + report.applied().size() + " object(s) applied, " + report.skipped().size()
                + " skipped (existing) in context " + connection.context());
        return report;
    }

    /**
     * The target's type for the object, addressed at the version the object was captured at: the API server
     * refuses a body whose apiVersion differs from the URL's.
     */
    private static ResourceType servedType(Discovery discovery, Planned p) {
        ResourceType t = discovery.find(p.id().type()).orElse(null);
        if (t == null) {
            return null;
        }
        String apiVersion = p.object().path("apiVersion").asText();
        return t.atVersion(apiVersion.substring(apiVersion.indexOf('/') + 1));
    }

    private static void create(KubeConnection connection, ResourceType type, Planned p) {
        var op = connection.client().genericKubernetesResources(type.context());
        GenericKubernetesResource r = Trees.generic(p.object());
        if (p.id().namespace() == null) {
            op.resource(r).create();
        } else {
            op.inNamespace(p.id().namespace()).resource(r).create();
        }
    }

    /**
     * Replaces a live object with the release's. The live object is read again here, not taken from the check
     * before sources and images were restored: controllers change a running object's resourceVersion all the
     * time, and an update carrying an old one is refused (409). Fields the cluster will not change are carried over
     * from the live object by {@link KubeRules#UPDATE_RULES}. Returns false when it was gone and was created.
     */
    private static boolean update(KubeConnection connection, ResourceType type, Planned p) {
        var op = connection.client().genericKubernetesResources(type.context());
        GenericKubernetesResource live = p.id().namespace() == null ? op.withName(p.id().name()).get()
                : op.inNamespace(p.id().namespace()).withName(p.id().name()).get();
        if (live == null) {
            create(connection, type, p);
            return false;
        }
        ObjectNode object = p.object().deepCopy();
        Trees.metadata(object).put("resourceVersion", live.getMetadata().getResourceVersion());
        carryOver(object, Json.mapper().valueToTree(live));
        GenericKubernetesResource r = Trees.generic(object);
        if (p.id().namespace() == null) {
            op.resource(r).update();
        } else {
            op.inNamespace(p.id().namespace()).resource(r).update();
        }
        return true;
    }

    /** Sets, from the live object, the {@link KubeRules#UPDATE_RULES} fields the release's object does not have. */
    static void carryOver(ObjectNode object, JsonNode live) {
        KubeRules.GroupKind type = ObjectId.of(object).type();
        for (KubeRules.UpdateRule rule : KubeRules.UPDATE_RULES) {
            if (!rule.type().matches(type)) {
                continue;
            }
            for (String field : rule.carryOver()) {
                FieldPath path = FieldPath.parse(field);
                String parent = path.parent().toString();
                if (object.at(parent) instanceof ObjectNode into && !into.has(path.field()) && live.at(parent).has(path.field())) {
                    into.set(path.field(), live.at(parent).get(path.field()));
                }
            }
        }
    }

    private void waitEstablished(KubeConnection connection, String name) {
        long deadline = System.nanoTime() + establishTimeout.toNanos();
        while (true) {
            var crd = connection.client().apiextensions().v1().customResourceDefinitions().withName(name).get();
            if (crd != null && crd.getStatus() != null && crd.getStatus().getConditions() != null
                    && crd.getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True"))) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new LayercakeException(LayercakeException.Kind.UNAVAILABLE, "CRD " + name + " was created but not established within "
                        + establishTimeout.toSeconds() + "s");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LayercakeException(LayercakeException.Kind.FAILED, "interrupted while waiting for CRD " + name);
            }
        }
    }

    /** The types a CRD defines, at its storage version (the version its custom resources were captured at). */
    private static Map<KubeRules.GroupKind, ResourceType> typesOf(JsonNode crd) {
        JsonNode spec = crd.path("spec");
        String group = spec.path("group").asText();
        String kind = spec.path("names").path("kind").asText();
        String version = null;
        for (JsonNode v : spec.path("versions")) {
            if (version == null || v.path("storage").asBoolean(false)) {
                version = v.path("name").asText();
            }
        }
        boolean namespaced = spec.path("scope").asText("Namespaced").equals("Namespaced");
        return Map.of(new KubeRules.GroupKind(group, kind), new ResourceType(group, version, kind, spec.path("names").path("plural").asText(), namespaced));
    }

    private static KubernetesRestoreReport.Entry entry(Planned p, String action, String detail) {
        return new KubernetesRestoreReport.Entry(p.object().path("apiVersion").asText(), p.id().kind(), p.id().namespace(),
                p.id().name(), p.source() == null ? null : p.source().namespace(), action, detail);
    }
}
