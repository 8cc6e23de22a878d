package dev.layercake.api.request;

import dev.layercake.LayercakeException;

import java.util.List;

/**
 * Where the application lives in the cluster. Capture runs when at least one namespace is given.
 * {@code secrets}: encrypt (needs a key), plain (explicit opt-in) or skip. {@code allowEmptySelection}: a selection
 * that finds no workload (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod ...) is captured as it is instead
 * of failing the backup.
 */
public record KubernetesOptions(String kubeconfig, String context, List<String> namespaces, List<String> selectors,
                                Secrets secrets, String encryptionKeyFile, String encryptionKeyEnv, boolean allowEmptySelection,
                                String helmRelease, String helmNamespace) {

    public static final Secrets ENCRYPT = Secrets.ENCRYPT;
    public static final Secrets PLAIN = Secrets.PLAIN;
    public static final Secrets SKIP = Secrets.SKIP;

    /** What to do with Secrets: encrypt them (needs a key), store them plain (explicit opt-in), or skip them. */
    public enum Secrets {
        ENCRYPT("encrypt"),
        PLAIN("plain"),
        SKIP("skip");

        private final String word;

        Secrets(String word) {
            this.word = word;
        }

        /** As users write it (--secrets plain). */
        public String word() {
            return word;
        }

        /** Parses what a user gave; null or blank is the default (encrypt); anything else names the option and the choices. */
        public static Secrets parse(String value) {
            if (value == null || value.isBlank()) {
                return ENCRYPT;
            }
            for (Secrets m : values()) {
                if (m.word.equals(value.trim())) {
                    return m;
                }
            }
            throw LayercakeException.usage("--secrets '" + value + "' is not one of encrypt, plain, skip");
        }

        @Override
        public String toString() {
            return word;
        }
    }
    public static final String DEFAULT_KEY_ENV = "LAYERCAKE_ENCRYPTION_KEY";

    public KubernetesOptions {
        namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
        selectors = selectors == null ? List.of() : List.copyOf(selectors);
        secrets = secrets == null ? ENCRYPT : secrets;
        encryptionKeyEnv = encryptionKeyEnv == null || encryptionKeyEnv.isBlank() ? DEFAULT_KEY_ENV : encryptionKeyEnv;
        helmRelease = helmRelease == null || helmRelease.isBlank() ? null : helmRelease;
        helmNamespace = helmNamespace == null || helmNamespace.isBlank() ? null : helmNamespace;
        // helm's own rules; checked here, before anything is read, and so never an argument helm could take for a flag
        if (helmRelease != null && !helmRelease.matches("[a-z0-9]([-a-z0-9]{0,51}[a-z0-9])?")) {
            throw LayercakeException.usage("--helm-release '" + helmRelease + "' is not a Helm release name: lower-case letters,"
                    + " digits and '-', at most 53, starting and ending with a letter or digit");
        }
        if (helmNamespace != null && !helmNamespace.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
            throw LayercakeException.usage("--helm-namespace '" + helmNamespace + "' is not a namespace name: lower-case letters,"
                    + " digits and '-', at most 63, starting and ending with a letter or digit");
        }
    }

    /**
     * {@code helmRelease}/{@code helmNamespace}: the release name and namespace drift renders the Helm charts with
     * ({@code helm template}); null: the live Helm release Secret's, else the chart's name and the first namespace.
     * This is the signature before them.
     */
    public KubernetesOptions(String kubeconfig, String context, List<String> namespaces, List<String> selectors,
                             Secrets secrets, String encryptionKeyFile, String encryptionKeyEnv, boolean allowEmptySelection) {
        this(kubeconfig, context, namespaces, selectors, secrets, encryptionKeyFile, encryptionKeyEnv, allowEmptySelection, null, null);
    }

    /** With the secrets mode as a user wrote it, and the Helm release name and namespace for drift. */
    public KubernetesOptions(String kubeconfig, String context, List<String> namespaces, List<String> selectors,
                             String secrets, String encryptionKeyFile, String encryptionKeyEnv, boolean allowEmptySelection,
                             String helmRelease, String helmNamespace) {
        this(kubeconfig, context, namespaces, selectors, Secrets.parse(secrets), encryptionKeyFile, encryptionKeyEnv, allowEmptySelection,
                helmRelease, helmNamespace);
    }

    /** With the secrets mode as a user wrote it ({@code --secrets}, {@code secrets}). */
    public KubernetesOptions(String kubeconfig, String context, List<String> namespaces, List<String> selectors,
                             String secrets, String encryptionKeyFile, String encryptionKeyEnv, boolean allowEmptySelection) {
        this(kubeconfig, context, namespaces, selectors, Secrets.parse(secrets), encryptionKeyFile, encryptionKeyEnv, allowEmptySelection);
    }

    /** Without {@code allowEmptySelection}: a selection that finds no workload fails the backup. */
    public KubernetesOptions(String kubeconfig, String context, List<String> namespaces, List<String> selectors,
                             Secrets secrets, String encryptionKeyFile, String encryptionKeyEnv) {
        this(kubeconfig, context, namespaces, selectors, secrets, encryptionKeyFile, encryptionKeyEnv, false);
    }

    /** Without {@code allowEmptySelection}, the secrets mode as a user wrote it. */
    public KubernetesOptions(String kubeconfig, String context, List<String> namespaces, List<String> selectors,
                             String secrets, String encryptionKeyFile, String encryptionKeyEnv) {
        this(kubeconfig, context, namespaces, selectors, Secrets.parse(secrets), encryptionKeyFile, encryptionKeyEnv, false);
    }

    public boolean enabled() {
        return !namespaces.isEmpty();
    }

    public static KubernetesOptions disabled() {
        return new KubernetesOptions(null, null, List.of(), List.of(), ENCRYPT, null, null);
    }
}
