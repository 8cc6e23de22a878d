package dev.layercake.drill;

import dev.layercake.LayercakeException;
import dev.layercake.kube.Discovery;
import dev.layercake.kube.KubeConnection;
import dev.layercake.kube.ResourceType;
import dev.layercake.api.progress.ProgressListener;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Deletes what drills created, found by their labels only: never an object without {@link Drill#LABEL_DRILL}.
 * Namespaced objects go first, namespaces last (an API server that runs no controller, like the mock, does
 * not empty a namespace it deletes).
 */
final class DrillCleaner {

    private final KubeConnection connection;
    private final ProgressListener listener;

    DrillCleaner(KubeConnection connection, ProgressListener listener) {
        this.connection = connection;
        this.listener = listener;
    }

    /** A scratch namespace that exists and is not a drill's is refused: a drill never writes into it. */
    void refuseForeign(Collection<String> scratch) {
        for (String ns : scratch) {
            Namespace existing;
            try {
                existing = connection.client().namespaces().withName(ns).get();
            } catch (KubernetesClientException e) {
                throw connection.failure("checking the scratch namespace " + ns, e);
            }
            if (existing != null && (existing.getMetadata().getLabels() == null
                    || !existing.getMetadata().getLabels().containsKey(Drill.LABEL_DRILL))) {
                throw LayercakeException.conflict("scratch namespace " + ns + " already exists in context " + connection.context()
                        + " and is not a drill's (no " + Drill.LABEL_DRILL + " label); a drill never writes into a namespace it did"
                        + " not create: give another with --namespace-mapping OLD=NEW; nothing was applied");
            }
        }
    }

    /** Removes what earlier drills of {@code app} left (a drill that was killed). Returns how many objects. */
    int removeLeftovers(String app) {
        return delete(Drill.LABEL_DRILL_APP + "=" + app, "leftover of an earlier drill of " + app);
    }

    /** Removes everything of one drill. */
    int remove(String drillId) {
        return delete(Drill.LABEL_DRILL + "=" + drillId, "drill " + drillId);
    }

    /** {@code drill --clean}: every drill's objects, of every app. */
    int removeAll() {
        return delete(Drill.LABEL_DRILL, "a drill");
    }

    private int delete(String selector, String what) {
        Discovery discovery = Discovery.discover(connection);
        List<ResourceType> namespaceLast = new ArrayList<>();
        int removed = 0;
        for (ResourceType type : discovery.types()) {
            if (type.is("", "Namespace")) {
                namespaceLast.add(type);
                continue;
            }
            removed += deleteOfType(type, selector, what);
        }
        for (ResourceType type : namespaceLast) {
            removed += deleteOfType(type, selector, what);
        }
        return removed;
    }

    private int deleteOfType(ResourceType type, String selector, String what) {
        var op = connection.client().genericKubernetesResources(type.context());
        List<GenericKubernetesResource> items;
        try {
            items = (type.namespaced() ? op.inAnyNamespace().withLabelSelector(selector) : op.withLabelSelector(selector)).list().getItems();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 403 || e.getCode() == 404 || e.getCode() == 405) {
                return 0; // not listable here: nothing of ours can have been created through it either
            }
            throw connection.failure("listing " + type.resourceName() + " labelled " + selector, e);
        }
        int removed = 0;
        for (GenericKubernetesResource r : items) {
            // the selector asked the server; the label is checked again here so nothing unlabelled is ever deleted
            if (r.getMetadata().getLabels() == null || !r.getMetadata().getLabels().containsKey(Drill.LABEL_DRILL)) {
                continue;
            }
            String ns = r.getMetadata().getNamespace();
            try {
                if (type.namespaced()) {
                    op.inNamespace(ns).withName(r.getMetadata().getName()).delete();
                } else {
                    op.withName(r.getMetadata().getName()).delete();
                }
                removed++;
            } catch (KubernetesClientException e) {
                listener.warn("could not delete " + type.kind() + " " + (ns == null ? "" : ns + "/") + r.getMetadata().getName()
                        + " (" + what + "): " + e.getMessage() + "; run drill --clean");
            }
        }
        return removed;
    }
}
