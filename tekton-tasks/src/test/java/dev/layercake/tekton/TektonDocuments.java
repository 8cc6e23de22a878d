package dev.layercake.tekton;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.tekton.v1.Pipeline;
import io.fabric8.tekton.v1.PipelineRun;
import io.fabric8.tekton.v1.Task;
import io.fabric8.tekton.v1.TaskRun;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses the catalog's YAML files into fabric8's Kubernetes and Tekton v1 models, strictly: a field the
 * model does not know (a typo such as {@code workspace:} for {@code workspaces:}) is an error, although
 * fabric8 would silently keep it in {@code additionalProperties}.
 */
final class TektonDocuments {

    /** apiVersion/kind → model class; a document of any other kind fails the parse. */
    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.ofEntries(
            Map.entry("tekton.dev/v1/Task", Task.class),
            Map.entry("tekton.dev/v1/Pipeline", Pipeline.class),
            Map.entry("tekton.dev/v1/PipelineRun", PipelineRun.class),
            Map.entry("tekton.dev/v1/TaskRun", TaskRun.class),
            Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/PersistentVolumeClaim", PersistentVolumeClaim.class),
            Map.entry("rbac.authorization.k8s.io/v1/Role", Role.class),
            Map.entry("rbac.authorization.k8s.io/v1/ClusterRole", ClusterRole.class),
            Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class),
            Map.entry("rbac.authorization.k8s.io/v1/ClusterRoleBinding", ClusterRoleBinding.class));

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    static final ObjectMapper JSON = JsonMapper.builder().build();

    private TektonDocuments() {
    }

    /** Every document of a (multi-document) YAML file, each as its fabric8 model object. */
    static List<HasMetadata> parse(Path file) {
        List<HasMetadata> docs = new ArrayList<>();
        try (YAMLParser parser = ((YAMLFactory) YAML.getFactory()).createParser(Files.readString(file))) {
            for (JsonNode node : YAML.readValues(parser, JsonNode.class).readAll()) {
                if (node == null || node.isNull() || node.isEmpty()) {
                    continue;
                }
                String key = node.path("apiVersion").asText() + "/" + node.path("kind").asText();
                Class<? extends HasMetadata> type = KINDS.get(key);
                if (type == null) {
                    throw new AssertionError(file + ": unexpected document kind " + key);
                }
                HasMetadata doc = YAML.treeToValue(node, type);
                List<String> unknown = new ArrayList<>();
                collectUnknown(doc, key, unknown, new IdentityHashMap<>());
                if (!unknown.isEmpty()) {
                    throw new AssertionError(file + ": fields the " + key + " model does not know: " + unknown);
                }
                docs.add(doc);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": not valid YAML: " + e.getMessage(), e);
        }
        return docs;
    }

    static <T extends HasMetadata> List<T> ofType(Collection<HasMetadata> docs, Class<T> type) {
        return docs.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Walks fabric8 model beans and lists every non-empty additionalProperties map by its path. */
    private static void collectUnknown(Object bean, String path, List<String> unknown, Map<Object, Object> seen) {
        if (bean == null || seen.put(bean, bean) != null) {
            return;
        }
        if (bean instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                collectUnknown(item, path + "[" + i++ + "]", unknown, seen);
            }
            return;
        }
        if (bean instanceof Map<?, ?> map) {
            map.forEach((k, v) -> collectUnknown(v, path + "." + k, unknown, seen));
            return;
        }
        if (!bean.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method m : bean.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("get")
                    || Set.of("getClass", "getAdditionalProperties").contains(m.getName())) {
                continue;
            }
            try {
                collectUnknown(m.invoke(bean), path + "." + m.getName().substring(3), unknown, seen);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        try {
            Method extra = bean.getClass().getMethod("getAdditionalProperties");
            Object props = extra.invoke(bean);
            if (props instanceof Map<?, ?> map && !map.isEmpty()) {
                unknown.add(path + " " + map.keySet());
            }
        } catch (NoSuchMethodException e) {
            // a model class without additionalProperties: nothing can hide in it
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
