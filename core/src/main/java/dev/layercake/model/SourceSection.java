package dev.layercake.model;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * What was captured from git: the exact commit, its files and the images they name. {@code path} is the
 * folder of the repository that was captured (null: all of it); file paths are from the repository root.
 * The keys other tools rely on ({@code repo, commit, ref, dirty, files, referencedImages}) are always
 * written, {@code null} when unknown. {@code unresolvedImages} (only when there are some): texts that name an
 * image not knowable at capture time or not a valid reference, never backed up.
 */
public record SourceSection(
        @JsonInclude(JsonInclude.Include.ALWAYS) String repo,
        @JsonInclude(JsonInclude.Include.ALWAYS) String commit,
        @JsonInclude(JsonInclude.Include.ALWAYS) String ref,
        String path,
        boolean dirty,
        List<SourceFile> files,
        List<ImageReference> referencedImages,
        BlobRef bundle,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<UnresolvedImage> unresolvedImages) {

    public SourceSection {
        files = files == null ? List.of() : List.copyOf(files);
        referencedImages = referencedImages == null ? List.of() : List.copyOf(referencedImages);
        unresolvedImages = unresolvedImages == null ? List.of() : List.copyOf(unresolvedImages);
    }

    /** The section before unresolved image references were recorded. */
    public SourceSection(String repo, String commit, String ref, String path, boolean dirty, List<SourceFile> files,
                         List<ImageReference> referencedImages, BlobRef bundle) {
        this(repo, commit, ref, path, dirty, files, referencedImages, bundle, List.of());
    }
}
