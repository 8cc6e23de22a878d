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

    /**
     * Whether {@code source} names a git remote rather than a folder: {@code https://…}, {@code ssh://…},
     * {@code git@host:repo}. The one rule, for the engine and for the front doors that resolve folders themselves.
     */
    public static boolean isRemote(String source) {
        return source != null && (source.contains("://") || source.matches("^[\\w.-]+@[\\w.-]+:.*"));
    }

    public static SourceOptions defaults() {
        return new SourceOptions(".", null, List.of(), List.of(), false);
    }
}
