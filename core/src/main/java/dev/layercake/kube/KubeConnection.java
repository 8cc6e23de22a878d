package dev.layercake.kube;

import dev.layercake.api.access.Access;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.layercake.LayercakeException;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A client for one kubeconfig context. The context is checked against the kubeconfig first, so a typo
 * is a usage error naming the contexts that exist rather than a silent fall-back to the current one.
 */
public final class KubeConnection implements AutoCloseable {

    private final KubernetesClient client;
    private final String context;
    private final String server;

    private KubeConnection(KubernetesClient client, String context, String server) {
        this.client = client;
        this.context = context;
        this.server = server;
    }

    /** Opens kubeconfig (null: KUBECONFIG, else ~/.kube/config, else in-cluster) at context (null: current). */
    public static KubeConnection open(String kubeconfig, String context, Access access) {
        Path file = kubeconfigFile(kubeconfig, access);
        if (kubeconfig != null && (file == null || !Files.isRegularFile(file))) {
            throw LayercakeException.usage("kubeconfig " + kubeconfig + " does not exist; give --kubeconfig a readable file");
        }
        Config config;
        String contextName = context;
        if (file != null && Files.isRegularFile(file)) {
            List<String> contexts = contextNames(file);
            String current = currentContext(file);
            if (context != null && !contexts.contains(context)) {
                throw LayercakeException.usage("kubeconfig " + file + " has no context '" + context + "'; it has: "
                        + (contexts.isEmpty() ? "none" : String.join(", ", contexts)));
            }
            if (context == null && (current == null || current.isEmpty())) {
                throw LayercakeException.usage("kubeconfig " + file + " names no current context; give --context (one of: "
                        + String.join(", ", contexts) + ")");
            }
            contextName = context != null ? context : current;
            try {
                config = Config.fromKubeconfig(contextName, file.toFile());
            } catch (KubernetesClientException e) {
                throw LayercakeException.usage("kubeconfig " + file + " context '" + contextName + "' cannot be used: "
                        + e.getMessage());
            }
        } else {
            if (context != null) {
                throw LayercakeException.usage("--context " + context + " given but no kubeconfig found; give --kubeconfig");
            }
            config = Config.autoConfigure(null);
            contextName = "in-cluster";
        }
        config.setRequestRetryBackoffLimit(0);
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        return new KubeConnection(client, contextName, config.getMasterUrl());
    }

    static Path kubeconfigFile(String kubeconfig, Access access) {
        if (kubeconfig != null && !kubeconfig.isBlank()) {
            return Path.of(kubeconfig);
        }
        String fromEnv = access.environment().get("KUBECONFIG");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv.split(File.pathSeparator)[0]);
        }
        String home = access.environment().getOrDefault("HOME", System.getProperty("user.home"));
        Path dflt = Path.of(home, ".kube", "config");
        return Files.isRegularFile(dflt) ? dflt : null;
    }

    private static JsonNode readKubeconfig(Path file) {
        try {
            return new YAMLMapper().readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw LayercakeException.usage("kubeconfig " + file + " cannot be read: " + e.getMessage());
        }
    }

    private static List<String> contextNames(Path file) {
        List<String> names = new ArrayList<>();
        for (JsonNode c : readKubeconfig(file).path("contexts")) {
            names.add(c.path("name").asText());
        }
        return names;
    }

    private static String currentContext(Path file) {
        return readKubeconfig(file).path("current-context").asText(null);
    }

    public KubernetesClient client() {
        return client;
    }

    public String context() {
        return context;
    }

    public String server() {
        return server;
    }

    /** Maps a client failure to the user-facing family, naming what was being done. */
    public LayercakeException failure(String doing, KubernetesClientException e) {
        int code = e.getCode();
        String where = " (context " + context + ", " + server + ")";
        if (code == 401) {
            return new LayercakeException(LayercakeException.Kind.AUTH, doing + ": the cluster refused the credentials"
                    + where + "; refresh the kubeconfig's token or certificate", e);
        }
        if (code == 403) {
            return new LayercakeException(LayercakeException.Kind.AUTH, doing + ": forbidden by RBAC" + where
                    + "; grant the needed verbs to the identity of this kubeconfig", e);
        }
        if (code <= 0 || code >= 500) {
            return new LayercakeException(LayercakeException.Kind.UNAVAILABLE, doing + ": the cluster cannot be reached"
                    + where + ": " + rootMessage(e), e);
        }
        return new LayercakeException(LayercakeException.Kind.FAILED, doing + " failed with HTTP " + code + where + ": "
                + (e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : rootMessage(e)), e);
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    @Override
    public void close() {
        client.close();
    }
}
