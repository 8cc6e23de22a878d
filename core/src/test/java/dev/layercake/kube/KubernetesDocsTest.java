package dev.layercake.kube;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/kubernetes.md shows the rule tables of the code: every row named, the restore ranks in order. */
class KubernetesDocsTest {

    private static final Path DOC = Path.of("..", "docs", "kubernetes.md");

    private static String name(KubeRules.GroupKind gk) {
        return gk.group().isEmpty() ? gk.kind() : gk.group() + "/" + gk.kind();
    }

    @Test
    void everyCleaningRuleIsDocumented() throws Exception {
        String doc = Files.readString(DOC);
        for (Sanitizer.Rule rule : Sanitizer.RULES) {
            assertThat(doc).as("docs/kubernetes.md names %s %s", rule.kind(), rule.path()).contains("`" + rule.path() + "`");
        }
    }

    @Test
    void everyNeverCapturedKindIsDocumented() throws Exception {
        String doc = Files.readString(DOC);
        for (KubeRules.Rule rule : KubeRules.NEVER_CAPTURED) {
            assertThat(doc).as("docs/kubernetes.md names %s", name(rule.type())).contains(name(rule.type()));
        }
        KubeRules.NEVER_CAPTURED_SECRET_TYPES.forEach(t -> assertThat(doc).contains(t));
        assertThat(doc).contains(KubeRules.EXCLUDE_LABEL);
    }

    @Test
    void theRestoreRanksAreDocumentedInOrder() throws Exception {
        List<String> lines = Files.readAllLines(DOC);
        int from = lines.indexOf("## Restore order");
        assertThat(from).isPositive();
        for (int rank = 0; rank < KubeRules.RESTORE_ORDER.size(); rank++) {
            String expected = (rank + 1) + ". " + KubeRules.RESTORE_ORDER.get(rank).stream()
                    .map(KubernetesDocsTest::name).collect(Collectors.joining(", "));
            assertThat(lines.subList(from, lines.size())).as("rank %d", rank + 1).contains(expected);
        }
    }
}
