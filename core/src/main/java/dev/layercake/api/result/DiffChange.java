package dev.layercake.api.result;

import dev.layercake.model.DriftEntry;

import java.util.List;

/** One object that differs. {@code change}: added (right only), removed (left only) or changed. */
public record DiffChange(String apiVersion, String kind, String namespace, String name, String change,
                     List<DriftEntry.Field> fields) {
    public String object() {
        return kind + " " + (namespace == null ? "" : namespace + "/") + name;
    }
}
