package dev.layercake.api.result;

/** One tag set (or found already set) on a registry copy. */
public record ImageTag(String image, String tag, String digest, boolean alreadyTagged) {
}
