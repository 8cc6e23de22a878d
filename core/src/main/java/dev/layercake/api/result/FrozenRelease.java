package dev.layercake.api.result;

import java.util.List;

/** A freeze, and the release tags it put on the release's backup-registry image copies (empty when not asked). */
public record FrozenRelease(FreezeResult freeze, List<ImageTag> imageTags) {
}
