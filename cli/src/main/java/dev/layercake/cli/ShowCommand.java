package dev.layercake.cli;

import dev.layercake.model.Digest;
import dev.layercake.model.ImageEntry;
import dev.layercake.model.ImageReference;
import dev.layercake.model.Json;
import dev.layercake.model.KubernetesResource;
import dev.layercake.model.Manifest;
import dev.layercake.model.SourceFile;
import dev.layercake.store.ReleaseStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;

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
        try (ReleaseStore releases = ReleaseStore.open(store.location())) {
            byte[] bytes = releases.readManifestBytes(app, release);
            if (common.json) {
                // The stored bytes themselves: their sha256 is the manifest digest.
                out().print(new String(bytes, StandardCharsets.UTF_8));
                out().println();
                out().flush();
                return 0;
            }
            Manifest m = Json.read(bytes, Manifest.class, "manifest of " + app + "/" + release);
            out().printf("release   %s/%s%n", m.app(), m.release());
            out().printf("manifest  %s%n", Digest.of(bytes));
            out().printf("created   %s by %s %s%n", m.createdAt(), m.tool().name(), m.tool().version());
            IncompleteOutput.print(out(), m.incomplete());
            if (m.build() != null) {
                out().printf("build     %s %s #%s %s%n", m.build().system(), nz(m.build().job()), nz(m.build().number()), nz(m.build().url()));
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
            CoverageOutput.print(out(), m.coverage(), m.pipeline());
            IncompleteOutput.print(out(), m.incomplete());
            out().flush();
            return 0;
        }
    }

    private static String nz(String s) {
        return s == null ? "-" : s;
    }
}
