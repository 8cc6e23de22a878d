package dev.layercake.source;

/**
 * The jgit settings every use of jgit here needs, applied once before the first repository is opened (and only
 * then: commands that read no git pay nothing for jgit).
 */
public final class JGitSettings {

    private static volatile boolean applied;

    private JGitSettings() {
    }

    public static void apply() {
        if (!applied) {
            // jgit otherwise measures the filesystem's timestamp resolution up front (about 2 s on a cold disk).
            org.eclipse.jgit.util.FS.FileStoreAttributes.setBackground(true);
            applied = true;
        }
    }
}
