package dev.layercake.model;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * What was captured from git: the exact commit, its files and the images they name. {@code path} is the
 * folder of the repository that was captured (null: all of it); file paths are from the repository root.
 * The keys other tools rely on ({@code repo, commit, ref, dirty, files, referencedImages}) are always
 * written, {@code null} when unknown. {@code unresolvedImages} (only when there are some): texts that name an
 * image not knowable at capture time or not a valid reference, never backed up. {@code unparsedYaml} (only when
 * there are some): YAML files with apiVersion/kind that do not parse. {@code includes} (only when there are some):
 * the CI files that other CI files include (GitLab {@code include: local}), followed and captured.
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
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<UnresolvedImage> unresolvedImages,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<UnparsedFile> unparsedYaml,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> includes) {

    public SourceSection {
        unparsedYaml = unparsedYaml == null ? List.of() : List.copyOf(unparsedYaml);
        includes = includes == null ? List.of() : List.copyOf(includes);
        files = files == null ? List.of() : List.copyOf(files);
        referencedImages = referencedImages == null ? List.of() : List.copyOf(referencedImages);
        unresolvedImages = unresolvedImages == null ? List.of() : List.copyOf(unresolvedImages);
    }

    /** The section before unresolved image references were recorded. */
    public SourceSection(String repo, String commit, String ref, String path, boolean dirty, List<SourceFile> files,
                         List<ImageReference> referencedImages, BlobRef bundle) {
        this(repo, commit, ref, path, dirty, files, referencedImages, bundle, List.of());
    }

    /** The section before unparsed YAML and CI includes were recorded. */
    public SourceSection(String repo, String commit, String ref, String path, boolean dirty, List<SourceFile> files,
                         List<ImageReference> referencedImages, BlobRef bundle, List<UnresolvedImage> unresolvedImages) {
        this(repo, commit, ref, path, dirty, files, referencedImages, bundle, unresolvedImages, List.of(), List.of());
    }
}
