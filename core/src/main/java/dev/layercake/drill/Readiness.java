package dev.layercake.drill;

import dev.layercake.api.result.DrillRecord;
import com.fasterxml.jackson.databind.JsonNode;
import dev.layercake.LayercakeException;
import dev.layercake.kube.KubeConnection;
import dev.layercake.model.Json;
import dev.layercake.api.progress.ProgressListener;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Waits, bounded by the timeout, for the scratch workloads to be available (Deployments, StatefulSets,
 * DaemonSets) and Jobs to complete, and names the pods that do not start with their reason. A cluster
 * with no nodes (an API server that runs no pods, like the mock) cannot show readiness: the check is then
 * "not observed", never passed.
 */
final class Readiness {

    private final KubeConnection connection;
    private final Duration timeout;
    private final ProgressListener listener;

    Readiness(KubeConnection connection, Duration timeout, ProgressListener listener) {
        this.connection = connection;
        this.timeout = timeout;
        this.listener = listener;
    }

    DrillRecord.Check check(Collection<String> namespaces, List<DrillRecord.Difference> differences) {
        try {
            if (connection.client().nodes().list().getItems().isEmpty()) {
                return new DrillRecord.Check("readiness", DrillRecord.NOT_OBSERVED,
                        "the cluster has no nodes (it runs no pods): readiness cannot be observed here", List.of());
            }
        } catch (KubernetesClientException e) {
            return new DrillRecord.Check("readiness", DrillRecord.NOT_OBSERVED,
                    "nodes cannot be listed (" + e.getCode() + "): readiness not observed", List.of());
        }
        listener.phase("readiness");
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> waiting;
        while (true) {
            waiting = notReady(namespaces);
            if (waiting.isEmpty() || System.nanoTime() > deadline) {
                break;
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LayercakeException(LayercakeException.Kind.FAILED, "interrupted while waiting for the drill's workloads");
            }
        }
        if (waiting.isEmpty()) {
            return new DrillRecord.Check("readiness", DrillRecord.PASSED,
                    "every Deployment/StatefulSet/DaemonSet available and every Job complete within " + timeout.toSeconds() + "s", List.of());
        }
        List<String> problems = new ArrayList<>(waiting);
        problems.addAll(podReasons(namespaces));
        for (String w : waiting) {
            differences.add(new DrillRecord.Difference("readiness", w.substring(0, w.indexOf(':')), "/status", "ready", w.substring(w.indexOf(':') + 2)));
        }
        return new DrillRecord.Check("readiness", DrillRecord.FAILED, "not ready within " + timeout.toSeconds() + "s", problems);
    }

    /** "Deployment ns/name: 0/2 available", one line per workload not ready yet. */
    private List<String> notReady(Collection<String> namespaces) {
        List<String> out = new ArrayList<>();
        var client = connection.client();
        for (String ns : namespaces) {
            for (var d : client.apps().deployments().inNamespace(ns).list().getItems()) {
                int want = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
                int have = d.getStatus() == null || d.getStatus().getAvailableReplicas() == null ? 0 : d.getStatus().getAvailableReplicas();
                if (have < want) {
                    out.add("Deployment " + ns + "/" + d.getMetadata().getName() + ": " + have + "/" + want + " available");
                }
            }
            for (var s : client.apps().statefulSets().inNamespace(ns).list().getItems()) {
                int want = s.getSpec().getReplicas() == null ? 1 : s.getSpec().getReplicas();
                int have = s.getStatus() == null || s.getStatus().getAvailableReplicas() == null ? 0 : s.getStatus().getAvailableReplicas();
                if (have < want) {
                    out.add("StatefulSet " + ns + "/" + s.getMetadata().getName() + ": " + have + "/" + want + " available");
                }
            }
            for (var ds : client.apps().daemonSets().inNamespace(ns).list().getItems()) {
                var st = ds.getStatus();
                int want = st == null || st.getDesiredNumberScheduled() == null ? 0 : st.getDesiredNumberScheduled();
                int have = st == null || st.getNumberAvailable() == null ? 0 : st.getNumberAvailable();
                if (st == null || have < want) {
                    out.add("DaemonSet " + ns + "/" + ds.getMetadata().getName() + ": " + have + "/" + want + " available");
                }
            }
            for (var j : client.batch().v1().jobs().inNamespace(ns).list().getItems()) {
                boolean complete = j.getStatus() != null && j.getStatus().getConditions() != null && j.getStatus().getConditions().stream()
                        .anyMatch(c -> c.getType().equals("Complete") && c.getStatus().equals("True"));
                if (!complete) {
                    out.add("Job " + ns + "/" + j.getMetadata().getName() + ": not complete");
                }
            }
        }
        return out;
    }

    /** Why pods do not start: ImagePullBackOff, CrashLoopBackOff, unschedulable, a missing ConfigMap/Secret/PVC. */
    private List<String> podReasons(Collection<String> namespaces) {
        List<String> out = new ArrayList<>();
        for (String ns : namespaces) {
            for (Pod pod : connection.client().pods().inNamespace(ns).list().getItems()) {
                JsonNode status = Json.mapper().valueToTree(pod.getStatus());
                String name = "pod " + ns + "/" + pod.getMetadata().getName();
                for (JsonNode c : status.path("conditions")) {
                    if (c.path("type").asText().equals("PodScheduled") && c.path("status").asText().equals("False")) {
                        out.add(name + ": " + c.path("reason").asText("unschedulable") + " " + c.path("message").asText(""));
                    }
                }
                for (String field : List.of("initContainerStatuses", "containerStatuses")) {
                    for (JsonNode c : status.path(field)) {
                        JsonNode waiting = c.path("state").path("waiting");
                        if (!waiting.isMissingNode() && !waiting.isNull()) {
                            out.add(name + " container " + c.path("name").asText() + ": " + waiting.path("reason").asText()
                                    + (waiting.path("message").asText("").isEmpty() ? "" : " (" + waiting.path("message").asText() + ")"));
                        }
                    }
                }
            }
        }
        return out;
    }
}
