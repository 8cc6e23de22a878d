package dev.layercake.kube;

import dev.layercake.api.result.KubernetesRestoreReport;
import dev.layercake.LayercakeException;

/** A restore that stopped; {@link #report()} says exactly what was applied before it stopped. */
public final class KubernetesRestoreException extends LayercakeException {

    private final transient KubernetesRestoreReport report;

    public KubernetesRestoreException(Kind kind, String message, KubernetesRestoreReport report, Throwable cause) {
        super(kind, message, cause);
        this.report = report;
    }

    public KubernetesRestoreReport report() {
        return report;
    }
}
