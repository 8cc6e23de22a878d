package dev.layercake.verify;

import dev.layercake.LayercakeException;
import dev.layercake.images.ImageBackupStep;
import dev.layercake.model.ImageEntry;
import dev.layercake.model.KubernetesResource;
import dev.layercake.model.Manifest;
import dev.layercake.model.Names;
import dev.layercake.model.SourceFile;
import dev.layercake.registry.RegistryException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules a manifest must keep before anything acts on it, in one place: {@code verify} reports every break
 * as a problem, {@code restore} refuses the release on the first. A manifest is read from the store, so it is
 * untrusted: a path must stay inside the folder it is restored to (no absolute path, no '..' or empty segment, none
 * through a symlink the release itself stores), each path once, sizes and pack slices non-negative, every image
 * reference a reference, and the manifest must name the app and release it is stored as. The schema version is
 * checked when the manifest is read ({@link Manifest}); checks against a target (files already on disk, the
 * cluster) stay with the restore that has the target.
 */
public final class ManifestRules {

    /** One broken rule: what it concerns ("source file a/../b") and why it is refused. */
    public record Violation(String object, String detail) {
    }

    private ManifestRules() {
    }

    /** Every broken rule of {@code manifest}, stored as {@code app}/{@code release}; empty when it keeps them all. */
    public static List<Violation> check(Manifest manifest, String app, String release) {
        List<Violation> out = new ArrayList<>();
        if (!app.equals(manifest.app()) || !release.equals(manifest.release())) {
            out.add(new Violation("release manifest", "stored as " + app + "/" + release + " but names "
                    + manifest.app() + "/" + manifest.release()));
        }
        for (String[] name : new String[][] {{"app", manifest.app()}, {"release id", manifest.release()}}) {
            try {
                Names.checkSegment(name[0], name[1]);
            } catch (LayercakeException e) {
                out.add(new Violation("release manifest", e.getMessage()));
            }
        }
        if (manifest.source() != null) {
            List<SourceFile> files = manifest.source().files();
            Set<String> symlinks = new HashSet<>();
            files.stream().filter(SourceFile::symlink).forEach(f -> symlinks.add(f.path()));
            Set<String> seen = new HashSet<>();
            for (SourceFile f : files) {
                String problem = pathProblem(f.path(), symlinks);
                if (problem != null) {
                    out.add(new Violation("source file " + f.path(), problem));
                } else if (!seen.add(f.path())) {
                    out.add(new Violation("source file " + f.path(), "recorded twice"));
                }
                if (f.size() < 0) {
                    out.add(new Violation("source file " + f.path(), "negative size " + f.size()));
                }
            }
            if (manifest.source().bundle() != null && manifest.source().bundle().size() < 0) {
                out.add(new Violation("git bundle", "negative size " + manifest.source().bundle().size()));
            }
        }
        for (ImageEntry image : manifest.images()) {
            try {
                ImageBackupStep.refOf(image.ref());
            } catch (RegistryException | IllegalArgumentException | NullPointerException e) {
                out.add(new Violation("image " + image.ref(), "not a valid image reference"));
            }
        }
        for (KubernetesResource r : manifest.kubernetes().resources()) {
            if (r.pack() != null && r.pack().offset() > Long.MAX_VALUE - r.pack().size()) {
                out.add(new Violation("kubernetes " + r.describe(), "pack slice " + r.pack().offset() + "+" + r.pack().size()
                        + " overflows"));
            }
        }
        return out;
    }

    /** Refuses a manifest that breaks a rule, naming the first break, before anything is written. */
    public static void require(Manifest manifest, String app, String release) {
        List<Violation> violations = check(manifest, app, release);
        if (!violations.isEmpty()) {
            Violation v = violations.get(0);
            String what = v.object().startsWith("source file ")
                    ? "refusing manifest path '" + v.object().substring("source file ".length()) + "'"
                    : "refusing release " + app + "/" + release + ": " + v.object();
            throw LayercakeException.corrupt(what + ": " + v.detail()
                    + (violations.size() > 1 ? " (and " + (violations.size() - 1) + " more; run verify to list them)" : "")
                    + "; nothing was written");
        }
    }

    /**
     * Why a manifest path could leave the folder it is restored to, or null when it cannot: absolute or
     * malformed, an empty, '.' or '..' segment, or a folder on the way that the release stores as a symlink.
     */
    public static String pathProblem(String path, Set<String> capturedSymlinks) {
        if (path == null || path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.contains("\0")
                || path.matches("^[A-Za-z]:.*")) {
            return "absolute or malformed";
        }
        String[] segments = path.split("/", -1);
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            if (s.isEmpty() || s.equals(".") || s.equals("..")) {
                return "it has a '" + s + "' segment and could escape the folder";
            }
            if (i < segments.length - 1) {
                prefix.append(prefix.length() == 0 ? "" : "/").append(s);
                if (capturedSymlinks.contains(prefix.toString())) {
                    return "it goes through the symlink " + prefix;
                }
            }
        }
        return null;
    }
}
