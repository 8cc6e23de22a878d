package dev.layercake.model;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * The live application objects captured from the cluster. {@code rendered} (only when there are some): the
 * Kustomize roots and Helm charts of the commit that drift rendered, or could not, to know what git declares.
 */
public record KubernetesSection(
        String context,
        List<String> namespaces,
        List<String> selectors,
        String encryptionKeyId,
        List<KubernetesResource> resources,
        List<DriftEntry> drift,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<RenderEntry> rendered) {

    public KubernetesSection {
        namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
        selectors = selectors == null ? List.of() : List.copyOf(selectors);
        resources = resources == null ? List.of() : List.copyOf(resources);
        drift = drift == null ? List.of() : List.copyOf(drift);
        rendered = rendered == null ? List.of() : List.copyOf(rendered);
    }

    /** The section before rendered sources were recorded. */
    public KubernetesSection(String context, List<String> namespaces, List<String> selectors, String encryptionKeyId,
                             List<KubernetesResource> resources, List<DriftEntry> drift) {
        this(context, namespaces, selectors, encryptionKeyId, resources, drift, List.of());
    }

    public static KubernetesSection empty() {
        return new KubernetesSection(null, List.of(), List.of(), null, List.of(), List.of());
    }
}
