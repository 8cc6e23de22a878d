package dev.layercake.drill;

import dev.layercake.api.result.DrillRecord;
import dev.layercake.model.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The streamed fields list and show read of a drill record say what the bound record says. */
class DrillSummaryFieldsTest {

    private static final DrillRecord.Check READY = new DrillRecord.Check("readiness", DrillRecord.NOT_OBSERVED, "the mock runs no pods", List.of());
    private static final DrillRecord.Check BLOBS = new DrillRecord.Check("blobs", "passed", "re-hashed", List.of());

    private static void assertSameAsTheBoundRecord(byte[] bytes) throws Exception {
        DrillRecord bound = Json.read(bytes, DrillRecord.class, "r");
        DrillRecords.SummaryFields streamed = DrillRecords.SummaryFields.read(bytes);
        assertThat(streamed.outcome()).isEqualTo(bound.outcome());
        assertThat(streamed.finishedAt()).isEqualTo(bound.finishedAt());
        assertThat(streamed.notObserved()).isEqualTo(bound.notObserved());
    }

    @Test
    void aRecordReadsAsTheBoundRecordDoes() throws Exception {
        DrillRecord r = new DrillRecord("shop", "r1", "sha256:ab", "d1", "2026-12-07T10:00:00Z", "2026-12-07T10:01:00Z",
                DrillRecord.PASSED_WITH_UNOBSERVED, List.of(BLOBS, READY),
                List.of(new DrillRecord.Difference("objects", "Deployment shop/web", "/spec/replicas", "2", "7")), List.of("readiness"));
        assertSameAsTheBoundRecord(Json.write(r));
        assertThat(DrillRecords.SummaryFields.read(Json.write(r)).notObserved()).containsExactly("readiness");
    }

    @Test
    void aRecordWrittenBeforeNotObservedTakesItFromItsChecks() throws Exception {
        byte[] old = """
                {"app": "shop", "release": "r1", "outcome": "passed-with-unobserved", "finishedAt": "2026-12-01T00:00:00Z",
                 "checks": [{"name": "blobs", "status": "passed", "problems": ["x"]},
                            {"extra": {"nested": [1]}, "how": "h", "status": "not-observed", "name": "readiness"}],
                 "differences": []}""".getBytes(StandardCharsets.UTF_8);
        assertSameAsTheBoundRecord(old);
        assertThat(DrillRecords.SummaryFields.read(old).notObserved()).containsExactly("readiness");
    }

    @Test
    void whatIsNotARecordIsRefused() {
        for (String bad : List.of("not json", "[]", "{\"outcome\": \"passed\"}", "{\"outcome\": {}, \"checks\": []}",
                "{\"checks\": {}}", "{\"checks\": [1]}", "{\"checks\": [], \"notObserved\": [[]]}", "{\"checks\": []} x",
                "{\"checks\": [], \"x\": " + "[".repeat(100) + "]".repeat(100) + "}")) {
            assertThatThrownBy(() -> DrillRecords.SummaryFields.read(bad.getBytes(StandardCharsets.UTF_8))).as(bad)
                    .isInstanceOfAny(java.io.IOException.class, IllegalArgumentException.class);
        }
    }
}
