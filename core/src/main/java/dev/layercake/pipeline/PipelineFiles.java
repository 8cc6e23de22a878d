package dev.layercake.pipeline;

import dev.layercake.LayercakeException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The files given with {@code --pipeline-file}: checked before anything is written (each a readable regular
 * file, not a folder or a device, at most {@link #MAX_FILES} of them, each at most {@link #MAX_BYTES}), and
 * the plain name each is stored under (its file name, made safe and unique).
 */
public final class PipelineFiles {

    public static final int MAX_FILES = 64;
    public static final long MAX_BYTES = 16L * 1024 * 1024;
    /** A stored name: a plain file name, never a path. */
    public static final Pattern NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$");

    /** One checked file and the name it is stored under. */
    public record Checked(Path path, String name, long size) {
    }

    private PipelineFiles() {
    }

    public static List<Checked> check(List<String> files) {
        if (files.size() > MAX_FILES) {
            throw LayercakeException.usage("--pipeline-file given " + files.size() + " times; at most " + MAX_FILES
                    + " files (put more in an archive and give that)");
        }
        List<Checked> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String f : files) {
            if (f == null || f.isBlank() || f.indexOf('\0') >= 0) {
                throw LayercakeException.usage("--pipeline-file: empty file name");
            }
            Path p = Path.of(f);
            if (!Files.exists(p)) {
                throw LayercakeException.usage("--pipeline-file " + f + " does not exist");
            }
            if (!Files.isRegularFile(p)) {
                throw LayercakeException.usage("--pipeline-file " + f + " is not a regular file (a folder or a device)");
            }
            if (!Files.isReadable(p)) {
                throw LayercakeException.usage("--pipeline-file " + f + " cannot be read");
            }
            long size;
            try {
                size = Files.size(p);
            } catch (IOException e) {
                throw LayercakeException.usage("--pipeline-file " + f + " cannot be read: " + e.getMessage());
            }
            if (size > MAX_BYTES) {
                throw LayercakeException.usage("--pipeline-file " + f + " is " + size + " bytes; at most " + MAX_BYTES);
            }
            out.add(new Checked(p, unique(safeName(p.getFileName() == null ? "file" : p.getFileName().toString()), names), size));
        }
        return out;
    }

    /** A plain, safe file name from any text: other characters become '_', a leading dot is dropped. */
    public static String safeName(String raw) {
        String s = raw.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^[._-]+", "");
        if (s.isEmpty()) {
            s = "file";
        }
        return s.length() > 180 ? s.substring(0, 180) : s;
    }

    static String unique(String name, Set<String> taken) {
        String n = name;
        int i = 2;
        while (!taken.add(n.toLowerCase(Locale.ROOT))) {
            int dot = name.lastIndexOf('.');
            n = dot > 0 ? name.substring(0, dot) + "-" + i + name.substring(dot) : name + "-" + i;
            i++;
        }
        return n;
    }
}
