package dev.layercake.kube;

import dev.layercake.api.access.Access;
import com.fasterxml.jackson.databind.JsonNode;
import dev.layercake.model.RenderEntry;
import dev.layercake.model.SourceFile;
import dev.layercake.model.SourceSection;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.source.FileKinds;
import dev.layercake.source.YamlDocuments;
import dev.layercake.store.ReleaseStore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What git declares at the release's commit, as Kubernetes documents: plain Kubernetes YAML as it is, every
 * Kustomize root (a kustomization no other kustomization uses as a resource, base or component) rendered with
 * {@code kustomize build} / {@code kubectl kustomize}, and every Helm chart rendered with {@code helm template}
 * when those are on PATH. The commit's captured files are written to a temporary folder for the renderers;
 * a source that cannot be rendered is recorded as such, never guessed.
 */
public final class DeclaredState {

    /** At most this many Kustomize roots and Helm charts are rendered per backup. */
    static final int MAX_RENDERS = 100;

    /** One declared document and where it comes from (a file, or "kustomize ROOT" / "helm CHART"). */
    public record Declared(JsonNode doc, String declaredIn, boolean generated) {
    }

    /** Everything declared, and the render record of every Kustomize root and Helm chart. */
    public record State(List<Declared> objects, List<RenderEntry> renders) {
        /** True when every source of declarations was read (so "live but not declared" can be known). */
        public boolean complete() {
            return renders.stream().allMatch(RenderEntry::rendered);
        }
    }

    private DeclaredState() {
    }

    /**
     * How Helm charts are named when rendered: the {@code --helm-release}/{@code --helm-namespace} options (null: not
     * given) and the live Helm releases of the app's namespaces ({@link HelmReleases#fromSecrets}).
     */
    public record HelmContext(String release, String namespace, List<HelmReleases.Live> live) {
        public HelmContext {
            live = live == null ? List.of() : List.copyOf(live);
        }

        public static HelmContext none() {
            return new HelmContext(null, null, List.of());
        }
    }

    public static State read(ReleaseStore store, SourceSection source, Access access, String app,
                             List<String> namespaces, ProgressListener listener) {
        return read(store, source, access, app, namespaces, HelmContext.none(), listener);
    }

    public static State read(ReleaseStore store, SourceSection source, Access access, String app,
                             List<String> namespaces, HelmContext helmContext, ProgressListener listener) {
        if (source == null) {
            return new State(List.of(), List.of());
        }
        List<Declared> objects = new ArrayList<>();
        Map<String, SourceFile> byPath = new LinkedHashMap<>();
        source.files().forEach(f -> byPath.put(f.path(), f));
        for (SourceFile f : source.files()) {
            if (!FileKinds.KUBERNETES.equals(f.kind()) || f.symlink()) {
                continue;
            }
            for (JsonNode doc : YamlDocuments.parse(text(store, f))) {
                if (YamlDocuments.isKubernetesObject(doc)) {
                    objects.add(new Declared(doc, f.path(), false));
                }
            }
        }
        List<String> roots = kustomizeRoots(store, source, byPath);
        List<String> charts = source.files().stream().map(SourceFile::path)
                .filter(p -> p.equals("Chart.yaml") || p.endsWith("/Chart.yaml"))
                .map(p -> p.substring(0, Math.max(0, p.length() - "/Chart.yaml".length())))
                .toList();
        if (roots.isEmpty() && charts.isEmpty()) {
            return new State(objects, List.of());
        }
        List<RenderEntry> renders = new ArrayList<>();
        Renderers renderers = new Renderers(access);
        Optional<Renderers.Tool> kustomize = roots.isEmpty() ? Optional.empty() : renderers.kustomize();
        Optional<Renderers.Tool> helm = charts.isEmpty() ? Optional.empty() : renderers.helm();
        Path tree = null;
        try {
            if (kustomize.isPresent() || helm.isPresent()) {
                tree = materialize(store, source);
            }
            int budget = MAX_RENDERS;
            for (String root : roots) {
                String shown = root.isEmpty() ? "." : root;
                if (kustomize.isEmpty()) {
                    renders.add(new RenderEntry(shown, RenderEntry.KUSTOMIZE, null, null, RenderEntry.NOT_RENDERED, 0,
                            "neither kustomize nor kubectl is on PATH"));
                } else if (budget-- <= 0) {
                    renders.add(new RenderEntry(shown, RenderEntry.KUSTOMIZE, null, null, RenderEntry.NOT_RENDERED, 0,
                            "more than " + MAX_RENDERS + " Kustomize roots and Helm charts; only the first are rendered"));
                } else {
                    listener.progress("render", renders.size() + 1, roots.size() + charts.size(), "sources");
                    Renderers.Tool tool = kustomize.get();
                    Renderers.Run run = renderers.run(Renderers.with(tool.command(), tree.resolve(root).toString()), tree);
                    renders.add(record(objects, run, tree, shown, RenderEntry.KUSTOMIZE, tool, "kustomize " + shown, true));
                }
            }
            for (String chart : charts) {
                String shown = chart.isEmpty() ? "." : chart;
                if (helm.isEmpty()) {
                    renders.add(new RenderEntry(shown, RenderEntry.HELM, null, null, RenderEntry.NOT_RENDERED, 0, "helm not on PATH"));
                } else if (budget-- <= 0) {
                    renders.add(new RenderEntry(shown, RenderEntry.HELM, null, null, RenderEntry.NOT_RENDERED, 0,
                            "more than " + MAX_RENDERS + " Kustomize roots and Helm charts; only the first are rendered"));
                } else {
                    listener.progress("render", renders.size() + 1, roots.size() + charts.size(), "sources");
                    Renderers.Tool tool = helm.get();
                    // release name and namespace: the options, else the live Helm release Secret's, else the chart's
                    // name and the app's first namespace; values: the chart's own values.yaml
                    HelmReleases.Choice choice = helmChoice(store, byPath, chart, helmContext, namespaces);
                    List<String> cmd = Renderers.with(tool.command(), choice.name(), tree.resolve(chart).toString());
                    if (choice.namespace() != null) {
                        cmd.addAll(List.of("--namespace", choice.namespace()));
                    }
                    Renderers.Run run = renderers.run(cmd, tree);
                    RenderEntry r = record(objects, run, tree, shown, RenderEntry.HELM, tool, "helm " + shown, false);
                    renders.add(new RenderEntry(r.path(), r.type(), r.tool(), r.toolVersion(), r.status(), r.objects(), r.why(),
                            choice.describe()));
                }
            }
        } finally {
            if (tree != null) {
                deleteTree(tree);
            }
        }
        for (RenderEntry r : renders) {
            if (r.rendered()) {
                listener.info("drift: " + r.describe());
            } else {
                listener.warn("drift: " + r.describe());
            }
        }
        return new State(objects, renders);
    }

    /** The release name and namespace of one chart (see {@link HelmReleases#choose}). */
    static HelmReleases.Choice helmChoice(ReleaseStore store, Map<String, SourceFile> byPath, String chart, HelmContext context,
                                          List<String> namespaces) {
        SourceFile chartYaml = byPath.get(chart.isEmpty() ? "Chart.yaml" : chart + "/Chart.yaml");
        JsonNode doc = null;
        if (chartYaml != null && !chartYaml.symlink()) {
            List<JsonNode> docs = YamlDocuments.parse(text(store, chartYaml));
            doc = docs.isEmpty() ? null : docs.get(0);
        }
        return HelmReleases.choose(HelmReleases.chartName(doc, chart), context.release(), context.namespace(), context.live(), namespaces);
    }

    private static RenderEntry record(List<Declared> objects, Renderers.Run run, Path tree, String shown, String type,
                                      Renderers.Tool tool, String declaredIn, boolean kustomize) {
        if (run.exitCode() != 0) {
            String why = run.firstError() == null ? "exit code " + run.exitCode() : run.firstError().replace(tree + "/", "").replace(tree.toString(), ".");
            return new RenderEntry(shown, type, tool.name(), tool.version(), RenderEntry.FAILED, 0, why);
        }
        int n = 0;
        for (JsonNode doc : YamlDocuments.parse(run.out())) {
            if (YamlDocuments.isKubernetesObject(doc)) {
                objects.add(new Declared(doc, declaredIn, kustomize));
                n++;
            }
        }
        return new RenderEntry(shown, type, tool.name(), tool.version(), RenderEntry.RENDERED, n, null);
    }

    /**
     * The kustomizations that are not only a resource, base or component of another: each is rendered on its
     * own. A {@code kind: Component} is never a root.
     */
    static List<String> kustomizeRoots(ReleaseStore store, SourceSection source, Map<String, SourceFile> byPath) {
        Map<String, JsonNode> kustomizations = new LinkedHashMap<>();
        for (SourceFile f : source.files()) {
            String name = f.path().substring(f.path().lastIndexOf('/') + 1);
            if (!f.symlink() && FileKinds.KUSTOMIZE.equals(f.kind())
                    && (name.equals("kustomization.yaml") || name.equals("kustomization.yml") || name.equals("Kustomization"))) {
                List<JsonNode> docs = YamlDocuments.parse(text(store, f));
                kustomizations.put(dirOf(f.path()), docs.isEmpty() ? null : docs.get(0));
            }
        }
        Set<String> used = new LinkedHashSet<>();
        for (Map.Entry<String, JsonNode> k : kustomizations.entrySet()) {
            if (k.getValue() == null) {
                continue;
            }
            for (String field : List.of("resources", "bases", "components")) {
                for (JsonNode ref : k.getValue().path(field)) {
                    if (ref.isTextual()) {
                        String target = normalize(k.getKey().isEmpty() ? ref.asText() : k.getKey() + "/" + ref.asText());
                        if (target != null && kustomizations.containsKey(target)) {
                            used.add(target);
                        }
                    }
                }
            }
        }
        List<String> roots = new ArrayList<>();
        for (Map.Entry<String, JsonNode> k : kustomizations.entrySet()) {
            boolean component = k.getValue() != null && k.getValue().path("kind").asText("").equals("Component");
            if (!used.contains(k.getKey()) && !component) {
                roots.add(k.getKey());
            }
        }
        return roots;
    }

    private static String dirOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    /** '.' and '..' resolved; null when the path leaves the repository. */
    static String normalize(String path) {
        List<String> parts = new ArrayList<>();
        for (String s : path.split("/")) {
            if (s.isEmpty() || s.equals(".")) {
                continue;
            }
            if (s.equals("..")) {
                if (parts.isEmpty()) {
                    return null;
                }
                parts.remove(parts.size() - 1);
            } else {
                parts.add(s);
            }
        }
        return String.join("/", parts);
    }

    private static String text(ReleaseStore store, SourceFile f) {
        if (f.size() > (4 << 20)) {
            return "";
        }
        return new String(store.readBlob(f.digest()), StandardCharsets.UTF_8);
    }

    /** The captured files (and in-tree links) under a fresh temporary folder; nothing is written outside it. */
    private static Path materialize(ReleaseStore store, SourceSection source) {
        try {
            Path root = Files.createTempDirectory("layercake-declared-").toRealPath();
            for (SourceFile f : source.files()) {
                String rel = normalize(f.path());
                if (rel == null || rel.isEmpty() || !rel.equals(f.path())) {
                    continue;
                }
                Path target = root.resolve(rel).normalize();
                if (!target.startsWith(root)) {
                    continue;
                }
                Files.createDirectories(target.getParent());
                if (f.symlink()) {
                    String link = new String(store.readBlob(f.digest()), StandardCharsets.UTF_8);
                    String resolved = link.startsWith("/") ? null : normalize(dirOf(rel).isEmpty() ? link : dirOf(rel) + "/" + link);
                    if (resolved != null) {
                        Files.createSymbolicLink(target, Path.of(link));
                    }
                    continue;
                }
                try (InputStream in = store.openBlob(f.digest())) {
                    Files.copy(in, target);
                }
            }
            return root;
        } catch (IOException e) {
            throw new dev.layercake.LayercakeException(dev.layercake.LayercakeException.Kind.FAILED,
                    "cannot write the commit's files to a temporary folder for rendering: " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
