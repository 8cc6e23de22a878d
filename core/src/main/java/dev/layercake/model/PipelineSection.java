package dev.layercake.model;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * What only the CI system knows about the pipeline that made the release (git already holds the Jenkinsfile
 * and .tekton/ files): for Jenkins the job's config.xml as Jenkins stores it (its secrets stay encrypted by
 * Jenkins, never decrypted), the Jenkins version and plugins; for Tekton the live PipelineRun, its Pipeline
 * and Tasks, cleaned like other objects; any file given with --pipeline-file. Each file is a blob.
 * {@code warnings}: what could not be read (a missing RBAC rule), the backup went on without it.
 */
public record PipelineSection(String system, List<PipelineFile> files,
                              @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> warnings) {

    public PipelineSection {
        files = files == null ? List.of() : List.copyOf(files);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /**
     * One stored file. {@code name}: a plain file name (no folder), unique in the section, the name restore
     * writes it under. {@code origin}: where it came from ("--pipeline-file /path", "tekton PipelineRun ci/run-1").
     */
    public record PipelineFile(String name, String kind, String origin, Digest digest, long size, String mediaType) {
    }
}
