package dev.layercake.coverage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.layercake.model.CoverageSection;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The volumes the app's workloads mount: each PersistentVolumeClaim (named in a pod template, or made from a
 * StatefulSet's volumeClaimTemplates) with its size, class, access modes, bound PV, CSI driver and whether a
 * VolumeSnapshotClass exists for the driver; and hostPath and emptyDir volumes. Which workloads use each. A read
 * the ServiceAccount may not make leaves that field unknown (null) and adds a note naming the rule; it never
 * fails the backup.
 */
final class ClusterStorage {

    static final ResourceDefinitionContext SNAPSHOT_CLASSES = new ResourceDefinitionContext.Builder()
            .withGroup("snapshot.storage.k8s.io").withVersion("v1").withKind("VolumeSnapshotClass")
            .withPlural("volumesnapshotclasses").withNamespaced(false).build();
    private static final int MAX_VOLUMES = 500;

    private ClusterStorage() {
    }

    /** The pod spec of a workload (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob), or null. */
    static JsonNode podSpec(JsonNode o) {
        String kind = o.path("kind").asText();
        JsonNode spec = switch (kind) {
            case "Pod" -> o.path("spec");
            case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController" -> o.path("spec").path("template").path("spec");
            case "CronJob" -> o.path("spec").path("jobTemplate").path("spec").path("template").path("spec");
            default -> null;
        };
        return spec == null || spec.isMissingNode() ? null : spec;
    }

    /** Owned Pods, ReplicaSets and Jobs are their owner's: counted once, under the owner. */
    private static boolean owned(JsonNode o) {
        String kind = o.path("kind").asText();
        return List.of("Pod", "ReplicaSet", "Job").contains(kind) && o.path("metadata").path("ownerReferences").size() > 0;
    }

    private record Use(String kind, String namespace, String name, Set<String> usedBy, String detail) {
    }

    static List<CoverageSection.Volume> volumes(List<JsonNode> objects, KubernetesClient client, List<String> notes) {
        Map<String, Use> uses = new LinkedHashMap<>();
        Map<String, List<String>> templates = new LinkedHashMap<>(); // ns/templatePrefix -> users
        for (JsonNode o : objects) {
            JsonNode spec = podSpec(o);
            if (spec == null || owned(o)) {
                continue;
            }
            String ns = o.path("metadata").path("namespace").asText("");
            String workload = o.path("kind").asText() + " " + ns + "/" + o.path("metadata").path("name").asText();
            for (JsonNode v : spec.path("volumes")) {
                String vname = v.path("name").asText();
                if (v.has("persistentVolumeClaim")) {
                    String claim = v.path("persistentVolumeClaim").path("claimName").asText();
                    use(uses, "persistentVolumeClaim", ns, claim, workload, null);
                } else if (v.has("hostPath")) {
                    use(uses, "hostPath", ns, v.path("hostPath").path("path").asText(), workload, "volume " + vname);
                } else if (v.has("emptyDir")) {
                    String medium = v.path("emptyDir").path("medium").asText("");
                    use(uses, "emptyDir", ns, workload + " volume " + vname, workload, medium.isEmpty() ? null : "medium " + medium);
                } else if (v.has("ephemeral")) {
                    use(uses, "ephemeral", ns, workload + " volume " + vname, workload, null);
                }
            }
            if (o.path("kind").asText().equals("StatefulSet")) {
                for (JsonNode t : o.path("spec").path("volumeClaimTemplates")) {
                    String prefix = t.path("metadata").path("name").asText() + "-" + o.path("metadata").path("name").asText() + "-";
                    templates.computeIfAbsent(ns + "/" + prefix, k -> new ArrayList<>()).add(workload);
                }
            }
        }
        if (!templates.isEmpty() && client != null) {
            Set<String> namespaces = new LinkedHashSet<>();
            templates.keySet().forEach(k -> namespaces.add(k.substring(0, k.indexOf('/'))));
            for (String ns : namespaces) {
                try {
                    for (PersistentVolumeClaim pvc : client.persistentVolumeClaims().inNamespace(ns).list().getItems()) {
                        String name = pvc.getMetadata().getName();
                        for (var t : templates.entrySet()) {
                            String prefix = t.getKey().substring(ns.length() + 1);
                            if (t.getKey().startsWith(ns + "/") && name.startsWith(prefix)
                                    && Pattern.matches("[0-9]+", name.substring(prefix.length()))) {
                                t.getValue().forEach(w -> use(uses, "persistentVolumeClaim", ns, name, w, null));
                            }
                        }
                    }
                } catch (KubernetesClientException e) {
                    notes.add(denied(e, "list persistentvolumeclaims in namespace " + ns, "StatefulSet claims not listed"));
                }
            }
        }
        Map<String, Boolean> snapshotDrivers = null;
        List<CoverageSection.Volume> out = new ArrayList<>();
        for (Use u : uses.values()) {
            if (out.size() >= MAX_VOLUMES) {
                notes.add((uses.size() - MAX_VOLUMES) + " more volume(s) not recorded (limit " + MAX_VOLUMES + ")");
                break;
            }
            if (!u.kind().equals("persistentVolumeClaim")) {
                out.add(new CoverageSection.Volume(u.kind(), u.namespace(), u.name(), null, null, List.of(), null, null, null,
                        List.copyOf(u.usedBy()), u.detail(), null));
                continue;
            }
            if (snapshotDrivers == null) {
                snapshotDrivers = snapshotDrivers(client, notes);
            }
            out.add(claim(u, client, snapshotDrivers, notes));
        }
        return out;
    }

    private static void use(Map<String, Use> uses, String kind, String ns, String name, String workload, String detail) {
        uses.computeIfAbsent(kind + "\u0000" + ns + "\u0000" + name, k -> new Use(kind, ns, name, new LinkedHashSet<>(), detail))
                .usedBy().add(workload);
    }

    private static CoverageSection.Volume claim(Use u, KubernetesClient client, Map<String, Boolean> snapshotDrivers, List<String> notes) {
        String size = null, storageClass = null, pvName = null, driver = null;
        List<String> modes = List.of();
        String foundIn = "PersistentVolumeClaim " + u.namespace() + "/" + u.name();
        if (client != null) {
            try {
                PersistentVolumeClaim pvc = client.persistentVolumeClaims().inNamespace(u.namespace()).withName(u.name()).get();
                if (pvc == null) {
                    foundIn += " (does not exist)";
                } else {
                    var spec = pvc.getSpec();
                    Quantity q = pvc.getStatus() != null && pvc.getStatus().getCapacity() != null
                            ? pvc.getStatus().getCapacity().get("storage") : null;
                    if (q == null && spec.getResources() != null && spec.getResources().getRequests() != null) {
                        q = spec.getResources().getRequests().get("storage");
                    }
                    size = q == null ? null : q.toString();
                    storageClass = spec.getStorageClassName();
                    modes = spec.getAccessModes() == null ? List.of() : spec.getAccessModes();
                    pvName = spec.getVolumeName();
                }
            } catch (KubernetesClientException e) {
                notes.add(denied(e, "get persistentvolumeclaims in namespace " + u.namespace(), "claim " + u.name() + " not described"));
            }
            if (pvName != null && !pvName.isEmpty()) {
                try {
                    PersistentVolume pv = client.persistentVolumes().withName(pvName).get();
                    if (pv != null && pv.getSpec().getCsi() != null) {
                        driver = pv.getSpec().getCsi().getDriver();
                    }
                } catch (KubernetesClientException e) {
                    notes.add(denied(e, "get persistentvolumes (cluster-scoped)", "CSI driver of " + pvName + " not known"));
                }
            }
            if (driver == null && storageClass != null && !storageClass.isEmpty()) {
                try {
                    StorageClass sc = client.storage().v1().storageClasses().withName(storageClass).get();
                    if (sc != null) {
                        driver = sc.getProvisioner();
                    }
                } catch (KubernetesClientException e) {
                    notes.add(denied(e, "get storageclasses.storage.k8s.io", "provisioner of class " + storageClass + " not known"));
                }
            }
        }
        Boolean snapshot = driver == null || snapshotDrivers == null ? null : snapshotDrivers.getOrDefault(driver, false);
        return new CoverageSection.Volume(u.kind(), u.namespace(), u.name(), size, storageClass, modes, pvName, driver, snapshot,
                List.copyOf(u.usedBy()), foundIn, null);
    }

    /** Driver -> true for every VolumeSnapshotClass; empty when the snapshot API is not installed; null: not readable. */
    private static Map<String, Boolean> snapshotDrivers(KubernetesClient client, List<String> notes) {
        if (client == null) {
            return null;
        }
        try {
            Map<String, Boolean> drivers = new LinkedHashMap<>();
            for (GenericKubernetesResource c : client.genericKubernetesResources(SNAPSHOT_CLASSES).list().getItems()) {
                Object d = c.getAdditionalProperties().get("driver");
                if (d != null) {
                    drivers.put(d.toString(), true);
                }
            }
            return drivers;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                notes.add("no VolumeSnapshotClass API (snapshot.storage.k8s.io/v1) in this cluster: no volume can be snapshotted by CSI");
                return Map.of();
            }
            notes.add(denied(e, "list volumesnapshotclasses.snapshot.storage.k8s.io", "snapshot support not known"));
            return null;
        }
    }

    static String denied(KubernetesClientException e, String rule, String effect) {
        return (e.getCode() == 403 ? "not permitted: " + rule : "could not " + rule + " (HTTP " + e.getCode() + ")") + "; " + effect;
    }
}
