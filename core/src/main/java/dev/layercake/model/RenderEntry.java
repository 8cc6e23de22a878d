package dev.layercake.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One source of declared state that drift had to render first: a Kustomize root or a Helm chart, at the
 * release's commit. {@code status} is {@link #RENDERED} (with the tool, its version and how many objects it
 * declared), {@link #NOT_RENDERED} (no renderer: {@code why} says which is missing) or {@link #FAILED} (the
 * renderer refused the input: {@code why} is its first error line). Nothing is ever guessed for a source
 * that was not rendered: drift then reports no "live but not declared" objects (see docs/drift.md).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RenderEntry(String path, String type, String tool, String toolVersion, String status, int objects, String why,
                          String release) {

    /** The signature before {@code release} (for a Helm chart run: the release name, namespace and where they came from). */
    public RenderEntry(String path, String type, String tool, String toolVersion, String status, int objects, String why) {
        this(path, type, tool, toolVersion, status, objects, why, null);
    }

    public static final String KUSTOMIZE = "kustomize";
    public static final String HELM = "helm";

    public static final String RENDERED = "rendered";
    public static final String NOT_RENDERED = "not rendered";
    public static final String FAILED = "failed";

    public boolean rendered() {
        return RENDERED.equals(status);
    }

    /** "kustomize deploy/overlays/prod: rendered by kubectl kustomize (v5.5.0), 3 object(s)". */
    public String describe() {
        return type + " " + path + ": " + (rendered() ? "rendered by " + tool + (toolVersion == null ? "" : " (" + toolVersion + ")")
                + ", " + objects + " object(s)" : status + ": " + why) + (release == null ? "" : "; release " + release);
    }
}
