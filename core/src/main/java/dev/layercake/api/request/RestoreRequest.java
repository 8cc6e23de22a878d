package dev.layercake.api.request;

import dev.layercake.LayercakeException;
import dev.layercake.api.request.StoreLocation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One restore of a release, to any of three targets: sources to a folder, images to a registry,
 * Kubernetes objects to a cluster. Each target is optional; at least one must be given.
 */
public record RestoreRequest(StoreLocation store, String app, String release,
                             String sourcesTo,
                             String imagesTo, List<String> insecureRegistries,
                             KubernetesTarget kubernetes,
                             boolean dryRun, String publicKey, boolean requireSignature) {

    /**
     * Without a signature check by the command: the store's signature policy still applies
     * ({@code publicKey}: PEM file to check the manifest's signature with; {@code requireSignature}: refuse an
     * unsigned or unchecked manifest).
     */
    public RestoreRequest(StoreLocation store, String app, String release, String sourcesTo, String imagesTo,
                          List<String> insecureRegistries, KubernetesTarget kubernetes, boolean dryRun) {
        this(store, app, release, sourcesTo, imagesTo, insecureRegistries, kubernetes, dryRun, null, false);
    }

    /**
     * Where and how to apply the release's Kubernetes objects. {@code existing}: skip, update or fail.
     * {@code namespaceMapping}: old namespace to new.
     */
    public record KubernetesTarget(boolean enabled, String kubeconfig, String context, Map<String, String> namespaceMapping,
                                   Existing existing, boolean pinImages, String imagesFrom,
                                   String encryptionKeyFile, String encryptionKeyEnv) {

        public static final Existing SKIP = Existing.SKIP;
        public static final Existing UPDATE = Existing.UPDATE;
        public static final Existing FAIL = Existing.FAIL;

        /** What to do with objects that already exist in the target: leave them, update them, or fail before changing anything. */
        public enum Existing {
            SKIP("skip"),
            UPDATE("update"),
            FAIL("fail");

            private final String word;

            Existing(String word) {
                this.word = word;
            }

            /** As users write it (--existing update). */
            public String word() {
                return word;
            }

            /** Parses what a user gave; null or blank is the default (skip); anything else names the option and the choices. */
            public static Existing parse(String value) {
                if (value == null || value.isBlank()) {
                    return SKIP;
                }
                for (Existing m : values()) {
                    if (m.word.equals(value.trim())) {
                        return m;
                    }
                }
                throw LayercakeException.usage("--existing '" + value + "' is not one of skip, update, fail");
            }

            @Override
            public String toString() {
                return word;
            }
        }

        public KubernetesTarget {
            namespaceMapping = namespaceMapping == null ? Map.of() : Map.copyOf(namespaceMapping);
            existing = existing == null ? SKIP : existing;
            encryptionKeyEnv = encryptionKeyEnv == null || encryptionKeyEnv.isBlank() ? "LAYERCAKE_ENCRYPTION_KEY" : encryptionKeyEnv;
        }

        /** With {@code existing} as a user wrote it ({@code --existing}, {@code existing}). */
        public KubernetesTarget(boolean enabled, String kubeconfig, String context, Map<String, String> namespaceMapping,
                                String existing, boolean pinImages, String imagesFrom,
                                String encryptionKeyFile, String encryptionKeyEnv) {
            this(enabled, kubeconfig, context, namespaceMapping, Existing.parse(existing), pinImages, imagesFrom, encryptionKeyFile,
                    encryptionKeyEnv);
        }

        /**
         * The one rule of every front door: the objects are restored when asked for ({@code kubernetes}), or when a
         * namespace mapping or anything naming a cluster (kubeconfig, context, a kubeconfig credential) is given.
         */
        public static boolean wanted(boolean kubernetes, java.util.Collection<?> namespaceMapping, String... namingTheCluster) {
            return kubernetes || (namespaceMapping != null && !namespaceMapping.isEmpty())
                    || java.util.Arrays.stream(namingTheCluster).anyMatch(java.util.Objects::nonNull);
        }

        public static KubernetesTarget disabled() {
            return new KubernetesTarget(false, null, null, Map.of(), SKIP, false, null, null, null);
        }

        /** Parses repeated {@code old=new} values. */
        public static Map<String, String> parseMapping(List<String> values) {
            Map<String, String> out = new LinkedHashMap<>();
            for (String v : values == null ? List.<String>of() : values) {
                int eq = v.indexOf('=');
                if (eq <= 0 || eq == v.length() - 1) {
                    throw LayercakeException.usage("--namespace-mapping '" + v + "' is not old=new");
                }
                out.put(v.substring(0, eq), v.substring(eq + 1));
            }
            return out;
        }
    }

    public RestoreRequest {
        Objects.requireNonNull(store, "store");
        insecureRegistries = insecureRegistries == null ? List.of() : List.copyOf(insecureRegistries);
        kubernetes = kubernetes == null ? KubernetesTarget.disabled() : kubernetes;
    }
}
