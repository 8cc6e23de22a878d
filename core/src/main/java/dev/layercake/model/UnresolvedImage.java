package dev.layercake.model;

/**
 * A text in the sources that names an image but is not one at capture time: it depends on a value the
 * build supplies (an ARG without default, a platform ARG) or is not a valid reference (a placeholder such
 * as {@code REGISTRY_PLACEHOLDER/app}). Recorded with where it was found and why, never backed up.
 */
public record UnresolvedImage(String raw, String file, int line, String why) {
}
