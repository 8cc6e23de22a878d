package dev.layercake.model;

import java.util.List;

/**
 * A difference between the Kubernetes YAML declared in git and the live object at release time.
 * {@code change} is added (live only), removed (declared only) or changed; {@code fields} are the JSON
 * pointers of the fields that differ; {@code details} says for each how it differs (values are left out
 * for Secrets).
 */
public record DriftEntry(String apiVersion, String kind, String namespace, String name, String change,
                         String declaredIn, List<String> fields, List<Field> details) {

    public static final String ADDED = "added";
    public static final String REMOVED = "removed";
    public static final String CHANGED = "changed";

    /** One field that differs: added (live only), removed (declared only) or changed; values as JSON text. */
    public record Field(String pointer, String change, String declared, String live) {
    }

    public DriftEntry {
        fields = fields == null ? List.of() : List.copyOf(fields);
        details = details == null ? List.of() : List.copyOf(details);
    }

    public DriftEntry(String apiVersion, String kind, String namespace, String name, String change,
                      String declaredIn, List<String> fields) {
        this(apiVersion, kind, namespace, name, change, declaredIn, fields, List.of());
    }
}
