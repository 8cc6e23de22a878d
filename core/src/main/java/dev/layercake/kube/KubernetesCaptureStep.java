package dev.layercake.kube;

import dev.layercake.api.access.Access;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.layercake.LayercakeException;
import dev.layercake.capture.BackupContext;
import dev.layercake.capture.BackupStep;
import dev.layercake.api.request.KubernetesOptions;
import dev.layercake.model.Digest;
import dev.layercake.model.DriftEntry;
import dev.layercake.model.Json;
import dev.layercake.model.KubernetesResource;
import dev.layercake.model.KubernetesSection;
import dev.layercake.model.PackLocation;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.store.ReleaseStore;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The backup step that captures the application's live objects: selection ({@link AppGraph}), each object
 * stored as captured under its own digest (less managedFields; Secrets encrypted, each a blob of its own; the
 * others in packs, see {@link ReleaseStore#putPacked}), workload images handed to the image step,
 * and drift against the YAML captured from git. Does nothing unless namespaces are given.
 */
public final class KubernetesCaptureStep implements BackupStep {

    public static final String MEDIA_TYPE = "application/vnd.kubernetes.object+json";

    @Override
    public String name() {
        return "kubernetes";
    }

    @Override
    public boolean appliesTo(BackupContext context) {
        return context.request().kubernetes().enabled();
    }

    @Override
    public void run(BackupContext context) {
        KubernetesOptions options = context.request().kubernetes();
        if (!options.enabled()) {
            return;
        }
        boolean allowIncomplete = context.request().allowIncomplete();
        context.kubernetes(capture(options, context.request().app(), context.store(), context.access(), context.listener(),
                context.source(), context::addImageCandidate, new GapSink() {
                    @Override
                    public void leftOut(String what, String why, boolean optedIn) {
                        context.leftOut(what, why, optedIn);
                    }

                    @Override
                    public boolean allowIncomplete() {
                        return allowIncomplete;
                    }
                }, context::liveObjects));
    }

    /** Where parts of the app that are not captured go: the backup's gaps ({@link BackupContext#leftOut}). */
    public interface GapSink {
        void leftOut(String what, String why, boolean optedIn);

        /** True when the user gave {@code --allow-incomplete}: a type RBAC forbids is recorded, not a failure. */
        default boolean allowIncomplete() {
            return false;
        }
    }

    /** Where workload images go: the backup's image candidates. */
    public interface ImageSink {
        void add(String ref, String foundIn);
    }

    /** Captures without the rest of a backup (used by the step and the benchmark). */
    public static KubernetesSection capture(KubernetesOptions options, String app, ReleaseStore store, Access access,
                                            ProgressListener listener, dev.layercake.model.SourceSection source, ImageSink images) {
        return capture(options, app, store, access, listener, source, images, (what, why, optedIn) -> {
            if (!optedIn) {
                listener.warn("NOT captured: " + what + ": " + why);
            }
        });
    }

    /** Captures, handing every part of the app it could not capture to {@code gaps}. */
    public static KubernetesSection capture(KubernetesOptions options, String app, ReleaseStore store, Access access,
                                            ProgressListener listener, dev.layercake.model.SourceSection source, ImageSink images,
                                            GapSink gaps) {
        return capture(options, app, store, access, listener, source, images, gaps, objects -> { });
    }

    /** Captures, also handing the selected live objects (as read) to {@code live}: the coverage step scans them. */
    public static KubernetesSection capture(KubernetesOptions options, String app, ReleaseStore store, Access access,
                                            ProgressListener listener, dev.layercake.model.SourceSection source, ImageSink images,
                                            GapSink gaps, java.util.function.Consumer<List<JsonNode>> liveObjects) {
        List<String> selectorTexts = options.selectors().isEmpty()
                ? List.of(KubeRules.DEFAULT_SELECTOR_LABEL + "=" + app) : options.selectors();
        List<LabelSelector> selectors = selectorTexts.stream().map(LabelSelector::parse).toList();
        SecretCipher cipher = null;
        if (options.secrets().equals(KubernetesOptions.ENCRYPT)) {
            cipher = SecretCipher.load(options.encryptionKeyFile(), options.encryptionKeyEnv(), access);
        }
        try (KubeConnection connection = KubeConnection.open(options.kubeconfig(), options.context(), access)) {
            checkNamespaces(connection, options.namespaces());
            Discovery discovery = Discovery.discover(connection, listener);
            AppGraph.Selection selection = new AppGraph(connection, discovery, options.namespaces(), selectors, listener)
                    .toleratingForbidden(true).select();
            if (!selection.forbidden().isEmpty() && !gaps.allowIncomplete()) {
                // Fails before anything of the cluster is stored: the same AUTH failure as before, with the way out.
                throw new LayercakeException(LayercakeException.Kind.AUTH, "cannot capture the app: RBAC forbids listing "
                        + String.join(", ", selection.forbidden()) + " (context " + connection.context()
                        + "); grant get and list on these resources in the app's namespaces to the identity of this kubeconfig,"
                        + " or give --allow-incomplete to write the release with them recorded as not captured");
            }
            for (String type : selection.forbidden()) {
                gaps.leftOut("Kubernetes " + type + " (every object of this type)", "RBAC forbids listing them (context "
                        + connection.context() + "); grant get and list on them to the identity of this kubeconfig", false);
            }

            if (!options.allowEmptySelection()) {
                requireWorkload(selection, selectorTexts, options.namespaces(), connection.context());
            }
            for (String group : discovery.unavailable()) {
                gaps.leftOut("Kubernetes types of API group " + group, "the group did not answer discovery, so its objects"
                        + " are not listed; bring its API service back (kubectl get apiservices) and back up again", false);
            }
            for (String warning : selection.warnings()) {
                gaps.leftOut("Kubernetes objects of " + app, warning, false);
            }
            List<AppGraph.Member> toStore = new ArrayList<>();
            Map<String, Integer> secretsSkipped = new LinkedHashMap<>();
            for (AppGraph.Member m : selection.members()) {
                boolean secret = isSecret(m.id());
                if (secret && (options.secrets().equals(KubernetesOptions.SKIP)
                        || (options.secrets().equals(KubernetesOptions.ENCRYPT) && cipher == null))) {
                    secretsSkipped.merge(m.id().namespace(), 1, Integer::sum);
                    continue;
                }
                toStore.add(m);
            }
            // Names and counts only: which Secrets, never what is in them.
            for (Map.Entry<String, Integer> e : secretsSkipped.entrySet()) {
                String what = e.getValue() + " Secret(s) in namespace " + e.getKey();
                if (options.secrets().equals(KubernetesOptions.ENCRYPT)) {
                    gaps.leftOut(what, "no encryption key: give --encryption-key-file, or set " + options.encryptionKeyEnv()
                            + " to a base64 32-byte key (--secrets skip backs up without them, --secrets plain stores them"
                            + " unencrypted)", false);
                } else {
                    listener.info(what + " skipped (--secrets skip); the release records them as not captured");
                    gaps.leftOut(what, "skipped with --secrets skip", true);
                }
            }
            if (options.secrets().equals(KubernetesOptions.PLAIN) && toStore.stream().anyMatch(m -> m.id().is(KubeRules.SECRET))) {
                listener.warn("Secrets are stored UNENCRYPTED (--secrets plain): anyone who can read the store can read them");
            }

            List<KubernetesResource> resources = store(toStore, cipher, store, app, listener);
            for (Map.Entry<String, List<String>> e : selection.images().entrySet()) {
                for (String foundIn : e.getValue()) {
                    images.add(e.getKey(), foundIn);
                }
            }
            Map<ObjectId, JsonNode> listed = new LinkedHashMap<>(selection.listed());
            List<ObjectId> members = selection.members().stream().map(AppGraph.Member::id).toList();
            DeclaredState.HelmContext helm = new DeclaredState.HelmContext(options.helmRelease(), options.helmNamespace(),
                    HelmReleases.fromSecrets(listed.values())); // labels only, never the release payload
            DeclaredState.State declared = DeclaredState.read(store, source, access, app, options.namespaces(), helm, listener);
            DriftDetector.Result result = DriftDetector.detect(declared, listed, members, options.namespaces(), selection.listedTypes());
            liveObjects.accept(selection.members().stream().map(m -> (JsonNode) m.object()).toList());
            List<DriftEntry> drift = result.drift();
            result.notes().forEach(n -> listener.info("drift: " + n));
            DriftDetector.describe(drift).forEach(listener::warn);
            listener.info("kubernetes: " + resources.size() + " object(s) captured from " + String.join(", ", options.namespaces())
                    + " (context " + connection.context() + "), " + drift.size() + " drift entr" + (drift.size() == 1 ? "y" : "ies"));
            return new KubernetesSection(connection.context(), options.namespaces(), selectorTexts,
                    cipher == null ? null : cipher.keyId(), resources, drift, declared.renders());
        }
    }

    /** Label keys that name an app; suggested first when the selection finds no workload. */
    private static final List<String> APP_LABEL_KEYS = List.of("app.kubernetes.io/part-of", "app.kubernetes.io/name",
            "app.kubernetes.io/instance", "app", "k8s-app", "release");

    /**
     * An app selection that finds no workload is almost always a wrong selector: fail, saying what was searched
     * and which labels the workloads of those namespaces carry.
     */
    static void requireWorkload(AppGraph.Selection selection, List<String> selectors, List<String> namespaces, String context) {
        boolean workload = selection.members().stream().anyMatch(m -> KubeRules.podTemplate(m.id().type()) != null);
        if (workload) {
            return;
        }
        Map<String, Map<String, Integer>> seen = new java.util.TreeMap<>();
        int workloads = 0;
        for (Map.Entry<ObjectId, ObjectNode> e : selection.listed().entrySet()) {
            ObjectId id = e.getKey();
            boolean owned = e.getValue().path("metadata").path("ownerReferences").size() > 0;
            if (id.namespace() == null || !namespaces.contains(id.namespace()) || KubeRules.podTemplate(id.type()) == null
                    || owned) {
                continue;
            }
            workloads++;
            for (Map.Entry<String, String> l : Trees.labels(e.getValue()).entrySet()) {
                seen.computeIfAbsent(id.namespace(), k -> new java.util.LinkedHashMap<>())
                        .merge(l.getKey() + "=" + l.getValue(), 1, Integer::sum);
            }
        }
        StringBuilder msg = new StringBuilder("the app selection (" + String.join(" OR ", selectors) + ") found no workload"
                + " (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod) in namespace(s) " + String.join(", ", namespaces)
                + " (context " + context + "); it selected " + selection.members().size() + " other object(s).");
        String suggestion = null;
        for (Map.Entry<String, Map<String, Integer>> ns : seen.entrySet()) {
            List<String> labels = ns.getValue().entrySet().stream()
                    .sorted(Comparator.<Map.Entry<String, Integer>>comparingInt(l -> appKeyRank(l.getKey()))
                            .thenComparing(Map.Entry.<String, Integer>comparingByValue().reversed()))
                    .map(Map.Entry::getKey).limit(6).toList();
            if (labels.isEmpty()) {
                continue;
            }
            msg.append(" Workloads in namespace ").append(ns.getKey()).append(" carry ")
                    .append(String.join(", ", labels.stream().map(l -> "`" + Trees.printable(l) + "`").toList())).append('.');
            if (suggestion == null) {
                suggestion = labels.get(0);
            }
        }
        if (workloads == 0) {
            msg.append(" There are no workloads in those namespaces at all.");
        }
        if (suggestion != null) {
            msg.append(" Try `--selector ").append(Trees.printable(suggestion)).append("`;");
        }
        msg.append(" give --allow-empty-selection to capture the selection without workloads.");
        throw LayercakeException.notFound(msg.toString());
    }

    private static int appKeyRank(String label) {
        String key = label.substring(0, label.indexOf('='));
        int i = APP_LABEL_KEYS.indexOf(key);
        return i < 0 ? APP_LABEL_KEYS.size() : i;
    }

    private static void checkNamespaces(KubeConnection connection, List<String> namespaces) {
        for (String ns : namespaces) {
            try {
                if (connection.client().namespaces().withName(ns).get() == null) {
                    throw LayercakeException.notFound("namespace " + ns + " does not exist in context " + connection.context()
                            + " (" + connection.server() + ")");
                }
            } catch (KubernetesClientException e) {
                if (e.getCode() == 403) {
                    continue; // reading Namespace objects is often not granted; listing inside it decides
                }
                throw connection.failure("reading namespace " + ns, e);
            }
        }
    }

    /** What one object becomes before it is stored: its document (Secrets encrypted) and manifest entry. */
    private record Prepared(String apiVersion, AppGraph.Member member, byte[] document, boolean encrypted) {
    }

    private static List<KubernetesResource> store(List<AppGraph.Member> members, SecretCipher cipher, ReleaseStore store,
                                                  String app, ProgressListener listener) {
        List<Prepared> prepared = members.parallelStream().map(m -> {
            ObjectNode o = m.object().deepCopy();
            Trees.metadata(o).remove("managedFields");
            boolean encrypted = false;
            if (cipher != null && isSecret(m.id())) {
                o = cipher.encrypt(o);
                encrypted = true;
            }
            return new Prepared(o.path("apiVersion").asText(), m, Json.write(o), encrypted);
        }).toList();
        // Packs, not a file per object: an unchanged object points into the pack the last release found it in;
        // the new ones are written together as one blob (5000 objects: one write and one flush instead of 5000).
        // Secrets stay blobs of their own: a pack lives as long as any release names any object in it, and an old
        // (rotated, maybe leaked) Secret must go with the last release that names it.
        List<Prepared> packed = prepared.stream().filter(p -> !isSecret(p.member().id())).toList();
        List<PackLocation> locations = store.putPacked(packed.stream().map(Prepared::document).toList(),
                knownObjects(store, app, listener));
        Map<Prepared, PackLocation> where = new java.util.IdentityHashMap<>();
        for (int i = 0; i < packed.size(); i++) {
            where.put(packed.get(i), locations.get(i));
        }
        List<KubernetesResource> out = new ArrayList<>(prepared.size());
        for (Prepared p : prepared) {
            PackLocation location = where.get(p);
            Digest digest = location == null ? store.putBytes(p.document(), MEDIA_TYPE).digest() : Digest.of(p.document());
            out.add(new KubernetesResource(p.apiVersion(), p.member().id().kind(), p.member().id().namespace(),
                    p.member().id().name(), digest, p.encrypted(), location));
        }
        listener.progress("kubernetes", out.size(), out.size(), "objects");
        return out;
    }

    private static boolean isSecret(ObjectId id) {
        return id.is(KubeRules.SECRET);
    }

    /**
     * Where the app's last release stored its objects: those unchanged since are not stored again. Only packed
     * objects count (a release written before packs had each object in a blob of its own; they are packed anew).
     * A last release that cannot be read only costs the de-duplication, never the backup.
     */
    static Map<Digest, PackLocation> knownObjects(ReleaseStore store, String app, ProgressListener listener) {
        List<String> releases = store.listReleases(app);
        if (releases.isEmpty()) {
            return Map.of();
        }
        String last = releases.get(releases.size() - 1);
        try {
            Map<Digest, PackLocation> known = new HashMap<>();
            for (KubernetesResource r : store.readManifest(app, last).kubernetes().resources()) {
                if (r.pack() != null) {
                    known.put(r.digest(), r.pack());
                }
            }
            return known;
        } catch (LayercakeException e) {
            listener.warn("kubernetes: objects of " + app + "/" + last + " not reused (" + e.getMessage() + "); storing them anew");
            return Map.of();
        }
    }
}
