package dev.layercake.api.result;

import java.util.List;
import java.nio.file.Path;

public record PipelineFilesWritten(Path directory, List<String> written, List<String> unchanged) {
}
