package dev.layercake.model;

import java.util.List;

/**
 * A difference between the Kubernetes YAML declared in git and the live object at release time.
 * {@code change} is added (live only), removed (declared only) or changed; {@code fields} are the JSON
 * pointers of the fields that differ.
 */
public record DriftEntry(String apiVersion, String kind, String namespace, String name, String change,
                         String declaredIn, List<String> fields) {
}
