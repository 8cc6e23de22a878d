package dev.layercake.kube;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.layercake.LayercakeException;
import dev.layercake.api.progress.ProgressListener;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reads the cluster once into a {@link ClusterSnapshot}: every served type ({@link Discovery}) but those
 * {@link KubeRules#NEVER_CAPTURED}, in each app namespace or cluster-wide, paged, a few lists at a time. RBAC refusing
 * a list in an app namespace fails the read (AUTH, naming every refused type) unless tolerated; refused
 * cluster-scoped lists are one warning.
 */
final class ClusterReader {

    private static final int LIST_PAGE = 500;
    private static final int LIST_THREADS = 6;

    private ClusterReader() {
    }

    static ClusterSnapshot read(KubeConnection connection, Discovery discovery, List<String> namespaces, boolean tolerateForbidden,
                                ProgressListener listener) {
        record Job(ResourceType type, String namespace) {
        }
        List<Job> jobs = new ArrayList<>();
        for (ResourceType t : discovery.types()) {
            if (KubeRules.neverCaptured(t.type())) {
                continue;
            }
            if (t.namespaced()) {
                namespaces.forEach(ns -> jobs.add(new Job(t, ns)));
            } else {
                jobs.add(new Job(t, null));
            }
        }
        Map<ObjectId, ObjectNode> all = new LinkedHashMap<>();
        Map<ObjectId, ResourceType> typeOf = new LinkedHashMap<>();
        List<ResourceType> listedTypes = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<String> forbiddenTolerated = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(LIST_THREADS, r -> {
            Thread th = new Thread(r, "layercake-kube-list");
            th.setDaemon(true);
            return th;
        });
        try {
            List<Future<List<ObjectNode>>> futures = new ArrayList<>();
            for (Job job : jobs) {
                futures.add(pool.submit(() -> list(connection, job.type(), job.namespace())));
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
                if (!KubeRules.neverCaptured(t.type()) && !forbiddenClusterScoped.contains(t.resourceName())
                        && forbidden.stream().noneMatch(f -> f.startsWith(t.resourceName() + " in "))) {
                    listedTypes.add(t);
                }
            }
            if (!forbiddenClusterScoped.isEmpty()) {
                // CI identities are seldom granted cluster-wide reads; the app's namespaces are what must be readable
                String message = "RBAC forbids listing these cluster-scoped types, so none of them is captured (nor the CRDs of"
                        + " custom resources, if customresourcedefinitions is among them): " + String.join(", ", forbiddenClusterScoped);
                warnings.add(message);
                listener.warn(message);
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
        return new ClusterSnapshot(namespaces, all, typeOf, listedTypes, forbiddenTolerated, warnings);
    }

    private static List<ObjectNode> list(KubeConnection connection, ResourceType type, String namespace) {
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
}
