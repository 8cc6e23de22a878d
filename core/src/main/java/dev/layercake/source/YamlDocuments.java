package dev.layercake.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.layercake.model.ImageReference;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads YAML files of a commit: whether they are Kubernetes documents, what a kustomization references,
 * and the images they name ({@code image:} fields, Helm {@code repository/tag} values, Kustomize
 * {@code images:} overrides). Unparseable YAML (Helm templates) yields nothing rather than failing.
 */
public final class YamlDocuments {

    private static final YAMLMapper YAML = new YAMLMapper();

    private YamlDocuments() {
    }

    public static List<JsonNode> parse(String text) {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(text)) {
            while (it.hasNextValue()) {
                JsonNode n = it.nextValue();
                if (n != null && !n.isNull() && !n.isMissingNode()) {
                    docs.add(n);
                }
            }
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        return docs;
    }

    private static final java.util.regex.Pattern API_VERSION_LINE = java.util.regex.Pattern.compile("(?m)^\\s*apiVersion\\s*:");
    private static final java.util.regex.Pattern KIND_LINE = java.util.regex.Pattern.compile("(?m)^\\s*kind\\s*:");

    /**
     * Why a text that has {@code apiVersion:} and {@code kind:} lines does not parse as YAML (the parser's first
     * line, with its line number), or null when it parses or does not look like Kubernetes YAML at all.
     */
    public static String kubernetesParseError(String text) {
        if (!API_VERSION_LINE.matcher(text).find() || !KIND_LINE.matcher(text).find()) {
            return null;
        }
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(text)) {
            while (it.hasNextValue()) {
                it.nextValue();
            }
            return null;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : "line " + e.getLocation().getLineNr() + ": ";
            String first = String.valueOf(e.getOriginalMessage()).split("\n")[0];
            return where + (first.length() > 200 ? first.substring(0, 200) + "..." : first);
        } catch (IOException | RuntimeException e) {
            String first = String.valueOf(e.getMessage()).split("\n")[0];
            return first.length() > 200 ? first.substring(0, 200) + "..." : first;
        }
    }

    /** A document with apiVersion and kind. */
    public static boolean isKubernetesObject(JsonNode doc) {
        return doc.isObject() && doc.path("apiVersion").isTextual() && doc.path("kind").isTextual();
    }

    public static boolean isTekton(JsonNode doc) {
        return doc.path("apiVersion").asText("").startsWith("tekton.dev/")
                || doc.path("apiVersion").asText("").startsWith("triggers.tekton.dev/");
    }

    /** Paths (relative to the kustomization's folder) that a kustomization names. */
    public static List<String> kustomizationReferences(JsonNode k) {
        List<String> refs = new ArrayList<>();
        for (String field : List.of("resources", "bases", "components", "crds", "patchesStrategicMerge", "generators",
                "transformers", "validators", "configurations", "openapi")) {
            for (JsonNode n : k.path(field)) {
                if (n.isTextual()) {
                    refs.add(n.asText());
                }
            }
        }
        if (k.path("openapi").path("path").isTextual()) {
            refs.add(k.path("openapi").path("path").asText());
        }
        for (String field : List.of("patches", "patchesJson6902", "replacements")) {
            for (JsonNode n : k.path(field)) {
                if (n.path("path").isTextual()) {
                    refs.add(n.path("path").asText());
                }
            }
        }
        for (String field : List.of("configMapGenerator", "secretGenerator")) {
            for (JsonNode gen : k.path(field)) {
                for (String list : List.of("files", "envs")) {
                    for (JsonNode f : gen.path(list)) {
                        String v = f.asText();
                        int eq = v.indexOf('=');
                        refs.add(eq >= 0 ? v.substring(eq + 1) : v);
                    }
                }
                if (gen.path("env").isTextual()) {
                    refs.add(gen.path("env").asText());
                }
            }
        }
        for (JsonNode chart : k.path("helmCharts")) {
            if (chart.path("valuesFile").isTextual()) {
                refs.add(chart.path("valuesFile").asText());
            }
        }
        refs.removeIf(r -> r.contains("://") || r.startsWith("github.com/") || r.startsWith("git@"));
        return refs;
    }

    /**
     * Images named in YAML: any {@code image:} string, Helm-style {@code image: {registry, repository, tag}}
     * maps ({@code defaultTag} fills an empty tag, as charts default it to appVersion), and kustomization
     * {@code images:} overrides.
     */
    public static List<ImageReference> images(String path, String text, List<JsonNode> docs, String foundAs, String defaultTag) {
        List<ImageReference> out = new ArrayList<>();
        Lines lines = new Lines(text);
        for (JsonNode doc : docs) {
            if (doc.path("kind").asText("").equals("Kustomization") || path.endsWith("kustomization.yaml") || path.endsWith("kustomization.yml")) {
                for (JsonNode img : doc.path("images")) {
                    String name = img.path("newName").asText(img.path("name").asText(""));
                    if (name.isEmpty()) {
                        continue;
                    }
                    String ref = img.path("digest").isTextual() ? name + "@" + img.path("digest").asText()
                            : img.path("newTag").isTextual() || img.path("newTag").isNumber() ? name + ":" + img.path("newTag").asText() : name;
                    out.add(new ImageReference(ref, path, lines.next(img.path("newName").isTextual() ? "newName" : "name", name), "kustomize-images", null, null));
                }
                continue;
            }
            walk(doc, path, lines, foundAs, defaultTag, out);
        }
        return out;
    }

    /**
     * The GitLab CI forms {@link #images} does not see: {@code image: {name: ...}} and {@code services:} (strings or
     * {@code {name: ...}}), at the top level, under {@code default:} and in every job.
     */
    public static List<ImageReference> gitlabImages(String path, String text, List<JsonNode> docs) {
        List<ImageReference> out = new ArrayList<>();
        Lines lines = new Lines(text);
        for (JsonNode doc : docs) {
            List<JsonNode> scopes = new ArrayList<>();
            scopes.add(doc);
            doc.fields().forEachRemaining(e -> {
                if (e.getValue().isObject()) {
                    scopes.add(e.getValue());
                }
            });
            for (JsonNode scope : scopes) {
                JsonNode image = scope.path("image");
                if (image.isObject() && image.path("name").isTextual()) {
                    addGitlab(image.path("name").asText().trim(), path, lines, out);
                }
                for (JsonNode service : scope.path("services")) {
                    String ref = service.isTextual() ? service.asText().trim() : service.path("name").asText("").trim();
                    if (!ref.isEmpty()) {
                        addGitlab(ref, path, lines, out);
                    }
                }
            }
        }
        return out;
    }

    private static void addGitlab(String ref, String path, Lines lines, List<ImageReference> out) {
        if (!looksLikeImage(ref)) {
            return;
        }
        out.add(new ImageReference(ref, path, lines.next("name", ref), "gitlab-ci", null, null));
    }

    private static void walk(JsonNode node, String path, Lines lines, String foundAs, String defaultTag, List<ImageReference> out) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) node::fields) {
                JsonNode v = e.getValue();
                if (e.getKey().equals("image") && v.isTextual()) {
                    String ref = v.asText().trim();
                    if (looksLikeImage(ref)) {
                        out.add(new ImageReference(ref, path, lines.next("image", ref), foundAs, null, null));
                    }
                } else if (v.isObject() && isImagePair(e.getKey(), v)) {
                    String repo = v.path("repository").asText();
                    String registry = v.path("registry").asText("");
                    String tag = v.path("tag").asText("");
                    if (tag.isEmpty()) {
                        tag = defaultTag == null ? "latest" : defaultTag;
                    }
                    String ref = (registry.isEmpty() ? "" : registry + "/") + repo
                            + (v.path("digest").isTextual() && !v.path("digest").asText().isEmpty() ? "@" + v.path("digest").asText() : ":" + tag);
                    if (looksLikeImage(ref)) {
                        out.add(new ImageReference(ref, path, lines.next("repository", repo), foundAs, null, null));
                    }
                    // A pair map may hold further images (image.busybox.{...}); its own fields are done.
                    com.fasterxml.jackson.databind.node.ObjectNode nested = YAML.createObjectNode();
                    v.fields().forEachRemaining(inner -> {
                        if (inner.getValue().isContainerNode()) {
                            nested.set(inner.getKey(), inner.getValue());
                        }
                    });
                    walk(nested, path, lines, foundAs, defaultTag, out);
                } else {
                    walk(v, path, lines, foundAs, defaultTag, out);
                }
            }
        } else if (node.isArray()) {
            for (JsonNode n : node) {
                walk(n, path, lines, foundAs, defaultTag, out);
            }
        }
    }

    /**
     * The Helm values shape of an image wherever it sits ({@code redis: {repository, tag}},
     * {@code image.busybox: {registry, repository, tag}}): a text {@code repository} with a {@code tag} or
     * {@code digest} beside it, or any {@code repository} directly under an {@code image:} key.
     */
    private static boolean isImagePair(String key, JsonNode v) {
        if (!v.path("repository").isTextual() || v.path("repository").asText().isBlank()) {
            return false;
        }
        return key.equals("image") || v.has("tag") && v.get("tag").isValueNode() || v.path("digest").isTextual();
    }

    private static boolean looksLikeImage(String ref) {
        return !ref.isEmpty() && !ref.contains("{{") && !ref.contains("$(") && !ref.contains(" ") && !ref.startsWith("$");
    }

    /**
     * Finds the line of each successive {@code key: value} (block or flow style, quoted or not), so repeated
     * images get their own lines and a value also found elsewhere in the file is not taken for it.
     */
    private static final class Lines {
        private final String text;
        private final Map<String, Integer> searchFrom = new java.util.HashMap<>();

        Lines(String text) {
            this.text = text;
        }

        int next(String key, String value) {
            java.util.regex.Pattern p = java.util.regex.Pattern.compile("(?<![\\w.-])['\"]?" + java.util.regex.Pattern.quote(key)
                    + "['\"]?\\s*:\\s*['\"]?" + java.util.regex.Pattern.quote(value) + "(?![\\w./:@-])");
            String memo = key + "\u0000" + value;
            int from = searchFrom.getOrDefault(memo, 0);
            java.util.regex.Matcher m = p.matcher(text);
            int idx = m.find(from) ? m.start() : m.find(0) ? m.start() : -1;
            if (idx < 0) {
                idx = text.indexOf(value);
                if (idx < 0) {
                    return 0;
                }
                searchFrom.put(memo, idx + value.length());
            } else {
                searchFrom.put(memo, m.end());
            }
            int line = 1;
            for (int i = 0; i < idx; i++) {
                if (text.charAt(i) == '\n') {
                    line++;
                }
            }
            return line;
        }
    }
}
