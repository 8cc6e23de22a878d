package dev.layercake.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.layercake.kube.Sanitizer;
import dev.layercake.model.Json;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The live Tekton objects of the run that is backing up: its PipelineRun, the Pipeline it references and the
 * Tasks the Pipeline's tasks reference by name (tekton.dev/v1, read through fabric8's generic resources), each
 * cleaned like any captured object. A read that is refused or fails is a warning naming the RBAC rule that is
 * missing; what could be read is kept.
 */
public final class TektonPipeline {

    public static final String GROUP = "tekton.dev";
    public static final String VERSION = "v1";
    static final int MAX_TASKS = 100;

    /** One object read: kind, name, cleaned JSON. */
    public record Read(String kind, String namespace, String name, byte[] json) {
    }

    public record Result(List<Read> objects, List<String> warnings) {
    }

    private TektonPipeline() {
    }

    static ResourceDefinitionContext type(String kind, String plural) {
        return new ResourceDefinitionContext.Builder().withGroup(GROUP).withVersion(VERSION).withKind(kind)
                .withPlural(plural).withNamespaced(true).build();
    }

    public static Result read(KubernetesClient client, String namespace, String pipelineRun) {
        List<Read> out = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        JsonNode run = get(client, "PipelineRun", "pipelineruns", namespace, pipelineRun, warnings);
        if (run == null) {
            return new Result(out, warnings);
        }
        out.add(clean("PipelineRun", namespace, pipelineRun, run));
        JsonNode pipelineSpec = run.path("spec").path("pipelineSpec");
        JsonNode ref = run.path("spec").path("pipelineRef");
        if (ref.hasNonNull("name")) {
            String name = ref.path("name").asText();
            JsonNode pipeline = get(client, "Pipeline", "pipelines", namespace, name, warnings);
            if (pipeline != null) {
                out.add(clean("Pipeline", namespace, name, pipeline));
                pipelineSpec = pipeline.path("spec");
            }
        } else if (ref.has("resolver")) {
            warnings.add("Pipeline of PipelineRun " + namespace + "/" + pipelineRun + " is resolved by the "
                    + ref.path("resolver").asText() + " resolver: not read from the API (the PipelineRun records the reference)");
        }
        Set<String> tasks = new LinkedHashSet<>();
        for (String list : List.of("tasks", "finally")) {
            for (JsonNode t : pipelineSpec.path(list)) {
                JsonNode taskRef = t.path("taskRef");
                String kind = taskRef.path("kind").asText("Task");
                if (taskRef.hasNonNull("name") && kind.equals("Task")) {
                    tasks.add(taskRef.path("name").asText());
                } else if (taskRef.has("resolver")) {
                    warnings.add("Task of pipeline task " + t.path("name").asText() + " is resolved by the "
                            + taskRef.path("resolver").asText() + " resolver: not read from the API");
                }
            }
        }
        int n = 0;
        for (String task : tasks) {
            if (++n > MAX_TASKS) {
                warnings.add((tasks.size() - MAX_TASKS) + " more Task(s) not read (limit " + MAX_TASKS + ")");
                break;
            }
            JsonNode t = get(client, "Task", "tasks", namespace, task, warnings);
            if (t != null) {
                out.add(clean("Task", namespace, task, t));
            }
        }
        return new Result(out, warnings);
    }

    private static JsonNode get(KubernetesClient client, String kind, String plural, String ns, String name, List<String> warnings) {
        try {
            GenericKubernetesResource r = client.genericKubernetesResources(type(kind, plural)).inNamespace(ns).withName(name).get();
            if (r == null) {
                warnings.add(kind + " " + ns + "/" + name + " not found (" + GROUP + "/" + VERSION + "); not stored");
                return null;
            }
            return Json.mapper().valueToTree(r);
        } catch (KubernetesClientException e) {
            String rule = "{apiGroups: [" + GROUP + "], resources: [" + plural + "], verbs: [get]} in namespace " + ns;
            if (e.getCode() == 403) {
                warnings.add("not permitted to read " + kind + " " + ns + "/" + name + ": the ServiceAccount needs the Role rule "
                        + rule + "; not stored");
            } else {
                warnings.add("could not read " + kind + " " + ns + "/" + name + " (HTTP " + e.getCode() + "; needs " + rule
                        + "); not stored");
            }
            return null;
        }
    }

    private static Read clean(String kind, String ns, String name, JsonNode o) {
        ObjectNode cleaned = Sanitizer.sanitize(o);
        JsonNode md = cleaned.path("metadata");
        if (md instanceof ObjectNode m) {
            m.remove("managedFields");
        }
        return new Read(kind, ns, name, Json.write(cleaned));
    }
}
