package dev.layercake.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.layercake.LayercakeException;
import dev.layercake.capture.BackupContext;
import dev.layercake.capture.BackupStep;
import dev.layercake.options.KubernetesOptions;
import dev.layercake.model.Digest;
import dev.layercake.model.DriftEntry;
import dev.layercake.model.Json;
import dev.layercake.model.KubernetesResource;
import dev.layercake.model.KubernetesSection;
import dev.layercake.model.PackLocation;
import dev.layercake.progress.ProgressListener;
import dev.layercake.store.ReleaseStore;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.util.ArrayList;
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
    public void run(BackupContext context) {
        KubernetesOptions options = context.request().kubernetes();
        if (!options.enabled()) {
            return;
        }
        context.kubernetes(capture(options, context.request().app(), context.store(), context.env(), context.listener(),
                context.source(), context::addImageCandidate, context::leftOut, context::liveObjects));
    }

    /** Where parts of the app that are not captured go: the backup's gaps ({@link BackupContext#leftOut}). */
    public interface GapSink {
        void leftOut(String what, String why, boolean optedIn);
    }

    /** Where workload images go: the backup's image candidates. */
    public interface ImageSink {
        void add(String ref, String foundIn);
    }

    /** Captures without the rest of a backup (used by the step and the benchmark). */
    public static KubernetesSection capture(KubernetesOptions options, String app, ReleaseStore store, Map<String, String> env,
                                            ProgressListener listener, dev.layercake.model.SourceSection source, ImageSink images) {
        return capture(options, app, store, env, listener, source, images, (what, why, optedIn) -> {
            if (!optedIn) {
                listener.warn("NOT captured: " + what + ": " + why);
            }
        });
    }

    /** Captures, handing every part of the app it could not capture to {@code gaps}. */
    public static KubernetesSection capture(KubernetesOptions options, String app, ReleaseStore store, Map<String, String> env,
                                            ProgressListener listener, dev.layercake.model.SourceSection source, ImageSink images,
                                            GapSink gaps) {
        return capture(options, app, store, env, listener, source, images, gaps, objects -> { });
    }

    /** Captures, also handing the selected live objects (as read) to {@code live}: the coverage step scans them. */
    public static KubernetesSection capture(KubernetesOptions options, String app, ReleaseStore store, Map<String, String> env,
                                            ProgressListener listener, dev.layercake.model.SourceSection source, ImageSink images,
                                            GapSink gaps, java.util.function.Consumer<List<JsonNode>> liveObjects) {
        List<String> selectorTexts = options.selectors().isEmpty()
                ? List.of(KubeRules.DEFAULT_SELECTOR_LABEL + "=" + app) : options.selectors();
        List<LabelSelector> selectors = selectorTexts.stream().map(LabelSelector::parse).toList();
        SecretCipher cipher = null;
        if (options.secrets().equals(KubernetesOptions.ENCRYPT)) {
            cipher = SecretCipher.load(options.encryptionKeyFile(), options.encryptionKeyEnv(), env);
        }
        try (KubeConnection connection = KubeConnection.open(options.kubeconfig(), options.context(), env)) {
            checkNamespaces(connection, options.namespaces());
            Discovery discovery = Discovery.discover(connection, listener);
            AppGraph.Selection selection = new AppGraph(connection, discovery, options.namespaces(), selectors, listener).select();

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
            if (options.secrets().equals(KubernetesOptions.PLAIN) && toStore.stream().anyMatch(m -> m.id().kind().equals("Secret"))) {
                listener.warn("Secrets are stored UNENCRYPTED (--secrets plain): anyone who can read the store can read them");
            }

            List<KubernetesResource> resources = store(toStore, cipher, store, app, listener);
            for (Map.Entry<String, List<String>> e : selection.images().entrySet()) {
                for (String foundIn : e.getValue()) {
                    images.add(e.getKey(), foundIn);
                }
            }
            Map<ObjectId, JsonNode> live = new LinkedHashMap<>();
            selection.members().forEach(m -> live.put(m.id(), m.object()));
            liveObjects.accept(List.copyOf(live.values()));
            List<DriftEntry> drift = DriftDetector.detect(store, source, live, options.namespaces());
            DriftDetector.describe(drift).forEach(listener::warn);
            listener.info("kubernetes: " + resources.size() + " object(s) captured from " + String.join(", ", options.namespaces())
                    + " (context " + connection.context() + "), " + drift.size() + " drift entr" + (drift.size() == 1 ? "y" : "ies"));
            return new KubernetesSection(connection.context(), options.namespaces(), selectorTexts,
                    cipher == null ? null : cipher.keyId(), resources, drift);
        }
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
        return id.group().isEmpty() && id.kind().equals("Secret");
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
