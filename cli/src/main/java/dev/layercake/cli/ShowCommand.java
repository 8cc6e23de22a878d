package dev.layercake.cli;

import dev.layercake.api.result.ReleaseView;

import dev.layercake.model.ImageEntry;
import dev.layercake.model.ImageReference;
import dev.layercake.model.KubernetesResource;
import dev.layercake.model.Manifest;
import dev.layercake.model.SourceFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** {@code layercake show}: one release's manifest, readable or (with --json) exactly as stored. */
@Command(name = "show", description = "Show a release: its build, commit, files, images and Kubernetes objects.")
final class ShowCommand extends BaseCommand {

    @Mixin
    StoreOptions store = new StoreOptions();

    @Option(names = "--app", required = true, description = "Application name.")
    String app;

    @Option(names = "--release", required = true, description = "Release id.")
    String release;

    @Override
    public Integer call() {
        {
            ReleaseView view = layercake().show(store.location(), app, release);
            byte[] bytes = view.manifestBytes();
            if (common.json) {
                // The stored bytes themselves: their sha256 is the manifest digest.
                out().print(new String(bytes, StandardCharsets.UTF_8));
                out().println();
                out().flush();
                return 0;
            }
            Manifest m = view.manifest();
            out().printf("release   %s/%s%n", m.app(), m.release());
            out().printf("manifest  %s%n", view.manifestDigest());
            out().printf("created   %s by %s %s%n", m.createdAt(), m.tool().name(), m.tool().version());
            IncompleteOutput.print(out(), m.incomplete());
            out().printf("drill     %s%n", view.latestDrill() == null ? "none recorded (layercake drill)" : view.latestDrill().line());
            if (m.build() != null) {
                out().printf("build     %s%n", buildLine(m.build()));
            }
            if (m.source() != null) {
                out().printf("source    %s @ %s%s%s%n", m.source().repo(), m.source().commit(),
                        m.source().ref() == null ? "" : " (" + m.source().ref() + ")", m.source().dirty() ? " DIRTY" : "");
                out().printf("files (%d)%n", m.source().files().size());
                for (SourceFile f : m.source().files()) {
                    out().printf("  %-11s %8d  %s  %s%s%n", f.kind(), f.size(), f.digest().shortHex(), f.path(), f.symlink() ? " (symlink)" : "");
                }
                if (!m.source().referencedImages().isEmpty()) {
                    out().printf("referenced images (%d)%n", m.source().referencedImages().size());
                    for (ImageReference r : m.source().referencedImages()) {
                        out().printf("  %s  (%s:%d, %s)%n", r.ref(), r.file(), r.line(), r.foundAs());
                    }
                }
                if (!m.source().includes().isEmpty()) {
                    out().printf("included CI files, followed (%d)%n", m.source().includes().size());
                    m.source().includes().forEach(i -> out().printf("  %s%n", i));
                }
                if (!m.source().unparsedYaml().isEmpty()) {
                    out().printf("YAML with apiVersion/kind that does not parse (%d)%n", m.source().unparsedYaml().size());
                    m.source().unparsedYaml().forEach(u -> out().printf("  %s  (%s)%n", u.path(), u.error()));
                }
                if (!m.source().unresolvedImages().isEmpty()) {
                    out().printf("unresolved image references, not backed up (%d)%n", m.source().unresolvedImages().size());
                    for (dev.layercake.model.UnresolvedImage u : m.source().unresolvedImages()) {
                        out().printf("  %s  (%s:%d: %s)%n", u.raw(), u.file(), u.line(), u.why());
                    }
                }
            }
            out().printf("images (%d)%n", m.images().size());
            for (ImageEntry i : m.images()) {
                out().printf("  %s@%s  %s%n", i.ref(), i.digest(), String.join(",", i.platforms()));
            }
            out().printf("kubernetes objects (%d)%n", m.kubernetes().resources().size());
            for (KubernetesResource r : m.kubernetes().resources()) {
                out().printf("  %s %s%s%s%n", r.kind(), r.namespace() == null ? "" : r.namespace() + "/", r.name(), r.encrypted() ? " (encrypted)" : "");
            }
            if (!m.kubernetes().drift().isEmpty()) {
                out().printf("drift (%d)%n", m.kubernetes().drift().size());
                for (dev.layercake.model.DriftEntry d : m.kubernetes().drift()) {
                    String what = d.kind() + " " + (d.namespace() == null ? "" : d.namespace() + "/") + d.name();
                    switch (d.change()) {
                        case dev.layercake.model.DriftEntry.REMOVED -> out().printf("  - %s  declared in %s, not live%n", what, d.declaredIn());
                        case dev.layercake.model.DriftEntry.ADDED -> out().printf("  + %s  live, not declared in git%n", what);
                        default -> {
                            out().printf("  ~ %s  (%s)%n", what, d.declaredIn());
                            for (dev.layercake.model.DriftEntry.Field f : d.details()) {
                                out().printf("      %s %s%s%n", f.change(), f.pointer(), switch (f.change()) {
                                    case dev.layercake.model.DriftEntry.CHANGED -> ": declared " + f.declared() + ", live " + f.live();
                                    case dev.layercake.model.DriftEntry.ADDED -> ": live " + f.live();
                                    default -> "";
                                });
                            }
                        }
                    }
                }
            }
            if (!m.kubernetes().rendered().isEmpty()) {
                out().printf("rendered for drift (%d)%n", m.kubernetes().rendered().size());
                m.kubernetes().rendered().forEach(r -> out().printf("  %s%n", r.describe()));
            }
            CoverageOutput.print(out(), m.coverage(), m.pipeline());
            IncompleteOutput.print(out(), m.incomplete());
            out().flush();
            return 0;
        }
    }

    /**
     * What is known of the build, and what is not: "cli (plain CLI run; job, number and URL not recorded)",
     * "jenkins shop/release #42 https://...", "tekton #run-7 (job not recorded)".
     */
    static String buildLine(dev.layercake.model.BuildInfo b) {
        List<String> known = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        if (b.job() != null) {
            known.add(b.job());
        } else {
            missing.add("job");
        }
        if (b.number() != null) {
            known.add("#" + b.number());
        } else {
            missing.add("number");
        }
        if (b.url() != null) {
            known.add(b.url());
        } else {
            missing.add("URL");
        }
        if (b.triggeredBy() != null) {
            known.add("triggered by " + b.triggeredBy());
        }
        String system = b.system() == null ? "unknown system" : b.system();
        if (known.isEmpty()) {
            return system + (dev.layercake.model.BuildInfo.CLI.equals(b.system()) ? " (plain CLI run: job, number and URL not recorded)"
                    : " (job, number and URL not recorded)");
        }
        return system + " " + String.join(" ", known) + (missing.isEmpty() ? "" : " (" + String.join(", ", missing) + " not recorded)");
    }
}
