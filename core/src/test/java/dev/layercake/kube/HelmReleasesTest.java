package dev.layercake.kube;

import com.fasterxml.jackson.databind.JsonNode;
import dev.layercake.LayercakeException;
import dev.layercake.api.access.Access;
import dev.layercake.api.progress.ProgressListener;
import dev.layercake.api.request.KubernetesOptions;
import dev.layercake.api.request.StoreLocation;
import dev.layercake.model.Digest;
import dev.layercake.model.RenderEntry;
import dev.layercake.model.SourceFile;
import dev.layercake.model.SourceSection;
import dev.layercake.source.YamlDocuments;
import dev.layercake.store.ReleaseStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The release name and namespace a Helm chart is rendered with: option beats the live Helm release Secret beats the
 * chart's name. Helm itself is not installed here: this tests the choice, and (with a stand-in script on PATH that
 * only echoes its arguments as a ConfigMap) that the choice is what reaches the command line. It does not test Helm.
 */
class HelmReleasesTest {

    @TempDir
    Path tmp;

    static JsonNode helmSecret(String namespace, String release, int revision, String status) {
        return YamlDocuments.parse("apiVersion: v1\nkind: Secret\ntype: helm.sh/release.v1\nmetadata:\n  name: sh.helm.release.v1." + release
                + ".v" + revision + "\n  namespace: " + namespace + "\n  labels: {owner: helm, name: " + release + ", status: " + status
                + ", version: '" + revision + "'}\ndata: {release: SDRzSUFBQUFBQUFBLzZ0V0tzbnNTeTlXc2xJcVM4d3BUUVVBQU1BQS8vOD0=}\n").get(0);
    }

    static final List<HelmReleases.Live> NONE = List.of();

    @Test
    void theOptionBeatsTheLiveSecretWhichBeatsTheChartName() {
        List<HelmReleases.Live> live = HelmReleases.fromSecrets(List.of(helmSecret("shop-prod", "shop-web", 4, "deployed")));

        HelmReleases.Choice option = HelmReleases.choose("shop", "web-prod", "edge", live, List.of("shop-prod"));
        assertThat(option.name()).isEqualTo("web-prod");
        assertThat(option.namespace()).isEqualTo("edge");
        assertThat(option.from()).isEqualTo("--helm-release, --helm-namespace");

        HelmReleases.Choice fromSecret = HelmReleases.choose("shop", null, null, live, List.of("shop-prod"));
        assertThat(fromSecret.name()).isEqualTo("shop-web");
        assertThat(fromSecret.namespace()).isEqualTo("shop-prod");
        assertThat(fromSecret.from()).isEqualTo("live Helm release Secret, revision 4");
        assertThat(fromSecret.describe()).isEqualTo("shop-web in shop-prod (live Helm release Secret, revision 4)");

        HelmReleases.Choice fromChart = HelmReleases.choose("shop", null, null, NONE, List.of("shop-prod", "shop-jobs"));
        assertThat(fromChart.name()).isEqualTo("shop");
        assertThat(fromChart.namespace()).isEqualTo("shop-prod");
        assertThat(fromChart.from()).isEqualTo("chart name; no live Helm release");

        HelmReleases.Choice noNamespace = HelmReleases.choose("shop", null, null, NONE, List.of());
        assertThat(noNamespace.namespace()).isNull();
    }

    @Test
    void aReleaseOptionAloneTakesTheNamespaceOfTheLiveReleaseOfThatNameElseTheAppsFirst() {
        List<HelmReleases.Live> live = HelmReleases.fromSecrets(List.of(helmSecret("shop-jobs", "jobs", 2, "deployed"),
                helmSecret("shop-prod", "web", 1, "deployed")));
        assertThat(HelmReleases.choose("shop", "jobs", null, live, List.of("shop-prod", "shop-jobs")).namespace()).isEqualTo("shop-jobs");
        assertThat(HelmReleases.choose("shop", "other", null, live, List.of("shop-prod", "shop-jobs")).namespace()).isEqualTo("shop-prod");
        // a namespace option alone narrows the live releases looked at to that namespace
        HelmReleases.Choice narrowed = HelmReleases.choose("shop", null, "shop-jobs", live, List.of("shop-prod", "shop-jobs"));
        assertThat(narrowed.name()).isEqualTo("jobs");
        assertThat(narrowed.namespace()).isEqualTo("shop-jobs");
        assertThat(narrowed.from()).isEqualTo("live Helm release Secret, revision 2; namespace from --helm-namespace");
    }

    @Test
    void severalLiveReleasesAreNeverGuessedBetweenUnlessOneIsNamedAfterTheChart() {
        List<HelmReleases.Live> two = HelmReleases.fromSecrets(List.of(helmSecret("shop", "a", 1, "deployed"),
                helmSecret("shop", "b", 1, "deployed")));
        HelmReleases.Choice ambiguous = HelmReleases.choose("shop", null, null, two, List.of("shop"));
        assertThat(ambiguous.name()).isEqualTo("shop");
        assertThat(ambiguous.from()).isEqualTo("chart name; 2 live Helm releases, none named after the chart");

        List<HelmReleases.Live> three = HelmReleases.fromSecrets(List.of(helmSecret("shop", "a", 1, "deployed"),
                helmSecret("shop", "shop", 7, "deployed"), helmSecret("shop", "b", 1, "deployed")));
        HelmReleases.Choice named = HelmReleases.choose("shop", null, null, three, List.of("shop"));
        assertThat(named.name()).isEqualTo("shop");
        assertThat(named.from()).isEqualTo("live Helm release Secret, revision 7");
    }

    @Test
    void onlyDeployedHelmSecretsOfTheAppsNamespacesCountNewestRevisionFirstAndBadLabelsAreIgnored() {
        List<JsonNode> objects = new ArrayList<>();
        objects.add(helmSecret("shop", "web", 1, "superseded"));
        objects.add(helmSecret("shop", "web", 2, "deployed"));
        objects.add(helmSecret("shop", "web", 3, "failed"));         // the newest revision failed: web has no deployed release
        objects.add(helmSecret("elsewhere", "api", 1, "deployed"));  // not one of the app's namespaces
        objects.add(helmSecret("shop", "--set=evil", 1, "deployed")); // not a release name: never reaches a command line
        objects.add(YamlDocuments.parse("apiVersion: v1\nkind: Secret\ntype: Opaque\nmetadata: {name: x, namespace: shop,"
                + " labels: {owner: helm, name: opaque, status: deployed}}\n").get(0));
        objects.add(YamlDocuments.parse("apiVersion: v1\nkind: Secret\ntype: helm.sh/release.v1\nmetadata: {name: y, namespace: shop,"
                + " labels: {owner: someone, name: notours, status: deployed}}\n").get(0));
        objects.add(YamlDocuments.parse("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: z, namespace: shop,"
                + " labels: {owner: helm, name: cm, status: deployed}}\n").get(0));

        List<HelmReleases.Live> live = HelmReleases.fromSecrets(objects);
        assertThat(live).containsExactlyInAnyOrder(new HelmReleases.Live("web", "shop", 3, "failed"),
                new HelmReleases.Live("api", "elsewhere", 1, "deployed"));
        HelmReleases.Choice c = HelmReleases.choose("chart", null, null, live, List.of("shop"));
        assertThat(c.name()).isEqualTo("chart");
        assertThat(c.from()).isEqualTo("chart name; no live Helm release");
    }

    @Test
    void theChartNameIsChartYamlsElseTheFoldersAndBadOptionsAreRefused() {
        assertThat(HelmReleases.chartName(YamlDocuments.parse("apiVersion: v2\nname: shop\n").get(0), "deploy/helm/whatever")).isEqualTo("shop");
        assertThat(HelmReleases.chartName(YamlDocuments.parse("apiVersion: v2\nname: '-x --dry-run'\n").get(0), "deploy/helm/Web")).isEqualTo("web");
        assertThat(HelmReleases.chartName(null, "")).isEqualTo("release");

        for (String bad : List.of("--set=x", "Web", "a_b", "x".repeat(54), "-a")) {
            assertThatThrownBy(() -> new KubernetesOptions(null, null, List.of("shop"), List.of(), KubernetesOptions.ENCRYPT, null, null, false, bad, null))
                    .isInstanceOf(LayercakeException.class).hasMessageContaining("--helm-release '" + bad + "'")
                    .satisfies(e -> assertThat(((LayercakeException) e).exitCode()).isEqualTo(2));
        }
        assertThatThrownBy(() -> new KubernetesOptions(null, null, List.of("shop"), List.of(), KubernetesOptions.ENCRYPT, null, null, false, null, "Prod"))
                .isInstanceOf(LayercakeException.class).hasMessageContaining("--helm-namespace 'Prod'");
        assertThat(new KubernetesOptions(null, null, List.of("shop"), List.of(), KubernetesOptions.ENCRYPT, null, null, false, "web-1", "shop").helmRelease())
                .isEqualTo("web-1");
        assertThat(new KubernetesOptions(null, null, List.of("shop"), List.of(), KubernetesOptions.ENCRYPT, null, null, false).helmRelease()).isNull();
    }

    /**
     * Not Helm: a stand-in named helm that prints its arguments as a ConfigMap, to check which release name and
     * namespace reach {@code helm template} and that the render record says where they came from.
     */
    @Test
    void theChoiceIsWhatReachesHelmTemplatesCommandLineAndTheRenderRecordSaysWhereItCameFrom() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path standIn = bin.resolve("helm");
        Files.writeString(standIn, """
                #!/bin/sh
                if [ "$1" = version ]; then echo "stand-in, not helm"; exit 0; fi
                printf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: %s\\n  namespace: %s\\ndata:\\n  argc: "%s"\\n' "$2" "$5" "$#"
                """);
        Files.setPosixFilePermissions(standIn, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (ReleaseStore store = ReleaseStore.open(StoreLocation.parse(tmp.resolve("store").toString()))) {
            byte[] chart = "apiVersion: v2\nname: shop\nversion: 1.0.0\n".getBytes(StandardCharsets.UTF_8);
            Digest digest = store.putBytes(chart, null).digest();
            SourceSection source = new SourceSection("r", "c", "main", null, false,
                    List.of(new SourceFile("deploy/helm/shop/Chart.yaml", "helm", digest, chart.length, SourceFile.MODE_FILE)), List.of(), null);
            Access env = Access.fromEnvironment(Map.of("PATH", bin.toString()));
            List<HelmReleases.Live> live = HelmReleases.fromSecrets(List.of(helmSecret("shop-prod", "shop-web", 4, "deployed")));

            DeclaredState.State fromSecret = DeclaredState.read(store, source, env, "shop", List.of("shop-prod"),
                    new DeclaredState.HelmContext(null, null, live), ProgressListener.NONE);
            assertThat(fromSecret.objects()).singleElement().satisfies(d -> {
                assertThat(d.doc().path("metadata").path("name").asText()).isEqualTo("shop-web");
                assertThat(d.doc().path("metadata").path("namespace").asText()).isEqualTo("shop-prod");
                assertThat(d.doc().path("data").path("argc").asText()).isEqualTo("5"); // template NAME CHART --namespace NS
                assertThat(d.declaredIn()).isEqualTo("helm deploy/helm/shop");
            });
            assertThat(fromSecret.renders()).singleElement().satisfies(r -> {
                assertThat(r.status()).isEqualTo(RenderEntry.RENDERED);
                assertThat(r.release()).isEqualTo("shop-web in shop-prod (live Helm release Secret, revision 4)");
                assertThat(r.describe()).endsWith("; release shop-web in shop-prod (live Helm release Secret, revision 4)");
            });

            DeclaredState.State fromOption = DeclaredState.read(store, source, env, "shop", List.of("shop-prod"),
                    new DeclaredState.HelmContext("web-canary", "canary", live), ProgressListener.NONE);
            assertThat(fromOption.objects()).singleElement().satisfies(d -> {
                assertThat(d.doc().path("metadata").path("name").asText()).isEqualTo("web-canary");
                assertThat(d.doc().path("metadata").path("namespace").asText()).isEqualTo("canary");
            });

            DeclaredState.State fromChart = DeclaredState.read(store, source, env, "shop", List.of("shop-prod"), ProgressListener.NONE);
            assertThat(fromChart.objects()).singleElement().satisfies(d ->
                    assertThat(d.doc().path("metadata").path("name").asText()).isEqualTo("shop"));
            assertThat(fromChart.renders().get(0).release()).isEqualTo("shop in shop-prod (chart name; no live Helm release)");

            // without helm on PATH: not rendered, and no release is named for a render that did not happen
            DeclaredState.State none = DeclaredState.read(store, source, Access.fromEnvironment(Map.of("PATH", tmp.resolve("empty").toString())), "shop",
                    List.of("shop-prod"), new DeclaredState.HelmContext(null, null, live), ProgressListener.NONE);
            assertThat(none.renders()).extracting(RenderEntry::describe).containsExactly("helm deploy/helm/shop: not rendered: helm not on PATH");
        }
    }
}
