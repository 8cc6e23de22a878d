package dev.layercake.kube;

import dev.layercake.api.result.DiffReport;
import dev.layercake.api.result.DiffChange;
import dev.layercake.api.access.Access;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.layercake.model.DriftEntry;
import dev.layercake.model.KubernetesResource;
import dev.layercake.model.Manifest;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.api.request.RestoreRequest;
import dev.layercake.store.ReleaseStore;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares the Kubernetes objects of a release with another release, or with the live namespaces. Both
 * sides are cleaned for comparison ({@link Sanitizer#forComparison}), so cluster-assigned fields and
 * restore annotations never show up. Secret values are compared without being shown: decrypted when the
 * key is given, else by their keyed fingerprints (release against release, same key); against a live
 * cluster without the key, Secret values are not compared and the report says so.
 */
public final class ReleaseDiff {



    private ReleaseDiff() {
    }

    /** Release against release; {@code cipher} may be null (Secrets then compared by fingerprint). */
    public static DiffReport between(ReleaseStore store, Manifest left, Manifest right, SecretCipher cipher) {
        List<String> notes = new ArrayList<>();
        Map<ObjectId, JsonNode> l = load(store, left, cipher, notes);
        Map<ObjectId, JsonNode> r = load(store, right, cipher, notes);
        boolean sameKey = java.util.Objects.equals(left.kubernetes().encryptionKeyId(), right.kubernetes().encryptionKeyId());
        if (cipher == null && !sameKey && (hasEncrypted(left) || hasEncrypted(right))) {
            notes.add("the releases' Secrets were encrypted with different keys and no key was given: Secret values are not compared");
            stripSecretValues(l);
            stripSecretValues(r);
        }
        return compare(left.app() + "/" + left.release(), right.app() + "/" + right.release(), l, r, notes);
    }

    /**
     * Release against the live namespaces: the objects the release's selectors find there now (namespaces
     * mapped by {@code target.namespaceMapping()}), on the target's kubeconfig and context.
     */
    public static DiffReport againstLive(ReleaseStore store, Manifest release, RestoreRequest.KubernetesTarget target,
                                     ProgressListener listener, Access access) {
        List<String> notes = new ArrayList<>();
        SecretCipher cipher = SecretCipher.load(target.encryptionKeyFile(), target.encryptionKeyEnv(), access);
        Map<ObjectId, JsonNode> stored = new LinkedHashMap<>();
        for (Map.Entry<ObjectId, JsonNode> e : load(store, release, cipher, notes).entrySet()) {
            ObjectNode o = (ObjectNode) e.getValue();
            KubernetesRestore.mapNamespaces(o, target.namespaceMapping());
            stored.put(ObjectId.of(o), o);
        }
        List<String> namespaces = release.kubernetes().namespaces().stream()
                .map(ns -> target.namespaceMapping().getOrDefault(ns, ns)).toList();
        List<LabelSelector> selectors = release.kubernetes().selectors().stream().map(LabelSelector::parse).toList();
        Map<ObjectId, JsonNode> live = new LinkedHashMap<>();
        String context;
        try (KubeConnection connection = KubeConnection.open(target.kubeconfig(), target.context(), access)) {
            context = connection.context();
            Discovery discovery = Discovery.discover(connection, listener);
            for (AppGraph.Member m : new AppGraph(connection, discovery, namespaces, selectors, listener).select().members()) {
                live.put(m.id(), m.object());
            }
        }
        if (cipher == null && hasEncrypted(release)) {
            notes.add("no encryption key given: Secret values are not compared");
            stripSecretValues(stored);
            stripSecretValues(live);
        } else if (cipher == null) {
            stripEnvelopes(live);
        }
        return compare(release.app() + "/" + release.release(), "live (context " + context + ")", stored, live, notes);
    }

    private static boolean hasEncrypted(Manifest m) {
        return m.kubernetes().resources().stream().anyMatch(KubernetesResource::encrypted);
    }

    private static Map<ObjectId, JsonNode> load(ReleaseStore store, Manifest m, SecretCipher cipher, List<String> notes) {
        Map<ObjectId, JsonNode> out = new LinkedHashMap<>();
        boolean wrongKeyNoted = false;
        for (KubernetesResource r : m.kubernetes().resources()) {
            ObjectNode o = KubernetesRestore.load(store, r);
            if (r.encrypted() && cipher != null) {
                if (cipher.keyId().equals(SecretCipher.keyIdOf(o))) {
                    o = cipher.decrypt(o);
                } else if (!wrongKeyNoted) {
                    notes.add(m.app() + "/" + m.release() + " was encrypted with key " + SecretCipher.keyIdOf(o)
                            + ", not the key given: its Secrets are compared by fingerprint");
                    wrongKeyNoted = true;
                }
            }
            out.put(ObjectId.of(o), o);
        }
        return out;
    }

    /** Keeps only the fingerprint of an envelope: nonces and ciphertexts differ at every encryption. */
    private static JsonNode comparable(JsonNode o) {
        ObjectNode c = Sanitizer.forComparison(o);
        if (c.has(SecretCipher.FIELD)) {
            String fp = c.path(SecretCipher.FIELD).path("fingerprint").asText();
            c.remove(SecretCipher.FIELD);
            c.putObject("data").put("(encrypted values, fingerprint)", fp);
        }
        return c;
    }

    private static void stripSecretValues(Map<ObjectId, JsonNode> objects) {
        for (JsonNode o : objects.values()) {
            if (ObjectId.of(o).is(KubeRules.SECRET)) {
                ((ObjectNode) o).remove(List.of("data", "stringData", SecretCipher.FIELD));
            }
        }
    }

    private static void stripEnvelopes(Map<ObjectId, JsonNode> objects) {
        objects.values().forEach(o -> ((ObjectNode) o).remove(SecretCipher.FIELD));
    }

    private static DiffReport compare(String leftName, String rightName, Map<ObjectId, JsonNode> left, Map<ObjectId, JsonNode> right,
                                  List<String> notes) {
        Set<ObjectId> ids = new LinkedHashSet<>(left.keySet());
        ids.addAll(right.keySet());
        List<DiffChange> changes = new ArrayList<>();
        for (ObjectId id : ids.stream().sorted().toList()) {
            JsonNode l = left.get(id);
            JsonNode r = right.get(id);
            boolean secret = id.is(KubeRules.SECRET);
            if (l == null) {
                changes.add(new DiffChange(r.path("apiVersion").asText(), id.kind(), id.namespace(), id.name(), DriftEntry.ADDED, List.of()));
            } else if (r == null) {
                changes.add(new DiffChange(l.path("apiVersion").asText(), id.kind(), id.namespace(), id.name(), DriftEntry.REMOVED, List.of()));
            } else {
                List<DriftEntry.Field> fields = ObjectDiff.full(comparable(l), comparable(r), secret);
                if (!fields.isEmpty()) {
                    changes.add(new DiffChange(r.path("apiVersion").asText(), id.kind(), id.namespace(), id.name(), DriftEntry.CHANGED, fields));
                }
            }
        }
        return new DiffReport(leftName, rightName, ids.size(), changes, notes);
    }
}
