package dev.layercake.cli;

import dev.layercake.api.request.KubernetesOptions;
import picocli.CommandLine.Option;

/** The AES-256 key of the release's Secrets: from a file, or from an environment variable (never a flag value). */
final class EncryptionKeyOptions {

    @Option(names = "--encryption-key-file", paramLabel = "FILE", description = "File with the AES-256 key (32 raw bytes or base64).")
    String encryptionKeyFile;

    @Option(names = "--encryption-key-env", paramLabel = "VAR", defaultValue = KubernetesOptions.DEFAULT_KEY_ENV,
            description = "Environment variable with the base64 AES-256 key. Default: ${DEFAULT-VALUE}.")
    String encryptionKeyEnv;
}
