package dev.layercake.model;

/**
 * A YAML file of the commit that looks like Kubernetes YAML ({@code apiVersion} and {@code kind} lines) but does
 * not parse (a templated sample with {@code {{X}}}, say): not classified by content, so not captured unless
 * another rule or {@code --include} takes it. {@code error} is the parser's first line.
 */
public record UnparsedFile(String path, String error) {
}
