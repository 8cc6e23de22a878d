package dev.layercake.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * fabric8's kubernetes-server-mock in CRUD mode on 127.0.0.1 (plain HTTP, free port), made to look enough
 * like an API server for discovery-based clients and kubectl: it serves /api, /api/v1, /apis and
 * /apis/G/V for the built-in types below and for every CRD created in it (registered with the CRUD
 * dispatcher, and marked Established as a real API server would), and it can answer 403 to chosen
 * requests to stand in for RBAC.
 */
public final class KubernetesMockServerFixture implements AutoCloseable {

    /** One served type. */
    public record ServedType(String group, String version, String kind, String plural, boolean namespaced) {
    }

    public static final List<ServedType> BUILT_IN = List.of(
            new ServedType("", "v1", "Namespace", "namespaces", false),
            new ServedType("", "v1", "Node", "nodes", false),
            new ServedType("", "v1", "PersistentVolume", "persistentvolumes", false),
            new ServedType("", "v1", "ConfigMap", "configmaps", true),
            new ServedType("", "v1", "Secret", "secrets", true),
            new ServedType("", "v1", "Service", "services", true),
            new ServedType("", "v1", "ServiceAccount", "serviceaccounts", true),
            new ServedType("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true),
            new ServedType("", "v1", "Pod", "pods", true),
            new ServedType("", "v1", "Endpoints", "endpoints", true),
            new ServedType("", "v1", "Event", "events", true),
            new ServedType("apps", "v1", "Deployment", "deployments", true),
            new ServedType("apps", "v1", "StatefulSet", "statefulsets", true),
            new ServedType("apps", "v1", "DaemonSet", "daemonsets", true),
            new ServedType("apps", "v1", "ReplicaSet", "replicasets", true),
            new ServedType("batch", "v1", "Job", "jobs", true),
            new ServedType("batch", "v1", "CronJob", "cronjobs", true),
            new ServedType("networking.k8s.io", "v1", "Ingress", "ingresses", true),
            new ServedType("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true),
            new ServedType("rbac.authorization.k8s.io", "v1", "Role", "roles", true),
            new ServedType("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true),
            new ServedType("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false),
            new ServedType("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false),
            new ServedType("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true),
            new ServedType("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true),
            new ServedType("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false),
            new ServedType("coordination.k8s.io", "v1", "Lease", "leases", true),
            new ServedType("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", true));

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CRD_PATH = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

    private record Refusal(String method, String pathPrefix, int code) {
    }

    /** A request as an {@link #authorizer(Function) authorizer} sees it: path with its query, body as text. */
    public record Request(String method, String path, String body) {
    }

    private final List<ServedType> types = new CopyOnWriteArrayList<>(BUILT_IN);
    private final List<Refusal> refusals = new CopyOnWriteArrayList<>();
    private volatile Function<Request, String> authorizer;
    private volatile boolean establishCrds = true;
    private final KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher(new ArrayList<>());
    private final KubernetesMockServer server;
    private NamespacedKubernetesClient client;

    private KubernetesMockServerFixture() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new ServingDispatcher(), false);
    }

    public static KubernetesMockServerFixture start() {
        KubernetesMockServerFixture f = new KubernetesMockServerFixture();
        try {
            f.server.init(InetAddress.getByName("127.0.0.1"), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        f.client = f.server.createClient();
        return f;
    }

    /** The server's base URL, "http://127.0.0.1:PORT". */
    public String url() {
        String u = server.url("/");
        return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    }

    /** A client for setting up and checking state directly. */
    public NamespacedKubernetesClient client() {
        return client;
    }

    /** Writes a kubeconfig whose current context (named {@code context}) points at this server. */
    public Path writeKubeconfig(Path file, String context) {
        String yaml = "apiVersion: v1\nkind: Config\nclusters:\n- name: mock\n  cluster:\n    server: " + url() + "\n"
                + "users:\n- name: tester\n  user: {}\n"
                + "contexts:\n- name: " + context + "\n  context:\n    cluster: mock\n    user: tester\n    namespace: default\n"
                + "current-context: " + context + "\n";
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Answers 403 Forbidden to requests of this method (GET, POST, PUT, ...; "*" for all) under the path prefix. */
    public void forbid(String method, String pathPrefix) {
        refusals.add(new Refusal(method, pathPrefix, 403));
    }

    /** Answers this HTTP error (503: an aggregated API whose server is down) to requests under the path prefix. */
    public void fail(String method, String pathPrefix, int code) {
        refusals.add(new Refusal(method, pathPrefix, code));
    }

    public void allowAll() {
        refusals.clear();
    }

    /**
     * Stands in for an RBAC authorizer: every request (discovery included) goes to it first, and is answered
     * 403 Forbidden with the reason it returns, or served when it returns null. null removes it.
     */
    public void authorizer(Function<Request, String> authorizer) {
        this.authorizer = authorizer;
    }

    /**
     * Whether a CRD created or updated from now on is marked Established (the default, as a real API server
     * does within milliseconds). Off: it stays {@code Established=False} (reason Installing) until it is
     * updated again with this on, so a restore's wait for establishment can be tested.
     */
    public void establishCrds(boolean establish) {
        this.establishCrds = establish;
    }

    public List<ServedType> servedTypes() {
        return List.copyOf(types);
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
        server.destroy();
    }

    private final class ServingDispatcher extends Dispatcher {

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String path = request.getPath();
            int q = path.indexOf('?');
            String bare = q < 0 ? path : path.substring(0, q);
            String method = request.getMethod();
            for (Refusal f : refusals) {
                if ((f.method().equals("*") || f.method().equalsIgnoreCase(method)) && bare.startsWith(f.pathPrefix())) {
                    return f.code() == 403
                            ? status(403, "Forbidden", "forbidden: User \"tester\" cannot " + method.toLowerCase() + " " + bare)
                            : status(f.code(), "ServiceUnavailable", "the server is currently unable to handle the request");
                }
            }
            Function<Request, String> authorize = authorizer;
            if (authorize != null) {
                String body = request.getBody() == null ? null
                        : new String(request.getBody().getBytes(), StandardCharsets.UTF_8); // getBytes does not consume
                String denied = authorize.apply(new Request(method, path, body));
                if (denied != null) {
                    return status(403, "Forbidden", "forbidden: " + denied);
                }
            }
            if (method.equals("GET")) {
                MockResponse discovery = discovery(bare);
                if (discovery != null) {
                    return discovery;
                }
            }
            if ((method.equals("POST") && bare.equals(CRD_PATH)) || (method.equals("PUT") && bare.startsWith(CRD_PATH + "/"))) {
                // a real API server keeps a CRD's status (a subresource) on update, and establishes it on create
                request = registerCrd(request);
            }
            return crud.dispatch(request);
        }

        private MockResponse discovery(String path) {
            ObjectNode doc;
            if (path.equals("/api")) {
                doc = JSON.createObjectNode().put("kind", "APIVersions");
                doc.putArray("versions").add("v1");
                doc.putArray("serverAddressByClientCIDRs").addObject().put("clientCIDR", "0.0.0.0/0").put("serverAddress", "127.0.0.1");
            } else if (path.equals("/apis")) {
                doc = JSON.createObjectNode().put("kind", "APIGroupList").put("apiVersion", "v1");
                ArrayNode groups = doc.putArray("groups");
                Set<String> seen = new LinkedHashSet<>();
                for (ServedType t : types) {
                    if (!t.group().isEmpty() && seen.add(t.group())) {
                        ObjectNode g = groups.addObject().put("name", t.group());
                        String gv = t.group() + "/" + t.version();
                        g.putArray("versions").addObject().put("groupVersion", gv).put("version", t.version());
                        g.putObject("preferredVersion").put("groupVersion", gv).put("version", t.version());
                    }
                }
            } else if (path.equals("/api/v1")) {
                doc = resourceList("", "v1");
            } else if (path.startsWith("/apis/") && path.split("/").length == 4) {
                String[] parts = path.split("/");
                doc = resourceList(parts[2], parts[3]);
                if (doc.path("resources").isEmpty()) {
                    return status(404, "NotFound", "the server could not find the requested resource");
                }
            } else if (path.equals("/version")) {
                doc = JSON.createObjectNode().put("major", "1").put("minor", "31").put("gitVersion", "v1.31.0-mock")
                        .put("platform", "linux/amd64");
            } else {
                return null;
            }
            return json(200, doc);
        }

        private ObjectNode resourceList(String group, String version) {
            ObjectNode doc = JSON.createObjectNode().put("kind", "APIResourceList").put("apiVersion", "v1")
                    .put("groupVersion", group.isEmpty() ? version : group + "/" + version);
            ArrayNode resources = doc.putArray("resources");
            for (ServedType t : types) {
                if (t.group().equals(group) && t.version().equals(version)) {
                    ObjectNode r = resources.addObject().put("name", t.plural()).put("singularName", "")
                            .put("namespaced", t.namespaced()).put("kind", t.kind());
                    ArrayNode verbs = r.putArray("verbs");
                    List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch").forEach(verbs::add);
                    if (!t.kind().equals("Event") && !t.kind().equals("Namespace")) {
                        resources.addObject().put("name", t.plural() + "/status").put("singularName", "")
                                .put("namespaced", t.namespaced()).put("kind", t.kind()).putArray("verbs").add("get").add("patch").add("update");
                    }
                }
            }
            return doc;
        }

        /** Registers the CRD's types and marks it Established, as the API server would within milliseconds. */
        private RecordedRequest registerCrd(RecordedRequest request) {
            try {
                ObjectNode crd = (ObjectNode) JSON.readTree(request.getUtf8Body());
                JsonNode spec = crd.path("spec");
                String group = spec.path("group").asText();
                String kind = spec.path("names").path("kind").asText();
                String plural = spec.path("names").path("plural").asText();
                boolean namespaced = spec.path("scope").asText("Namespaced").equals("Namespaced");
                for (JsonNode v : spec.path("versions")) {
                    if (!v.path("served").asBoolean(true)) {
                        continue;
                    }
                    String version = v.path("name").asText();
                    if (types.stream().noneMatch(t -> t.group().equals(group) && t.kind().equals(kind) && t.version().equals(version))) {
                        types.add(new ServedType(group, version, kind, plural, namespaced));
                        crud.expectCustomResource(new CustomResourceDefinitionContext.Builder().withGroup(group)
                                .withVersion(version).withKind(kind).withPlural(plural)
                                .withScope(namespaced ? "Namespaced" : "Cluster").build());
                    }
                }
                ObjectNode status = crd.putObject("status");
                ArrayNode conditions = status.putArray("conditions");
                conditions.addObject().put("type", "NamesAccepted").put("status", "True");
                if (establishCrds) {
                    conditions.addObject().put("type", "Established").put("status", "True");
                } else {
                    conditions.addObject().put("type", "Established").put("status", "False").put("reason", "Installing");
                }
                status.putObject("acceptedNames").put("kind", kind).put("plural", plural);
                return new RecordedRequest(request.getRequestLine(), request.method(), request.getPath(), request.getHeaders(),
                        new Buffer(JSON.writeValueAsBytes(crd)));
            } catch (IOException | RuntimeException e) {
                return request;
            }
        }

        private MockResponse status(int code, String reason, String message) {
            ObjectNode s = JSON.createObjectNode().put("kind", "Status").put("apiVersion", "v1").put("status", "Failure")
                    .put("message", message).put("reason", reason).put("code", code);
            s.putObject("metadata");
            return json(code, s);
        }

        private MockResponse json(int code, JsonNode body) {
            try {
                return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json")
                        .setBody(JSON.writeValueAsBytes(body));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
