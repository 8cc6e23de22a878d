package dev.layercake.options;

import dev.layercake.api.request.Vocabulary;
import org.junit.jupiter.api.Test;

import java.beans.Introspector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Jenkins steps' parameters are the engine's one vocabulary. The plugin is not compiled in the default
 * build (its Maven repository is not reachable everywhere), so this reads its sources: every
 * {@code @DataBoundConstructor} and {@code @DataBoundSetter} parameter of a step is a {@link Vocabulary}
 * option of the step's command (or a Jenkins credential id), every option of the command is a parameter,
 * types agree (lists are {@code List<String>}, flags {@code boolean}), list parameters are declared to the
 * form binding, and each parameter has a form field and a help file.
 */
class StepVocabularyTest {

    private static final Path PLUGIN = Path.of("..", "jenkins-plugin");
    private static final Path SOURCES = PLUGIN.resolve("src/main/java/dev/layercake/jenkins");
    private static final Path RESOURCES = PLUGIN.resolve("src/main/resources/dev/layercake/jenkins");

    /** Step class → CLI command whose options it takes → Pipeline function name. */
    private static final Map<String, String[]> STEPS = Map.of(
            "BackupAppStep", new String[] {"backup", "backupApp"},
            "RestoreAppStep", new String[] {"restore", "restoreApp"},
            "FreezeReleaseStep", new String[] {"freeze", "freezeRelease"},
            "CopyReleaseStep", new String[] {"copy", "copyRelease"},
            "DrillReleaseStep", new String[] {"drill", "drillRelease"});

    /**
     * Options a step takes under another name, step class → Vocabulary name → step parameter: copyRelease's
     * source is {@code store}, as in every other step (a location or a configured store, default the default).
     */
    private static final Map<String, Map<String, String>> RENAMED = Map.of(
            "CopyReleaseStep", Map.of("from", "store"));

    /** Jenkins-only parameters: credentials are looked up by id in Jenkins, never passed as values. */
    private static final Set<String> CREDENTIAL_IDS = Set.of(
            "credentialsId", "registryCredentialsId", "kubeconfigCredentialsId", "encryptionKeyCredentialsId",
            "targetCredentialsId");

    /** Options with no meaning in a Pipeline step: a step returns a map instead of printing JSON. */
    private static final Set<Vocabulary> NOT_FOR_STEPS = Set.of(Vocabulary.JSON);

    private static final Pattern SETTER = Pattern.compile(
            "@DataBoundSetter\\s+public\\s+void\\s+set(\\w+)\\(\\s*([\\w<>]+)\\s+\\w+\\s*\\)");
    private static final Pattern CONSTRUCTOR = Pattern.compile(
            "@DataBoundConstructor\\s+public\\s+\\w+\\(([^)]*)\\)");
    private static final Pattern FUNCTION_NAME = Pattern.compile(
            "getFunctionName\\(\\)\\s*\\{\\s*return\\s+\"(\\w+)\"");
    private static final Pattern LIST_PARAMETERS = Pattern.compile(
            "listParameters\\(\\)\\s*\\{[^}]*?List\\.of\\(([^)]*)\\)", Pattern.DOTALL);

    @Test
    void stepParametersAreTheCommandsVocabularyPlusCredentialIds() throws IOException {
        for (var step : STEPS.entrySet()) {
            String command = step.getValue()[0];
            Map<String, String> parameters = parameters(step.getKey());

            Set<String> expected = new TreeSet<>(CREDENTIAL_IDS);
            options(step.getValue()).forEach(v -> expected.add(name(step.getKey(), v)));
            Set<String> unknown = new TreeSet<>(parameters.keySet());
            unknown.removeAll(expected);
            assertThat(unknown).as("%s parameters that are not '%s' options or credential ids", step.getKey(), command).isEmpty();

            Set<String> missing = new TreeSet<>();
            options(step.getValue()).stream()
                    .map(v -> name(step.getKey(), v)).filter(n -> !parameters.containsKey(n)).forEach(missing::add);
            assertThat(missing).as("'%s' options that %s lacks", command, step.getKey()).isEmpty();
        }
    }

    @Test
    void parameterTypesFollowTheVocabulary() throws IOException {
        for (var step : STEPS.entrySet()) {
            Map<String, String> parameters = parameters(step.getKey());
            for (Vocabulary v : options(step.getValue())) {
                String type = parameters.get(name(step.getKey(), v));
                if (type == null) {
                    continue;
                }
                String want = switch (v.type()) {
                    case LIST -> "List<String>";
                    case BOOLEAN -> "boolean";
                    default -> "String";
                };
                assertThat(type).as("type of %s.%s", step.getKey(), name(step.getKey(), v)).isEqualTo(want);
            }
        }
    }

    @Test
    void listParametersAreBoundFromTheForm() throws IOException {
        for (String step : STEPS.keySet()) {
            Set<String> lists = new TreeSet<>();
            parameters(step).forEach((name, type) -> {
                if (type.startsWith("List")) {
                    lists.add(name);
                }
            });
            Matcher m = LIST_PARAMETERS.matcher(source(step));
            assertThat(m.find()).as("%s declares listParameters()", step).isTrue();
            Set<String> declared = new TreeSet<>();
            for (String quoted : m.group(1).split(",")) {
                if (!quoted.isBlank()) {
                    declared.add(quoted.trim().replace("\"", ""));
                }
            }
            assertThat(declared).as("list parameters of %s", step).isEqualTo(lists);
        }
    }

    @Test
    void functionNamesAreTheDocumentedOnes() throws IOException {
        for (var step : STEPS.entrySet()) {
            Matcher m = FUNCTION_NAME.matcher(source(step.getKey()));
            assertThat(m.find()).as("%s has getFunctionName()", step.getKey()).isTrue();
            assertThat(m.group(1)).isEqualTo(step.getValue()[1]);
        }
    }

    @Test
    void everyParameterHasAFormFieldAndAHelpFile() throws IOException {
        for (String step : STEPS.keySet()) {
            Path dir = RESOURCES.resolve(step);
            String config = Files.readString(dir.resolve("config.jelly"));
            assertThat(config).as("%s/config.jelly escapes by default", step)
                    .startsWith("<?jelly escape-by-default='true'?>");
            for (String name : parameters(step).keySet()) {
                assertThat(config).as("%s/config.jelly field for %s", step, name).contains("field=\"" + name + "\"");
                assertThat(dir.resolve("help-" + name + ".html")).as("help file of %s.%s", step, name).isRegularFile();
            }
        }
    }

    /** The step parameter of a Vocabulary option: its Jenkins name unless the step renames it. */
    private static String name(String step, Vocabulary v) {
        return RENAMED.getOrDefault(step, Map.of()).getOrDefault(v.jenkinsName(), v.jenkinsName());
    }

    /**
     * The options of a step: those of its CLI command, and the step-only ones the Vocabulary names under the
     * Pipeline function (e.g. failOnDifference for drillRelease), less those with no meaning in a step.
     */
    private static java.util.List<Vocabulary> options(String[] commandAndFunction) {
        java.util.List<Vocabulary> out = new java.util.ArrayList<>(Vocabulary.forCommand(commandAndFunction[0]));
        out.addAll(Vocabulary.forCommand(commandAndFunction[1]));
        out.removeAll(NOT_FOR_STEPS);
        return out;
    }

    private static final Pattern EXTENDS = Pattern.compile("\\bclass\\s+\\w+(?:<[^>]*>)?\\s+extends\\s+(\\w+)");

    /**
     * Parameter name → declared type, from the step's source and its base classes' in the plugin (LayercakeStep,
     * RegistryStep, ClusterStep: the shared credential and cluster fields).
     */
    private static Map<String, String> parameters(String step) throws IOException {
        Map<String, String> out = new TreeMap<>();
        for (String cls = step; cls != null && Files.isRegularFile(SOURCES.resolve(cls + ".java")); ) {
            String source = source(cls);
            declared(source).forEach(out::putIfAbsent);
            Matcher m = EXTENDS.matcher(source);
            cls = m.find() ? m.group(1) : null;
        }
        return out;
    }

    private static Map<String, String> declared(String source) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher c = CONSTRUCTOR.matcher(source);
        while (c.find()) {
            for (String param : c.group(1).split(",")) {
                String[] parts = param.trim().split("\\s+");
                if (parts.length >= 2) {
                    out.put(parts[parts.length - 1], parts[parts.length - 2]);
                }
            }
        }
        Matcher s = SETTER.matcher(source);
        while (s.find()) {
            out.put(Introspector.decapitalize(s.group(1)), s.group(2));
        }
        return out;
    }

    private static String source(String className) throws IOException {
        return Files.readString(SOURCES.resolve(className + ".java"));
    }
}
