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

    /** The type's group and kind. */
    public KubeRules.GroupKind type() {
        return new KubeRules.GroupKind(group, kind);
    }

    /** The same type addressed at another version (the one an object was captured at). */
    public ResourceType atVersion(String version) {
        return version.equals(this.version) ? this : new ResourceType(group, version, kind, plural, namespaced);
    }

    public boolean is(KubeRules.GroupKind type) {
        return group.equals(type.group()) && kind.equals(type.kind());
    }

    public boolean is(String group, String kind) {
        return this.group.equals(group) && this.kind.equals(kind);
    }
}
