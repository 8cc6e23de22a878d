package dev.layercake.model;

/**
 * An image named in the sources: a Dockerfile FROM, a Kubernetes {@code image:} field, a Helm value.
 * {@code platform} and {@code stage} are set for Dockerfile FROM lines where given.
 */
public record ImageReference(String ref, String file, int line, String foundAs, String platform, String stage) {
}
