/**
 * Kubernetes application capture, restore, drift and diff, over fabric8's generic resources: no code per
 * kind, so custom resources work like built-in ones.
 *
 * <h2>Capture ({@link dev.layercake.kube.KubernetesCaptureStep})</h2>
 * <ol>
 *   <li>Discovery ({@link dev.layercake.kube.Discovery}): every served type at its group's preferred version that
 *       supports list, get, create and delete; no subresources.</li>
 *   <li>Listing: every namespaced type in each app namespace, every cluster-scoped type; types in
 *       {@link dev.layercake.kube.KubeRules#NEVER_CAPTURED} (Nodes, Events, Leases, ...) are not even listed.
 *       RBAC refusing a list in an app namespace fails the capture (AUTH, naming every refused type); refused
 *       cluster-scoped lists are one warning.</li>
 *   <li>Selection ({@link dev.layercake.kube.AppGraph}): the listing is one immutable
 *       {@link dev.layercake.kube.ClusterSnapshot}; the selection over it is {@link dev.layercake.kube.AppPlanner}, a pure
 *       function of the snapshot, the selectors and the {@link dev.layercake.kube.GraphRules} (the tables of
 *       {@link dev.layercake.kube.KubeRules}: pod spec references, references, subject bindings, pulled-in passes). It takes
 *       objects in the app's namespaces, and cluster-scoped
 *       objects other than Namespaces, matching any selector (OR; default {@code app.kubernetes.io/part-of=<app>}); an object with a controller owner is replaced by its top-level
 *       owner; Endpoints of a Service with a selector are generated and skipped; then the graph: what pod
 *       templates reference (ConfigMaps, Secrets, ServiceAccounts, PVCs, imagePullSecrets, StatefulSet claims),
 *       the ServiceAccounts' RoleBindings and ClusterRoleBindings with their Roles and ClusterRoles
 *       (never the built-in ones: cluster-admin, admin, edit, view, system:*), Services / NetworkPolicies / PDBs whose selectors match the
 *       app's pod labels, HPAs scaling a captured workload, Ingresses routing to a captured Service (and their
 *       TLS Secrets), the CRDs of captured custom resources, and the app's Namespace objects. The label
 *       {@code layercake.dev/exclude=true} and service-account token Secrets exclude an object however it was reached.</li>
 *   <li>Storage: each object as captured (less managedFields) under its own digest, the new ones of a capture
 *       written together in one pack (a blob; Secrets are blobs of their own), Secrets sealed by
 *       {@link dev.layercake.kube.SecretCipher} (AES-256-GCM; without a key they are skipped with a warning,
 *       unless {@code --secrets plain}).</li>
 *   <li>Drift ({@link dev.layercake.kube.DriftDetector}): the git YAML of kind {@code kubernetes} against the live
 *       objects, recorded in the manifest and printed as warnings.</li>
 * </ol>
 *
 * <h2>Restore ({@link dev.layercake.kube.KubernetesRestore})</h2>
 * Checks first (blob digests, decryption key, kinds served or defined by a CRD of the release, existing
 * objects with {@code --existing fail}), then cleans each object by the {@link dev.layercake.kube.Sanitizer#RULES}
 * table, maps namespaces ({@link dev.layercake.kube.KubeRules#NAMESPACE_FIELDS}), rewrites images, annotates, and applies in
 * {@link dev.layercake.kube.KubeRules#RESTORE_ORDER}, waiting for CRDs to be established; an update carries over the
 * fields of {@link dev.layercake.kube.KubeRules#UPDATE_RULES} from the live object. Its target is kube's own
 * {@link dev.layercake.kube.RestoreTarget}, which the restore engine builds from its request. A failure midway throws {@link dev.layercake.kube.KubernetesRestoreException}
 * naming exactly what was applied.
 *
 * <h2>Diff ({@link dev.layercake.kube.ReleaseDiff})</h2>
 * Release against release or against the live namespaces, by field, Secret values never shown.
 */
package dev.layercake.kube;
