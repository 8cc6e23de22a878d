package dev.layercake.kube;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.layercake.api.progress.ProgressListener;

import java.util.List;
import java.util.Map;

/**
 * Finds the application in the cluster: reads every served type in the app's namespaces (and the cluster-scoped
 * ones) once into a {@link ClusterSnapshot} ({@link ClusterReader}), then selects over it ({@link AppPlanner}, a pure
 * function of the snapshot, the selectors and the {@link GraphRules}): objects by label (selectors OR-ed), their
 * top-level owners, what pod templates reference, RBAC of the service accounts, what selects the app's pods or routes
 * to its Services, and the CRDs of captured custom resources. Exclusions ({@link KubeRules}) apply to every object,
 * however it was reached.
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

    private final KubeConnection connection;
    private final Discovery discovery;
    private final List<String> namespaces;
    private final List<LabelSelector> selectors;
    private final ProgressListener listener;
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
        ClusterSnapshot snapshot = ClusterReader.read(connection, discovery, namespaces, tolerateForbidden, listener);
        AppPlanner.Plan plan = AppPlanner.plan(snapshot, selectors, GraphRules.DEFAULT);
        plan.notes().forEach(listener::info);
        return plan.selection();
    }
}
