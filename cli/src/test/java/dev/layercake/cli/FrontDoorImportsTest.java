package dev.layercake.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The front doors reach the engine only through {@code dev.layercake.api} (the {@code Layercake} entry, its
 * request, result, access and progress types), the manifest model and the one exception type. The CLI is checked
 * on its compiled classes with jdeps (a fully qualified use counts as much as an import); the Jenkins plugin, which
 * compiles only against the Jenkins repository, and the demo on their sources (imports and qualified names).
 */
class FrontDoorImportsTest {

    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.layercake\\.[a-z][\\w]*(?:\\.[a-z][\\w]*)*\\.[A-Z]\\w*");

    static boolean allowed(String reference, String ownPackage) {
        return reference.startsWith("dev.layercake.api.") || reference.equals("dev.layercake.api")
                || reference.startsWith("dev.layercake.model.") || reference.equals("dev.layercake.model")
                || reference.equals("dev.layercake.LayercakeException") || reference.startsWith("dev.layercake.LayercakeException$")
                || reference.startsWith("dev.layercake.LayercakeException.")
                || reference.equals("dev.layercake") // the package of LayercakeException, as jdeps names it
                || reference.startsWith(ownPackage + ".") || reference.equals(ownPackage);
    }

    @Test
    void theCliUsesOnlyTheApiAndTheModel() {
        Path classes = Path.of("target/classes");
        assertThat(Files.isDirectory(classes.resolve("dev/layercake/cli"))).as("cli is compiled").isTrue();
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError("this JDK has no jdeps"));
        StringWriter out = new StringWriter();
        int rc = jdeps.run(new PrintWriter(out), new PrintWriter(out), "-verbose:class", "-filter:none", classes.toString());
        assertThat(rc).as(out.toString()).isZero();
        TreeSet<String> leaks = new TreeSet<>();
        int edges = 0;
        for (String line : out.toString().split("\n")) {
            Matcher m = Pattern.compile("^\\s*(dev\\.layercake\\.cli[\\w.$]*)\\s+->\\s+(dev\\.layercake[\\w.$]*)").matcher(line);
            if (m.find()) {
                edges++;
                if (!allowed(m.group(2), "dev.layercake.cli")) {
                    leaks.add(m.group(1) + " -> " + m.group(2));
                }
            }
        }
        assertThat(edges).as("jdeps saw the cli's uses of the engine").isGreaterThan(20);
        assertThat(leaks).as("cli classes using engine internals (go through dev.layercake.api.Layercake)").isEmpty();
    }

    @Test
    void theDemoUsesOnlyTheApiAndTheModel() throws IOException {
        List<String> leaks = new ArrayList<>();
        int files = 0;
        // The demo stands up the fabric8 mock API server with the tests' fixture: test support, not the engine.
        files += scan(Path.of("../demo/src/main/java"), "dev.layercake.demo", leaks, "dev.layercake.testing.");
        assertThat(files).as("front-door sources found").isGreaterThan(2);
        assertThat(leaks).as("front-door sources using engine internals (go through dev.layercake.api.Layercake)").isEmpty();
    }

    @Test
    void theJenkinsPluginUsesOnlyTheApiAndTheModel() throws IOException {
        List<String> leaks = new ArrayList<>();
        int files = scan(Path.of("../jenkins-plugin/src/main/java"), "dev.layercake.jenkins", leaks);
        assertThat(files).as("jenkins-plugin sources found").isGreaterThan(20);
        assertThat(leaks).as("jenkins-plugin sources using engine internals (go through dev.layercake.api.Layercake)").isEmpty();
    }

    @Test
    void theRuleItselfTellsApiFromInternals() {
        assertThat(allowed("dev.layercake.api.request.BackupRequest", "dev.layercake.cli")).isTrue();
        assertThat(allowed("dev.layercake.model.Manifest", "dev.layercake.cli")).isTrue();
        assertThat(allowed("dev.layercake.LayercakeException", "dev.layercake.cli")).isTrue();
        assertThat(allowed("dev.layercake.LayercakeException$Kind", "dev.layercake.cli")).isTrue();
        assertThat(allowed("dev.layercake.store.ReleaseStore", "dev.layercake.cli")).isFalse();
        assertThat(allowed("dev.layercake.apiary.Thing", "dev.layercake.cli")).isFalse();
        List<String> leaks = new ArrayList<>();
        check("x/A.java", "import dev.layercake.store.ReleaseStore;\nclass A { dev.layercake.kube.SecretCipher c; String s = \"dev.layercake.app\"; }",
                "dev.layercake.jenkins", leaks);
        assertThat(leaks).containsExactly("x/A.java: dev.layercake.store.ReleaseStore", "x/A.java: dev.layercake.kube.SecretCipher");
    }

    private static int scan(Path root, String ownPackage, List<String> leaks, String... alsoAllowed) throws IOException {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            List<Path> sources = walk.filter(p -> p.toString().endsWith(".java")).toList();
            for (Path p : sources) {
                check(root.relativize(p).toString(), Files.readString(p), ownPackage, leaks, alsoAllowed);
            }
            return sources.size();
        }
    }

    private static void check(String name, String source, String ownPackage, List<String> leaks, String... alsoAllowed) {
        String code = source.replaceAll("\"(?:\\\\.|[^\"\\\\])*\"", "\"\"").replaceAll("//[^\n]*", "");
        Matcher m = REFERENCE.matcher(code);
        TreeSet<String> seen = new TreeSet<>();
        while (m.find()) {
            String ref = m.group();
            if (!allowed(ref, ownPackage) && java.util.Arrays.stream(alsoAllowed).noneMatch(ref::startsWith) && seen.add(ref)) {
                leaks.add(name + ": " + ref);
            }
        }
    }
}
