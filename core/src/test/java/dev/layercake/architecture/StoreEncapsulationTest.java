package dev.layercake.architecture;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store owns its layout and its backends: no engine class outside {@code dev.layercake.store} uses the raw
 * backend ({@code ObjectStore}, reached through {@code ReleaseStore.objects()}) or tests a backend's class
 * ({@code instanceof S3ObjectStore}); they use the release store's typed operations and the backend's capabilities.
 * Checked on the compiled classes with jdeps (class level), as {@link PackageCyclesTest} does for packages.
 */
class StoreEncapsulationTest {

    private static final Pattern EDGE = Pattern.compile("^\\s*(dev\\.layercake[\\w.$]*)\\s+->\\s+(dev\\.layercake[\\w.$]*)\\s");
    private static final Set<String> BACKEND = Set.of("dev.layercake.store.ObjectStore", "dev.layercake.store.S3ObjectStore",
            "dev.layercake.store.FileSystemObjectStore", "dev.layercake.store.OciObjectStore");

    @Test
    void onlyTheStorePackageTouchesTheBackend() {
        Path classes = Path.of("target/classes");
        assertThat(Files.isDirectory(classes)).as(classes + " is compiled").isTrue();
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError("this JDK has no jdeps"));
        StringWriter out = new StringWriter();
        int rc = jdeps.run(new PrintWriter(out), new PrintWriter(out), "-verbose:class", "-filter:none", classes.toString());
        assertThat(rc).as(out.toString()).isZero();
        Set<String> leaks = new TreeSet<>();
        Set<String> inside = new TreeSet<>();
        int edges = 0;
        for (String line : out.toString().split("\n")) {
            Matcher m = EDGE.matcher(line);
            if (!m.find()) {
                continue;
            }
            edges++;
            String from = m.group(1);
            String to = m.group(2);
            boolean inStore = from.startsWith("dev.layercake.store.");
            if (BACKEND.contains(to.replaceAll("\\$.*", ""))) {
                (inStore ? inside : leaks).add(from + " -> " + to);
            }
        }
        assertThat(edges).as("jdeps found class dependencies").isGreaterThan(100);
        assertThat(inside).as("the check sees the store's own use of its backend")
                .contains("dev.layercake.store.ReleaseStore -> dev.layercake.store.ObjectStore");
        assertThat(leaks).as("classes outside dev.layercake.store that use a store backend directly").isEmpty();
    }
}
