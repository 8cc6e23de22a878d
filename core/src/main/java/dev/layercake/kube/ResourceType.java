package dev.layercake.kube;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/** One served resource type, as discovery reports it at its preferred version. */
public record ResourceType(String group, String version, String kind, String plural, boolean namespaced) {

    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** "deployments.apps", "configmaps": the name RBAC and kubectl use. */
    public String resourceName() {
        return group.isEmpty() ? plural : plural + "." + group;
    }

    public ResourceDefinitionContext context() {
        return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind(kind)
                .withPlural(plural).withNamespaced(namespaced).build();
    }

    public boolean is(String group, String kind) {
        return this.group.equals(group) && this.kind.equals(kind);
    }
}
