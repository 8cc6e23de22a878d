package dev.layercake.api.result;

import java.util.List;

/** What {@code show} and {@code list} print of the latest drill: its outcome, when, the record's key. */
public record DrillSummary(String outcome, String finishedAt, List<String> notObserved, String recordKey) {
    public String line() {
        return outcome + (notObserved == null || notObserved.isEmpty() ? "" : " (not observed: " + String.join(", ", notObserved) + ")")
                + " at " + finishedAt + " (" + recordKey + ")";
    }
}
