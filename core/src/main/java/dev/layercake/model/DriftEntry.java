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

    /**
     * One field that differs: added (live only), removed (declared only) or changed; values as JSON text.
     * For a long or multi-line string that changed, {@code lines} is a unified line diff ({@code -} declared,
     * {@code +} live, {@code @@ line N} heads) and the values are windows around the first difference.
     */
    public record Field(String pointer, String change, String declared, String live,
                        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
                        List<String> lines) {
        public Field {
            lines = lines == null ? List.of() : List.copyOf(lines);
        }

        public Field(String pointer, String change, String declared, String live) {
            this(pointer, change, declared, live, List.of());
        }
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
