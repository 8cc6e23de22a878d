package dev.layercake.api;

import dev.layercake.api.request.Vocabulary;
import dev.layercake.api.request.Vocabulary.FrontDoor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Engine messages name an option by its vocabulary entry (spelled as the CLI flag), and each front door renders it
 * its own way, so a Jenkins user is never told to pass {@code --insecure-registry}.
 */
class VocabularyMessagesTest {

    /** Flags of other programs that engine code passes or quotes (kubectl, helm, the AWS CLI, Dockerfile FROM). */
    private static final Map<String, String> OTHER_PROGRAMS = Map.of(
            "--client", "kubectl version --client",
            "--short", "helm version --short",
            "--platform", "Dockerfile FROM --platform=",
            "--object-lock-enabled-for-bucket", "aws s3api create-bucket, quoted in the freeze error");

    private static final Pattern LITERAL = Pattern.compile("\"(?:\\\\.|[^\"\\\\])*\"");
    private static final Pattern FLAG = Pattern.compile("(?<![\\w-])--[a-z][a-z0-9]*(?:-[a-z0-9]+)*");

    @Test
    void everyFlagAnEngineMessageNamesIsInTheVocabulary() throws IOException {
        Map<String, String> unknown = new TreeMap<>();
        int flags = 0;
        for (Path root : new Path[]{Path.of("src/main/java"), Path.of("../registry-backup/src/main/java")}) {
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path p : walk.filter(f -> f.toString().endsWith(".java")).toList()) {
                    Matcher literal = LITERAL.matcher(Files.readString(p));
                    while (literal.find()) {
                        Matcher flag = FLAG.matcher(literal.group());
                        while (flag.find()) {
                            flags++;
                            String f = flag.group();
                            if (Vocabulary.byCliFlag(f).isEmpty() && !OTHER_PROGRAMS.containsKey(f)) {
                                unknown.put(f, root.relativize(p).toString());
                            }
                        }
                    }
                }
            }
        }
        assertThat(flags).as("flags named in engine strings").isGreaterThan(50);
        assertThat(unknown).as("flags in engine messages that no front door can render (add them to Vocabulary)").isEmpty();
    }

    @Test
    void eachFrontDoorRendersTheOptionItsOwnWay() {
        String message = "registry 127.0.0.1:5000 speaks plain HTTP: pass --insecure-registry 127.0.0.1:5000 (or --image-target over https);"
                + " --images-to and --namespace-mapping too; --not-an-option stays; x--image-mode is no flag";
        assertThat(Vocabulary.render(message, FrontDoor.CLI)).isEqualTo(message);
        assertThat(Vocabulary.render(message, FrontDoor.JENKINS))
                .contains("pass insecureRegistry 127.0.0.1:5000", "(or imageTarget over https)", "imagesTo and namespaceMapping too",
                        "--not-an-option stays", "x--image-mode is no flag")
                .doesNotContain("--insecure-registry");
        assertThat(Vocabulary.render(message, FrontDoor.TEKTON))
                .contains("pass insecure-registry 127.0.0.1:5000", "(or image-target over https)", "images-to and namespace-mapping too");
        assertThat(Vocabulary.render(null, FrontDoor.JENKINS)).isNull();
        // Not words of their own: paths, URLs and values keep their dashes; quoted CLI command lines keep their flags.
        assertThat(Vocabulary.render("key /tmp/--release/key, url https://h/p?x=--app, s3://b/--store/x, app '--release'", FrontDoor.JENKINS))
                .isEqualTo("key /tmp/--release/key, url https://h/p?x=--app, s3://b/--store/x, app '--release'");
        assertThat(Vocabulary.render("set it again with layercake policy --replace; or pass --public-key (CLI: layercake freeze --store S"
                + " --tag-images [--insecure-registry HOST:PORT]; Jenkins: freezeRelease(...))", FrontDoor.JENKINS))
                .isEqualTo("set it again with layercake policy --replace; or pass publicKey (CLI: layercake freeze --store S"
                        + " --tag-images [--insecure-registry HOST:PORT]; Jenkins: freezeRelease(...))");
        // Repeatable flags name their list parameter: --image is the CLI's spelling of Jenkins' images.
        assertThat(Vocabulary.render("give --image REF", FrontDoor.JENKINS)).isEqualTo("give images REF");
        TreeSet<String> doors = new TreeSet<>();
        for (FrontDoor d : FrontDoor.values()) {
            doors.add(Vocabulary.INSECURE_REGISTRY.nameIn(d));
        }
        assertThat(doors).containsExactly("--insecure-registry", "insecure-registry", "insecureRegistry");
    }
}
