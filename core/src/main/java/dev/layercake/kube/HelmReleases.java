package dev.layercake.kube;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The release name and namespace a Helm chart is rendered with for drift ({@code helm template NAME CHART
 * --namespace NS}): the {@code --helm-release}/{@code --helm-namespace} options beat the live Helm release
 * Secret (type {@code helm.sh/release.v1}, labels {@code owner=helm}, {@code name=<release>}, {@code status},
 * {@code version}, in the release's namespace), which beats the chart's name. Only the Secret's labels are
 * read, never its data (the release payload holds the values, which may be secret).
 */
public final class HelmReleases {

    public static final String SECRET_TYPE = "helm.sh/release.v1";

    /** Helm's own rule for release names: a DNS-1123 label of at most 53 characters. */
    private static final Pattern RELEASE_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,51}[a-z0-9])?");
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    /** One live Helm release, from its Secret's labels: the newest revision per name. */
    public record Live(String name, String namespace, int revision, String status) {
    }

    /** The name and namespace to render with, and where they came from (said in the render record). */
    public record Choice(String name, String namespace, String from) {
        public String describe() {
            return name + (namespace == null ? "" : " in " + namespace) + " (" + from + ")";
        }
    }

    private HelmReleases() {
    }

    /**
     * The live Helm releases among objects read from the cluster: Secrets of type {@link #SECRET_TYPE} labelled
     * {@code owner=helm}; a label that is not a valid name is ignored (read from the cluster, so untrusted).
     * Newest revision per (namespace, name).
     */
    public static List<Live> fromSecrets(Iterable<? extends JsonNode> objects) {
        Map<String, Live> newest = new LinkedHashMap<>();
        for (JsonNode o : objects) {
            if (!o.path("kind").asText().equals("Secret") || !o.path("apiVersion").asText().equals("v1")
                    || !SECRET_TYPE.equals(o.path("type").asText())) {
                continue;
            }
            JsonNode labels = o.path("metadata").path("labels");
            String name = labels.path("name").asText(null);
            String namespace = o.path("metadata").path("namespace").asText(null);
            if (!"helm".equals(labels.path("owner").asText(null)) || name == null || !RELEASE_NAME.matcher(name).matches()
                    || namespace == null || !NAMESPACE.matcher(namespace).matches()) {
                continue;
            }
            int revision;
            try {
                revision = Integer.parseInt(labels.path("version").asText("0"));
            } catch (NumberFormatException e) {
                revision = 0;
            }
            Live live = new Live(name, namespace, revision, labels.path("status").asText(""));
            newest.merge(namespace + "/" + name, live, (a, b) -> b.revision() > a.revision() ? b : a);
        }
        return List.copyOf(newest.values());
    }

    /**
     * The choice for one chart. {@code namespaces}: the app's namespaces (the first is the default namespace).
     * A live release counts when it is deployed and in the option's namespace (if given) or one of the app's:
     * the one named after the chart, else the only one; several others are ambiguous and never guessed between.
     */
    public static Choice choose(String chartName, String optionName, String optionNamespace, List<Live> live, List<String> namespaces) {
        List<String> scope = optionNamespace != null ? List.of(optionNamespace) : namespaces;
        List<Live> deployed = new ArrayList<>(live.stream()
                .filter(l -> l.status().equals("deployed") && scope.contains(l.namespace())).toList());
        deployed.sort(Comparator.comparingInt((Live l) -> scope.indexOf(l.namespace())).thenComparing(Live::name));
        String defaultNamespace = optionNamespace != null ? optionNamespace : namespaces.isEmpty() ? null : namespaces.get(0);
        if (optionName != null) {
            Live same = deployed.stream().filter(l -> l.name().equals(optionName)).findFirst().orElse(null);
            String ns = optionNamespace != null ? optionNamespace : same != null ? same.namespace() : defaultNamespace;
            return new Choice(optionName, ns, "--helm-release" + (optionNamespace != null ? ", --helm-namespace" : ""));
        }
        Live byChart = deployed.stream().filter(l -> l.name().equals(chartName)).findFirst().orElse(null);
        Live chosen = byChart != null ? byChart : deployed.size() == 1 ? deployed.get(0) : null;
        if (chosen != null) {
            return new Choice(chosen.name(), optionNamespace != null ? optionNamespace : chosen.namespace(),
                    "live Helm release Secret, revision " + chosen.revision()
                            + (optionNamespace != null ? "; namespace from --helm-namespace" : ""));
        }
        String why = deployed.isEmpty() ? "no live Helm release" : deployed.size() + " live Helm releases, none named after the chart";
        return new Choice(chartName, defaultNamespace, "chart name; " + why + (optionNamespace != null ? "; namespace from --helm-namespace" : ""));
    }

    /** The chart's name from its Chart.yaml, if it is a valid release name; else the folder's name; else "release". */
    public static String chartName(JsonNode chartYaml, String chartDir) {
        String name = chartYaml == null ? null : chartYaml.path("name").asText(null);
        if (name != null && RELEASE_NAME.matcher(name).matches()) {
            return name;
        }
        String dir = chartDir.substring(chartDir.lastIndexOf('/') + 1).toLowerCase(java.util.Locale.ROOT);
        return RELEASE_NAME.matcher(dir).matches() ? dir : "release";
    }
}
