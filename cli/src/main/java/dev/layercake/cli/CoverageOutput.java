package dev.layercake.cli;

import dev.layercake.model.CoverageSection;
import dev.layercake.model.PipelineSection;

import java.io.PrintWriter;

/** {@code show}'s lines for the coverage map (what the release does NOT hold) and the pipeline section. */
final class CoverageOutput {

    private CoverageOutput() {
    }

    static void print(PrintWriter out, CoverageSection coverage, PipelineSection pipeline) {
        if (pipeline != null) {
            out.printf("pipeline (%d file(s)%s)%n", pipeline.files().size(), pipeline.system() == null ? "" : ", " + pipeline.system());
            for (PipelineSection.PipelineFile f : pipeline.files()) {
                out.printf("  %-28s %8d  %s  %s%n", f.name(), f.size(), f.digest().shortHex(), Terminal.safe(f.origin()));
            }
            for (String w : pipeline.warnings()) {
                out.printf("  WARNING %s%n", Terminal.safe(w));
            }
        }
        if (coverage == null) {
            return;
        }
        out.printf("NOT covered by this release: %d volume(s), %d storage service reference(s)%n",
                coverage.volumes().size(), coverage.services().size());
        for (CoverageSection.Volume v : coverage.volumes()) {
            StringBuilder b = new StringBuilder("  volume  ").append(Terminal.safe(v.kind())).append(' ')
                    .append(v.namespace() == null ? "" : v.namespace() + "/").append(Terminal.safe(v.name()));
            if (v.size() != null) {
                b.append("  ").append(v.size());
            }
            if (v.storageClass() != null) {
                b.append("  class ").append(Terminal.safe(v.storageClass()));
            }
            if (!v.accessModes().isEmpty()) {
                b.append("  ").append(String.join(",", v.accessModes()));
            }
            if (v.boundVolume() != null) {
                b.append("  pv ").append(Terminal.safe(v.boundVolume()));
            }
            if (v.csiDriver() != null) {
                b.append("  driver ").append(Terminal.safe(v.csiDriver()))
                        .append(v.snapshotClass() == null ? "" : v.snapshotClass() ? " (VolumeSnapshotClass exists)" : " (no VolumeSnapshotClass)");
            }
            b.append("  used by ").append(Terminal.safe(String.join(", ", v.usedBy()))).append(": ").append(Terminal.safe(v.coverage()));
            out.println(b);
        }
        for (CoverageSection.Service s : coverage.services()) {
            out.printf("  %s  (%s): %s%n", Terminal.safe(s.describe()), Terminal.safe(s.foundIn()), Terminal.safe(s.coverage()));
        }
        for (String n : coverage.notes()) {
            out.printf("  note: %s%n", Terminal.safe(n));
        }
    }

    /** Untrusted text for a terminal: control characters shown as '?'. */
    static final class Terminal {
        private Terminal() {
        }

        static String safe(String s) {
            return s == null ? "-" : s.replaceAll("[\\p{Cntrl}&&[^\\t]]", "?");
        }
    }
}
