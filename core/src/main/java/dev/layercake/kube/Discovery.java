package dev.layercake.kube;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The resource types a cluster serves, found by discovery: each group at its preferred version, only
 * types that support list, get, create and delete, no subresources. Custom resources are found the same
 * way as built-in ones, so they need no code of their own.
 */
public final class Discovery {

    private static final List<String> REQUIRED_VERBS = List.of("list", "get", "create", "delete");

    private final List<ResourceType> types;
    /** API groups whose discovery failed: their types are not captured (the backup records it as a gap). */
    private final List<String> unavailable;

    private Discovery(List<ResourceType> types) {
        this(types, List.of());
    }

    private Discovery(List<ResourceType> types, List<String> unavailable) {
        this.types = List.copyOf(types);
        this.unavailable = List.copyOf(unavailable);
    }

    public static Discovery of(List<ResourceType> types) {
        return new Discovery(types);
    }

    /** "group/version (HTTP code)" of each API group that did not answer discovery. */
    public List<String> unavailable() {
        return unavailable;
    }

    public static Discovery discover(KubeConnection connection) {
        return discover(connection, dev.layercake.api.progress.ProgressListener.NONE);
    }

    /**
     * Like kubectl, a group whose discovery fails (an aggregated API whose server is down, typically
     * metrics.k8s.io) is skipped with a warning; the core group and the group list must answer.
     */
    public static Discovery discover(KubeConnection connection, dev.layercake.api.progress.ProgressListener listener) {
        List<ResourceType> types = new ArrayList<>();
        List<String> unavailable = new ArrayList<>();
        try {
            addTypes(types, "", "v1", connection.client().getApiResources("v1"));
            if (connection.client().getApiGroups() != null) {
                for (APIGroup group : connection.client().getApiGroups().getGroups()) {
                    String version = group.getPreferredVersion() != null ? group.getPreferredVersion().getVersion()
                            : group.getVersions().get(0).getVersion();
                    try {
                        addTypes(types, group.getName(), version,
                                connection.client().getApiResources(group.getName() + "/" + version));
                    } catch (KubernetesClientException e) {
                        if (e.getCode() == 401 || e.getCode() == 403) {
                            throw e;
                        }
                        unavailable.add(group.getName() + "/" + version + " (HTTP " + e.getCode() + ")");
                    }
                }
            }
        } catch (KubernetesClientException e) {
            throw connection.failure("discovering the resource types the cluster serves", e);
        }
        if (types.isEmpty()) {
            throw new dev.layercake.LayercakeException(dev.layercake.LayercakeException.Kind.UNAVAILABLE,
                    "the cluster at " + connection.server() + " (context " + connection.context()
                            + ") serves no discovery documents (/api, /apis); it is not a Kubernetes API server");
        }
        if (!unavailable.isEmpty()) {
            listener.warn("API groups not answering discovery, their types are skipped: " + String.join(", ", unavailable));
        }
        return new Discovery(types, unavailable);
    }

    private static void addTypes(List<ResourceType> out, String group, String version, APIResourceList list) {
        if (list == null || list.getResources() == null) {
            return;
        }
        for (APIResource r : list.getResources()) {
            if (r.getName().contains("/") || r.getVerbs() == null || !r.getVerbs().containsAll(REQUIRED_VERBS)) {
                continue;
            }
            out.add(new ResourceType(group, version, r.getKind(), r.getName(), Boolean.TRUE.equals(r.getNamespaced())));
        }
    }

    public List<ResourceType> types() {
        return types;
    }

    /** The served type of a kind in a group, at the version this cluster prefers. */
    public Optional<ResourceType> find(String group, String kind) {
        return find(new KubeRules.GroupKind(group, kind));
    }

    public Optional<ResourceType> find(KubeRules.GroupKind type) {
        return types.stream().filter(t -> t.is(type)).findFirst();
    }
}
