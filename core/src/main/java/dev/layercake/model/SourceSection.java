package dev.layercake.model;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * What was captured from git: the exact commit, its files and the images they name. {@code path} is the
 * folder of the repository that was captured (null: all of it); file paths are from the repository root.
 * The keys other tools rely on ({@code repo, commit, ref, dirty, files, referencedImages}) are always
 * written, {@code null} when unknown.
 */
public record SourceSection(
        @JsonInclude(JsonInclude.Include.ALWAYS) String repo,
        @JsonInclude(JsonInclude.Include.ALWAYS) String commit,
        @JsonInclude(JsonInclude.Include.ALWAYS) String ref,
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
