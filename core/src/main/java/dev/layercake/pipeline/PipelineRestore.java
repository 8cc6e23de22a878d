package dev.layercake.pipeline;

import dev.layercake.api.result.PipelineFilesWritten;
import dev.layercake.LayercakeException;
import dev.layercake.model.Digest;
import dev.layercake.model.Manifest;
import dev.layercake.model.PipelineSection;
import dev.layercake.store.ReleaseStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a release's pipeline section out ({@code restore --pipeline-to DIR}): each file under its plain name in
 * DIR. The names come from an untrusted manifest: one that is not a plain file name fails before anything is
 * written, as does a file already in DIR with other content (nothing is overwritten); content is checked against
 * its digest before it lands.
 */
public final class PipelineRestore {


    private PipelineRestore() {
    }

    public static PipelineFilesWritten restore(ReleaseStore store, Manifest manifest, Path directory, boolean dryRun) {
        PipelineSection section = manifest.pipeline();
        if (section == null || section.files().isEmpty()) {
            throw LayercakeException.notFound("release " + manifest.app() + "/" + manifest.release()
                    + " has no pipeline section (backed up without --pipeline-file, outside Tekton, or before pipelines were recorded)");
        }
        Path root = directory.toAbsolutePath().normalize();
        List<Path> targets = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        for (PipelineSection.PipelineFile f : section.files()) {
            if (f.name() == null || !PipelineFiles.NAME.matcher(f.name()).matches() || f.name().contains("..")) {
                throw LayercakeException.corrupt("pipeline file name '" + f.name() + "' in the manifest is not a plain file name; nothing written");
            }
            Path target = root.resolve(f.name()).normalize();
            if (!target.getParent().equals(root)) {
                throw LayercakeException.corrupt("pipeline file name '" + f.name() + "' leaves " + root + "; nothing written");
            }
            if (Files.isSymbolicLink(target) || (Files.exists(target) && !Files.isRegularFile(target))) {
                throw LayercakeException.conflict(target + " exists and is not a regular file; nothing written");
            }
            if (Files.isRegularFile(target)) {
                if (!sameContent(target, f.digest())) {
                    throw LayercakeException.conflict(target + " exists with other content; pipeline files are never overwritten"
                            + " (choose an empty --pipeline-to folder); nothing written");
                }
                unchanged.add(f.name());
                targets.add(null);
            } else {
                targets.add(target);
            }
        }
        List<String> written = new ArrayList<>();
        if (dryRun) {
            for (int i = 0; i < targets.size(); i++) {
                if (targets.get(i) != null) {
                    written.add(section.files().get(i).name());
                }
            }
            return new PipelineFilesWritten(root, written, unchanged);
        }
        try {
            Files.createDirectories(root);
            for (int i = 0; i < targets.size(); i++) {
                Path target = targets.get(i);
                if (target == null) {
                    continue;
                }
                PipelineSection.PipelineFile f = section.files().get(i);
                byte[] bytes = store.readBlob(f.digest());
                if (!Digest.of(bytes).equals(f.digest())) {
                    throw LayercakeException.corrupt("pipeline file " + f.name() + ": stored content does not hash to " + f.digest());
                }
                Path tmp = Files.createTempFile(root, ".layercake-", ".tmp");
                Files.write(tmp, bytes);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                written.add(f.name());
            }
        } catch (IOException e) {
            throw new LayercakeException(LayercakeException.Kind.FAILED, "cannot write pipeline files to " + root + ": " + e.getMessage(), e);
        }
        return new PipelineFilesWritten(root, written, unchanged);
    }

    private static boolean sameContent(Path target, Digest digest) {
        try {
            return Digest.of(Files.readAllBytes(target)).equals(digest);
        } catch (IOException e) {
            return false;
        }
    }

}
