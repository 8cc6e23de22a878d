package dev.layercake.api.result;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * What {@code show} and {@code list} print of the latest drill: its outcome, when, the record's key. A record
 * that cannot be read has outcome {@link #UNREADABLE}, no time, and {@code problem} saying why.
 */
public record DrillSummary(String outcome, String finishedAt, List<String> notObserved, String recordKey,
                           @JsonInclude(JsonInclude.Include.NON_NULL) String problem) {

    /** The outcome of a record that cannot be read as one. */
    public static final String UNREADABLE = "unreadable";

    /** The signature before {@code problem}. */
    public DrillSummary(String outcome, String finishedAt, List<String> notObserved, String recordKey) {
        this(outcome, finishedAt, notObserved, recordKey, null);
    }

    public static DrillSummary unreadable(String recordKey, String problem) {
        return new DrillSummary(UNREADABLE, null, List.of(), recordKey, problem);
    }

    public boolean readable() {
        return !UNREADABLE.equals(outcome);
    }

    /** One line for a terminal; the key is read from the store, so no control character gets through. */
    public String line() {
        String key = recordKey == null ? "" : recordKey.replaceAll("\\p{Cntrl}", "?");
        if (!readable()) {
            return "record unreadable (" + key + ")" + (problem == null ? "" : ": " + problem);
        }
        return outcome + (notObserved == null || notObserved.isEmpty() ? "" : " (not observed: " + String.join(", ", notObserved) + ")")
                + " at " + finishedAt + " (" + key + ")";
    }
}
