package dev.layercake.kube;

import dev.layercake.api.access.Access;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.layercake.model.Digest;
import dev.layercake.model.DriftEntry;
import dev.layercake.model.RenderEntry;
import dev.layercake.model.SourceFile;
import dev.layercake.model.SourceSection;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.source.YamlDocuments;
import dev.layercake.store.ReleaseStore;
import dev.layercake.api.request.StoreLocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Drift's rules one by one, without a cluster: what is declared, what is rendered, what can be known. */
class DeclaredDriftTest {

    @TempDir
    Path tmp;

    private static ObjectNode doc(String yaml) {
        return (ObjectNode) YamlDocuments.parse(yaml).get(0);
    }

    private static final List<ResourceType> TYPES = List.of(
            new ResourceType("", "v1", "ConfigMap", "configmaps", true),
            new ResourceType("apps", "v1", "Deployment", "deployments", true),
            new ResourceType("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false));

    @Test
    void aKustomizeGeneratedConfigMapUnderAnotherHashIsComparedNotReportedAsLive() {
        JsonNode declared = doc("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app-config-5fhk8mb2c9, namespace: shop}\ndata: {LEVEL: info}\n");
        ObjectNode live = doc("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app-config-t2c6bd94g7, namespace: shop}\ndata: {LEVEL: debug}\n");
        Map<ObjectId, JsonNode> listed = new LinkedHashMap<>();
        listed.put(ObjectId.of(live), live);
        DeclaredState.State state = new DeclaredState.State(List.of(new DeclaredState.Declared(declared, "kustomize k/prod", true)),
                List.of(new RenderEntry("k/prod", RenderEntry.KUSTOMIZE, "kubectl kustomize", "v5", RenderEntry.RENDERED, 1, null)));
        DriftDetector.Result r = DriftDetector.detect(state, listed, listed.keySet(), List.of("shop"), TYPES);
        assertThat(r.drift()).hasSize(1);
        DriftEntry d = r.drift().get(0);
        assertThat(d.change()).isEqualTo(DriftEntry.CHANGED);
        assertThat(d.fields()).containsExactlyInAnyOrder("/metadata/name", "/data/LEVEL");
        assertThat(r.drift()).noneMatch(e -> e.change().equals(DriftEntry.ADDED));
    }

    @Test
    void withoutARendererNothingLiveIsCalledUndeclaredAndTheRecordSaysWhy() {
        try (ReleaseStore store = ReleaseStore.open(StoreLocation.parse(tmp.resolve("store").toString()))) {
            List<SourceFile> files = new ArrayList<>();
            Map<String, String> tree = new LinkedHashMap<>();
            tree.put("base/kustomization.yaml", "resources: [d.yaml]\n");
            tree.put("base/d.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n");
            tree.put("comp/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n");
            tree.put("prod/kustomization.yaml", "resources: [../base]\ncomponents: [../comp]\n");
            tree.put("chart/Chart.yaml", "apiVersion: v2\nname: c\nversion: 1.0.0\n");
            tree.put("plain/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: plain, namespace: shop}\n");
            for (Map.Entry<String, String> e : tree.entrySet()) {
                byte[] b = e.getValue().getBytes(StandardCharsets.UTF_8);
                Digest digest = store.putBytes(b, null).digest();
                String kind = e.getKey().startsWith("chart/") ? "helm" : e.getKey().startsWith("plain/") ? "kubernetes" : "kustomize";
                files.add(new SourceFile(e.getKey(), kind, digest, b.length, SourceFile.MODE_FILE));
            }
            SourceSection source = new SourceSection("r", "c", "main", null, false, files, List.of(), null);
            assertThat(DeclaredState.kustomizeRoots(store, source, Map.of())).containsExactly("prod");

            DeclaredState.State state = DeclaredState.read(store, source, Access.fromEnvironment(Map.of("PATH", tmp.resolve("empty-bin").toString())),
                    "shop", List.of("shop"), ProgressListener.NONE);
            assertThat(state.renders()).extracting(RenderEntry::describe).containsExactly(
                    "kustomize prod: not rendered: neither kustomize nor kubectl is on PATH",
                    "helm chart: not rendered: helm not on PATH");
            assertThat(state.complete()).isFalse();

            ObjectNode liveWeb = doc("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\n");
            ObjectNode livePlain = doc("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: plain, namespace: shop}\n");
            Map<ObjectId, JsonNode> listed = new LinkedHashMap<>();
            listed.put(ObjectId.of(liveWeb), liveWeb);
            listed.put(ObjectId.of(livePlain), livePlain);
            DriftDetector.Result r = DriftDetector.detect(state, listed, listed.keySet(), List.of("shop"), TYPES);
            assertThat(r.drift()).isEmpty();
            assertThat(r.notes()).anyMatch(n -> n.contains("live objects not declared in git are not reported: 2"));
        }
    }

    @Test
    void clusterScopedObjectsHaveNoNamespaceAndUnservedKindsAreNotDeclared() {
        JsonNode role = doc("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader, namespace: shop}\nrules: []\n");
        JsonNode skaffold = doc("apiVersion: skaffold/v4beta6\nkind: Config\nmetadata: {name: shop}\n");
        JsonNode elsewhere = doc("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: other}\n");
        DeclaredState.State state = new DeclaredState.State(List.of(new DeclaredState.Declared(role, "rbac.yaml", false),
                new DeclaredState.Declared(skaffold, "skaffold.yaml", false), new DeclaredState.Declared(elsewhere, "x.yaml", false)), List.of());
        DriftDetector.Result r = DriftDetector.detect(state, Map.of(), List.of(), List.of("shop"), TYPES);
        assertThat(r.drift()).extracting(d -> d.change() + " " + d.kind() + " " + d.namespace() + "/" + d.name())
                .containsExactly("removed ClusterRole null/reader");
        assertThat(DriftDetector.describe(r.drift())).containsExactly("drift: ClusterRole reader is declared in rbac.yaml but not live");
        assertThat(r.notes()).anyMatch(n -> n.contains("skaffold/v4beta6 Config (1)")).anyMatch(n -> n.contains("other (1)"));
    }

    @Test
    void aRootWhoseObjectsAreMostlyNotLiveIsTakenAsNotDeployedHere() {
        ObjectNode web = doc("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec: {replicas: 2}\n");
        ObjectNode api = doc("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: shop}\nspec: {replicas: 1}\n");
        JsonNode extra1 = doc("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: test-only-1, namespace: shop}\n");
        JsonNode extra2 = doc("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: test-only-2, namespace: shop}\n");
        JsonNode extra3 = doc("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: test-only-3, namespace: shop}\n");
        JsonNode gone = doc("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deleted-by-hand, namespace: shop}\n");
        RenderEntry ok = new RenderEntry("x", RenderEntry.KUSTOMIZE, "kubectl kustomize", "v5", RenderEntry.RENDERED, 0, null);
        List<DeclaredState.Declared> objects = new ArrayList<>();
        // the deployed overlay: 2 of 3 live (one ConfigMap deleted by hand)
        for (JsonNode d : List.of(web, api, gone)) {
            objects.add(new DeclaredState.Declared(d, "kustomize overlays/prod", true));
        }
        // a test variant: the same two workloads and three objects of its own, none live
        for (JsonNode d : List.of(web, api, extra1, extra2, extra3)) {
            objects.add(new DeclaredState.Declared(d, "kustomize tests/all-components", true));
        }
        Map<ObjectId, JsonNode> listed = new LinkedHashMap<>();
        listed.put(ObjectId.of(web), web);
        listed.put(ObjectId.of(api), api);
        DriftDetector.Result r = DriftDetector.detect(new DeclaredState.State(objects, List.of(ok, ok)), listed, listed.keySet(),
                List.of("shop"), TYPES);
        assertThat(r.drift()).extracting(d -> d.change() + " " + d.name()).containsExactly("removed deleted-by-hand");
        assertThat(r.notes()).anyMatch(n -> n.contains("objects only kustomize tests/all-components declares: 2 of its 5"));
    }
}
