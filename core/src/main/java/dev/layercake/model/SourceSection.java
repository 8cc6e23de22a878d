package dev.layercake.model;

import java.util.List;

/**
 * What was captured from git: the exact commit, its files and the images they name. {@code path} is the
 * folder of the repository that was captured (null: all of it); file paths are from the repository root.
 */
public record SourceSection(
        String repo,
        String commit,
        String ref,
        String path,
        boolean dirty,
        List<SourceFile> files,
        List<ImageReference> referencedImages,
        BlobRef bundle) {

    public SourceSection {
        files = files == null ? List.of() : List.copyOf(files);
        referencedImages = referencedImages == null ? List.of() : List.copyOf(referencedImages);
    }
}
