package dev.layercake.api.result;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.layercake.model.BuildInfo;
import dev.layercake.model.IncompleteEntry;

import java.util.List;

/** One row of {@code list}: a stored release, what it holds, whether it is complete, its latest drill. */
// Alphabetical, as list --json printed its rows before they were records (sorted map keys).
@JsonPropertyOrder(alphabetic = true)
public record ReleaseEntry(String app, String release, String createdAt, String manifestDigest, String commit, BuildInfo build,
                           int files, int images, int kubernetesObjects, boolean complete, List<IncompleteEntry> incomplete,
                           DrillSummary latestDrill) {
}
