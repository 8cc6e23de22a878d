package dev.layercake.api.request;

import java.util.List;

/** What to capture from git: a checkout folder or remote URL, the revision, and selection adjustments. */
public record SourceOptions(String source, String ref, List<String> include, List<String> exclude, boolean gitBundle) {

    public SourceOptions {
        source = source == null || source.isBlank() ? "." : source;
        ref = ref == null || ref.isBlank() ? null : ref;
        include = include == null ? List.of() : List.copyOf(include);
        exclude = exclude == null ? List.of() : List.copyOf(exclude);
    }

    public static SourceOptions defaults() {
        return new SourceOptions(".", null, List.of(), List.of(), false);
    }
}
