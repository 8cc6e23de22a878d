package dev.layercake.model;

/**
 * One file captured from the commit. {@code mode} is git's file mode in octal (100644, 100755, 120000);
 * a symlink (120000) stores its target text as the blob and is restored as a link.
 */
public record SourceFile(String path, String kind, Digest digest, long size, String mode) {

    public static final String MODE_FILE = "100644";
    public static final String MODE_EXECUTABLE = "100755";
    public static final String MODE_SYMLINK = "120000";

    public boolean symlink() {
        return MODE_SYMLINK.equals(mode);
    }
}
