package dev.layercake.model;

import java.util.List;

/** The live application objects captured from the cluster. */
public record KubernetesSection(
        String context,
        List<String> namespaces,
        List<String> selectors,
        String encryptionKeyId,
        List<KubernetesResource> resources,
        List<DriftEntry> drift) {

    public KubernetesSection {
        namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
        selectors = selectors == null ? List.of() : List.copyOf(selectors);
        resources = resources == null ? List.of() : List.copyOf(resources);
        drift = drift == null ? List.of() : List.copyOf(drift);
    }

    public static KubernetesSection empty() {
        return new KubernetesSection(null, List.of(), List.of(), null, List.of(), List.of());
    }
}
