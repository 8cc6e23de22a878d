package dev.layercake.model;

/** The Layercake that wrote a manifest. */
public record ToolInfo(String name, String version) {
}
