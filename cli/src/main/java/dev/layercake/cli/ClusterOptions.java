package dev.layercake.cli;

import picocli.CommandLine.Option;

/** Which cluster: the kubeconfig file and its context. */
final class ClusterOptions {

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "Kubeconfig (default: KUBECONFIG, ~/.kube/config or in-cluster).")
    String kubeconfig;

    @Option(names = "--context", description = "Kubeconfig context (default: current).")
    String context;

    boolean given() {
        return kubeconfig != null || context != null;
    }
}
