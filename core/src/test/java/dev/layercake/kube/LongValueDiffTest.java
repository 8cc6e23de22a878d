package dev.layercake.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.layercake.model.DriftEntry;
import dev.layercake.model.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 12 item 13: long and multi-line values are shown by where they differ, not cut at 200 characters. */
class LongValueDiffTest {

    private static JsonNode configMap(String key, String value) {
        ObjectNode cm = Json.mapper().createObjectNode();
        cm.put("apiVersion", "v1").put("kind", "ConfigMap");
        cm.putObject("data").put(key, value);
        return cm;
    }

    @Test
    void aLongValueChangedAtItsEndShowsTheDifference() {
        String base = "x".repeat(5000);
        List<DriftEntry.Field> fields = ObjectDiff.full(configMap("blob", base + "old"), configMap("blob", base + "new"), false);
        assertThat(fields).singleElement().satisfies(f -> {
            assertThat(f.declared()).isNotEqualTo(f.live()).endsWith("old").startsWith("...");
            assertThat(f.live()).endsWith("new");
            assertThat(f.declared().length()).isLessThanOrEqualTo(LineDiff.SHORT + 6);
        });
    }

    @Test
    void aMultiLineValueGetsAUnifiedLineDiffInTextAndJson() {
        StringBuilder a = new StringBuilder();
        for (int i = 1; i <= 40; i++) {
            a.append("line ").append(i).append('\n');
        }
        String b = a.toString().replace("line 30\n", "line thirty\n") + "added\n";
        List<DriftEntry.Field> fields = ObjectDiff.full(configMap("app.properties", a.toString()), configMap("app.properties", b), false);
        DriftEntry.Field f = fields.get(0);
        assertThat(f.lines()).containsExactly("@@ line 28", " line 28", " line 29", "-line 30", "+line thirty", " line 31", " line 32",
                "@@ line 39", " line 39", " line 40", "+added", " ");
        dev.layercake.api.result.DiffReport report = new dev.layercake.api.result.DiffReport("a/r1", "a/r2", 1,
                List.of(new dev.layercake.api.result.DiffChange("v1", "ConfigMap", "ns", "cfg", DriftEntry.CHANGED, fields)), List.of());
        assertThat(report.text()).contains("    ~ /data/app.properties:\n        @@ line 28\n", "        -line 30\n        +line thirty\n");
        assertThat(Json.writeString(report)).contains("\"lines\"");
        // Short values keep the plain one-line form and no lines field.
        DriftEntry.Field small = ObjectDiff.full(configMap("k", "a"), configMap("k", "b"), false).get(0);
        assertThat(small).isEqualTo(new DriftEntry.Field("/data/k", DriftEntry.CHANGED, "a", "b"));
        // Hidden values (Secrets) never get a line diff.
        assertThat(ObjectDiff.full(configMap("k", a.toString()), configMap("k", b), true).get(0).lines()).isEmpty();
    }
}
