package dev.layercake.drill;

import dev.layercake.model.DriftEntry;

import java.util.List;

/**
 * What a drill ignores when it compares an object read back from the scratch namespace with what it
 * applied: fields the API server fills in. {@code DEFAULTED}: ignored only when the applied object did not
 * set it (the server's default); {@code ALWAYS}: allocated by the server whatever was sent. Paths are JSON
 * pointers; {@code *} matches one segment (an array index or a key); a rule covers everything below its path.
 */
public final class DrillCompareRules {

    public enum When { DEFAULTED, ALWAYS }

    /** kind: "*" for every kind, else group/Kind ("/Service" is the core group). */
    public record Rule(String kind, String path, When when, String why) {
    }

    private static final String POD = "/spec/template/spec";

    public static final List<Rule> RULES = List.of(
            new Rule("*", "/metadata/labels/kubernetes.io~1metadata.name", When.ALWAYS, "set by the API server"),
            new Rule("*", "/spec/template/metadata/creationTimestamp", When.DEFAULTED, "null timestamp in templates"),
            new Rule("*", POD + "/restartPolicy", When.DEFAULTED, "pod default"),
            new Rule("*", POD + "/dnsPolicy", When.DEFAULTED, "pod default"),
            new Rule("*", POD + "/schedulerName", When.DEFAULTED, "pod default"),
            new Rule("*", POD + "/securityContext", When.DEFAULTED, "pod default"),
            new Rule("*", POD + "/terminationGracePeriodSeconds", When.DEFAULTED, "pod default"),
            new Rule("*", POD + "/serviceAccount", When.DEFAULTED, "deprecated alias of serviceAccountName"),
            new Rule("*", POD + "/containers/*/terminationMessagePath", When.DEFAULTED, "container default"),
            new Rule("*", POD + "/containers/*/terminationMessagePolicy", When.DEFAULTED, "container default"),
            new Rule("*", POD + "/containers/*/imagePullPolicy", When.DEFAULTED, "container default"),
            new Rule("*", POD + "/containers/*/resources", When.DEFAULTED, "container default"),
            new Rule("*", POD + "/containers/*/ports/*/protocol", When.DEFAULTED, "port default"),
            new Rule("*", POD + "/initContainers/*/terminationMessagePath", When.DEFAULTED, "container default"),
            new Rule("*", POD + "/initContainers/*/terminationMessagePolicy", When.DEFAULTED, "container default"),
            new Rule("*", POD + "/initContainers/*/imagePullPolicy", When.DEFAULTED, "container default"),
            new Rule("apps/Deployment", "/spec/progressDeadlineSeconds", When.DEFAULTED, "workload default"),
            new Rule("apps/Deployment", "/spec/revisionHistoryLimit", When.DEFAULTED, "workload default"),
            new Rule("apps/Deployment", "/spec/strategy", When.DEFAULTED, "workload default"),
            new Rule("apps/StatefulSet", "/spec/podManagementPolicy", When.DEFAULTED, "workload default"),
            new Rule("apps/StatefulSet", "/spec/revisionHistoryLimit", When.DEFAULTED, "workload default"),
            new Rule("apps/StatefulSet", "/spec/updateStrategy", When.DEFAULTED, "workload default"),
            new Rule("apps/StatefulSet", "/spec/persistentVolumeClaimRetentionPolicy", When.DEFAULTED, "workload default"),
            new Rule("apps/StatefulSet", "/spec/volumeClaimTemplates/*/metadata/creationTimestamp", When.DEFAULTED, "null timestamp"),
            new Rule("apps/StatefulSet", "/spec/volumeClaimTemplates/*/spec/volumeMode", When.DEFAULTED, "claim default"),
            new Rule("apps/StatefulSet", "/spec/volumeClaimTemplates/*/status", When.DEFAULTED, "claim status"),
            new Rule("apps/DaemonSet", "/spec/revisionHistoryLimit", When.DEFAULTED, "workload default"),
            new Rule("apps/DaemonSet", "/spec/updateStrategy", When.DEFAULTED, "workload default"),
            new Rule("batch/Job", "/spec/selector", When.DEFAULTED, "generated from the new job's uid"),
            new Rule("batch/Job", "/spec/template/metadata/labels", When.DEFAULTED, "controller-uid labels of the new job"),
            new Rule("batch/Job", "/spec/backoffLimit", When.DEFAULTED, "job default"),
            new Rule("batch/Job", "/spec/completionMode", When.DEFAULTED, "job default"),
            new Rule("batch/Job", "/spec/completions", When.DEFAULTED, "job default"),
            new Rule("batch/Job", "/spec/parallelism", When.DEFAULTED, "job default"),
            new Rule("batch/Job", "/spec/suspend", When.DEFAULTED, "job default"),
            new Rule("batch/Job", "/spec/podReplacementPolicy", When.DEFAULTED, "job default"),
            new Rule("batch/Job", "/spec/manualSelector", When.DEFAULTED, "job default"),
            new Rule("/Service", "/spec/clusterIP", When.ALWAYS, "allocated from the target's range"),
            new Rule("/Service", "/spec/clusterIPs", When.ALWAYS, "allocated from the target's range"),
            new Rule("/Service", "/spec/type", When.DEFAULTED, "service default"),
            new Rule("/Service", "/spec/sessionAffinity", When.DEFAULTED, "service default"),
            new Rule("/Service", "/spec/ipFamilies", When.DEFAULTED, "service default"),
            new Rule("/Service", "/spec/ipFamilyPolicy", When.DEFAULTED, "service default"),
            new Rule("/Service", "/spec/internalTrafficPolicy", When.DEFAULTED, "service default"),
            new Rule("/Service", "/spec/externalTrafficPolicy", When.DEFAULTED, "service default"),
            new Rule("/Service", "/spec/ports/*/protocol", When.DEFAULTED, "port default"),
            new Rule("/Service", "/spec/ports/*/targetPort", When.DEFAULTED, "port default"),
            new Rule("/Service", "/spec/ports/*/nodePort", When.DEFAULTED, "allocated from the target's range"),
            new Rule("/Service", "/spec/healthCheckNodePort", When.DEFAULTED, "allocated from the target's range"),
            new Rule("/PersistentVolumeClaim", "/spec/volumeMode", When.DEFAULTED, "claim default"),
            new Rule("/PersistentVolumeClaim", "/spec/storageClassName", When.DEFAULTED, "default storage class"),
            new Rule("/PersistentVolumeClaim", "/spec/volumeName", When.DEFAULTED, "bound by the target"),
            new Rule("/PersistentVolumeClaim", "/metadata/annotations", When.DEFAULTED, "binding annotations"),
            new Rule("/Namespace", "/spec/finalizers", When.DEFAULTED, "set by the API server"),
            new Rule("/ServiceAccount", "/secrets", When.DEFAULTED, "token Secrets made by the target"),
            new Rule("apiextensions.k8s.io/CustomResourceDefinition", "/spec/conversion", When.DEFAULTED, "CRD default"));

    private DrillCompareRules() {
    }

    /** Whether a rule says this difference is the API server's doing, not a restore that went wrong. */
    public static boolean ignored(String group, String kind, DriftEntry.Field field) {
        String gk = group + "/" + kind;
        for (Rule r : RULES) {
            if ((r.kind().equals("*") || r.kind().equals(gk)) && covers(r.path(), field.pointer())
                    && (r.when() == When.ALWAYS || DriftEntry.ADDED.equals(field.change()))) {
                return true;
            }
        }
        return false;
    }

    static boolean covers(String rulePath, String pointer) {
        String[] rule = rulePath.substring(1).split("/", -1);
        String[] actual = pointer.startsWith("/") ? pointer.substring(1).split("/", -1) : new String[0];
        if (actual.length < rule.length) {
            return false;
        }
        for (int i = 0; i < rule.length; i++) {
            if (!rule[i].equals("*") && !rule[i].equals(actual[i])) {
                return false;
            }
        }
        return true;
    }
}
