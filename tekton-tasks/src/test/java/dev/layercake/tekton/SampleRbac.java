package dev.layercake.tekton;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a sample's RBAC grants one ServiceAccount, evaluated the way the Kubernetes RBAC authorizer does:
 * rules of a Role bound in its namespace apply there, of a ClusterRole bound by a ClusterRoleBinding
 * everywhere (and by a RoleBinding in the binding's namespace); {@code *} matches any group, resource or
 * verb; resourceNames restrict to those names. Used as an authorizer for the mock API server, it also
 * applies the escalation checks on RBAC writes: creating or updating a Role needs {@code escalate} on it or
 * every permission it grants; a binding needs {@code bind} on the role it refers to (stricter than the API
 * server, which also accepts holding the role's permissions).
 */
final class SampleRbac {

    /** One resource request, as the API server's RequestInfo sees it; namespace null when cluster-scoped. */
    record Attributes(String verb, String group, String resource, String subresource, String namespace, String name) {
        @Override
        public String toString() {
            return verb + " " + (group.isEmpty() ? "" : group + "/") + resource + (subresource == null ? "" : "/" + subresource)
                    + (name == null ? "" : " " + name) + (namespace == null ? " (cluster-scoped)" : " in namespace " + namespace);
        }
    }

    private record Grant(String namespace, PolicyRule rule) {
    }

    private final List<Grant> grants;
    private final List<String> denied = new CopyOnWriteArrayList<>();
    private final List<Attributes> allowed = new CopyOnWriteArrayList<>();

    private SampleRbac(List<Grant> grants) {
        this.grants = List.copyOf(grants);
    }

    /** The grants of the ServiceAccount {@code namespace/name} in these documents. */
    static SampleRbac of(List<HasMetadata> docs, String namespace, String name) {
        List<Grant> grants = new ArrayList<>();
        for (RoleBinding b : TektonDocuments.ofType(docs, RoleBinding.class)) {
            if (binds(b.getSubjects(), namespace, name)) {
                rules(docs, b.getRoleRef(), b.getMetadata().getNamespace()).forEach(r -> grants.add(new Grant(b.getMetadata().getNamespace(), r)));
            }
        }
        for (ClusterRoleBinding b : TektonDocuments.ofType(docs, ClusterRoleBinding.class)) {
            if (binds(b.getSubjects(), namespace, name)) {
                rules(docs, b.getRoleRef(), null).forEach(r -> grants.add(new Grant(null, r)));
            }
        }
        return new SampleRbac(grants);
    }

    private static boolean binds(List<Subject> subjects, String namespace, String name) {
        return subjects != null && subjects.stream().anyMatch(s -> "ServiceAccount".equals(s.getKind())
                && name.equals(s.getName()) && namespace.equals(s.getNamespace()));
    }

    private static List<PolicyRule> rules(List<HasMetadata> docs, RoleRef ref, String namespace) {
        if ("Role".equals(ref.getKind())) {
            return TektonDocuments.ofType(docs, Role.class).stream()
                    .filter(r -> r.getMetadata().getName().equals(ref.getName()) && r.getMetadata().getNamespace().equals(namespace))
                    .flatMap(r -> r.getRules().stream()).toList();
        }
        return TektonDocuments.ofType(docs, ClusterRole.class).stream().filter(r -> r.getMetadata().getName().equals(ref.getName()))
                .flatMap(r -> r.getRules().stream()).toList();
    }

    boolean allows(Attributes a) {
        for (Grant g : grants) {
            if (g.namespace() != null && !g.namespace().equals(a.namespace())) {
                continue;
            }
            PolicyRule r = g.rule();
            String resource = a.subresource() == null ? a.resource() : a.resource() + "/" + a.subresource();
            boolean names = r.getResourceNames() == null || r.getResourceNames().isEmpty()
                    || (a.name() != null && r.getResourceNames().contains(a.name()));
            if (matches(r.getVerbs(), a.verb()) && matches(r.getApiGroups(), a.group())
                    && (matches(r.getResources(), resource) || (a.subresource() != null && r.getResources().contains(a.resource() + "/*")))
                    && names) {
                return true;
            }
        }
        return false;
    }

    boolean allows(String verb, String group, String resource, String namespace, String name) {
        return allows(new Attributes(verb, group, resource, null, namespace, name));
    }

    private static boolean matches(List<String> granted, String value) {
        return granted != null && (granted.contains("*") || granted.contains(value));
    }

    /** The requests refused so far, each with the reason. */
    List<String> denied() {
        return List.copyOf(denied);
    }

    /** The resource requests allowed so far. */
    List<Attributes> allowed() {
        return List.copyOf(allowed);
    }

    /** As the mock API server's authorizer: null to serve the request, else why it is forbidden. */
    String authorize(String method, String pathAndQuery, String body) {
        Attributes a = attributes(method, pathAndQuery);
        if (a == null) {
            return null; // discovery, /version: every authenticated identity may read them (system:discovery)
        }
        String refusal = null;
        if (!allows(a)) {
            refusal = "the sample RBAC does not allow " + a;
        } else if (a.group().equals("rbac.authorization.k8s.io") && (a.verb().equals("create") || a.verb().equals("update"))) {
            refusal = escalation(a, body);
        }
        if (refusal != null) {
            denied.add(refusal);
        } else {
            allowed.add(a);
        }
        return refusal;
    }

    private String escalation(Attributes a, String body) {
        JsonNode object;
        try {
            object = TektonDocuments.JSON.readTree(body == null ? "{}" : body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (a.resource().equals("roles") || a.resource().equals("clusterroles")) {
            if (allows(new Attributes("escalate", a.group(), a.resource(), null, a.namespace(), a.name()))) {
                return null;
            }
            for (JsonNode rule : object.path("rules")) {
                for (JsonNode group : rule.path("apiGroups")) {
                    for (JsonNode resource : rule.path("resources")) {
                        for (JsonNode verb : rule.path("verbs")) {
                            if (!allows(verb.asText(), group.asText(), resource.asText(), a.namespace(), null)) {
                                return "escalation: " + a + " grants " + verb.asText() + " " + resource.asText()
                                        + ", which the account does not hold, and it may not escalate " + a.resource();
                            }
                        }
                    }
                }
            }
            return null;
        }
        if (a.resource().equals("rolebindings") || a.resource().equals("clusterrolebindings")) {
            JsonNode ref = object.path("roleRef");
            String roles = ref.path("kind").asText().equals("Role") ? "roles" : "clusterroles";
            if (!allows("bind", "rbac.authorization.k8s.io", roles, a.namespace(), ref.path("name").asText())) {
                return "escalation: " + a + " binds " + ref.path("kind").asText() + " " + ref.path("name").asText()
                        + " and the account may not bind " + roles;
            }
        }
        return null;
    }

    private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

    /** The request's attributes, as the API server's RequestInfoFactory derives them; null for a non-resource request. */
    static Attributes attributes(String method, String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        String query = q < 0 ? "" : pathAndQuery.substring(q + 1);
        List<String> parts = new ArrayList<>(List.of(path.replaceAll("^/+|/+$", "").split("/")));
        String group;
        if (parts.size() >= 3 && parts.get(0).equals("api")) {
            group = "";
            parts = parts.subList(2, parts.size());
        } else if (parts.size() >= 4 && parts.get(0).equals("apis")) {
            group = parts.get(1);
            parts = parts.subList(3, parts.size());
        } else {
            return null;
        }
        String namespace = null;
        if (parts.get(0).equals("namespaces") && parts.size() > 1) {
            namespace = parts.get(1);
            if (parts.size() > 2 && !NAMESPACE_SUBRESOURCES.contains(parts.get(2))) {
                parts = parts.subList(2, parts.size());
            }
        }
        String resource = parts.get(0);
        String name = parts.size() > 1 ? parts.get(1) : null;
        String subresource = parts.size() > 2 ? parts.get(2) : null;
        if (resource.equals("namespaces") && namespace != null) {
            name = namespace; // the Namespace object itself: /api/v1/namespaces/NAME
            namespace = null;
        }
        String verb = switch (method.toUpperCase()) {
            case "GET", "HEAD" -> name != null ? "get" : query.matches("(^|.*&)watch=(true|1)(&.*|$)") ? "watch" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> name != null ? "delete" : "deletecollection";
            default -> method.toLowerCase();
        };
        return new Attributes(verb, group, resource, subresource, namespace, name);
    }
}
