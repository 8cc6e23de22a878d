package dev.layercake.tekton;

import dev.layercake.api.request.OptionType;
import dev.layercake.api.request.Vocabulary;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.tekton.v1.ParamSpec;
import io.fabric8.tekton.v1.Step;
import io.fabric8.tekton.v1.Task;
import io.fabric8.tekton.v1.TaskResult;
import io.fabric8.tekton.v1.WorkspaceDeclaration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** The Tasks against the Tekton catalog's conventions and Layercake's one option vocabulary. */
class TaskStructureTest {

    /** Params that configure the Task itself and have no CLI/Jenkins counterpart. */
    static final Set<String> TASK_ONLY_PARAMS = Set.of("layercake-image");
    static final String IMAGE_PARAM = "layercake-image";
    static final String CLI_IMAGE = "ghcr.io/layercake-dev/layercake:";

    static final List<String> REQUIRED_ANNOTATIONS = List.of(
            "tekton.dev/pipelines.minVersion", "tekton.dev/categories", "tekton.dev/tags",
            "tekton.dev/displayName", "tekton.dev/platforms");

    /** Workspaces each Task declares, and which of them a run must bind. */
    static final Map<Catalog.Entry, Map<String, Boolean>> WORKSPACES = Map.of(
            Catalog.Entry.BACKUP, Map.of("source", true, "store", false, "dockerconfig", false, "registry-ca", false,
                    "aws-credentials", false, "encryption-key", false, "kubeconfig", false, "output", false),
            Catalog.Entry.RESTORE, Map.of("source", false, "store", false, "dockerconfig", false, "registry-ca", false,
                    "aws-credentials", false, "encryption-key", false, "kubeconfig", false),
            Catalog.Entry.COPY, Map.of("from-store", false, "to-store", false, "dockerconfig", false, "registry-ca", false,
                    "aws-credentials", false),
            Catalog.Entry.DRILL, Map.of("store", false, "dockerconfig", false, "registry-ca", false,
                    "aws-credentials", false, "encryption-key", false, "kubeconfig", false));

    static final Map<Catalog.Entry, Set<String>> RESULTS = Map.of(
            Catalog.Entry.BACKUP, Set.of("RELEASE", "MANIFEST_DIGEST", "INCOMPLETE", "IMAGES", "layercake-ARTIFACT_OUTPUTS"),
            Catalog.Entry.RESTORE, Set.of("RELEASE", "MANIFEST_DIGEST"),
            Catalog.Entry.COPY, Set.of("RELEASES", "COPIED", "MANIFEST_DIGEST"),
            Catalog.Entry.DRILL, Set.of("outcome", "record-digest"));

    static final Map<Catalog.Entry, Set<String>> REQUIRED_PARAMS = Map.of(
            Catalog.Entry.BACKUP, Set.of("app", "store"),
            Catalog.Entry.RESTORE, Set.of("app", "store", "release"),
            Catalog.Entry.COPY, Set.of("app", "from", "to"),
            Catalog.Entry.DRILL, Set.of("app", "store", "release"));

    /**
     * Vocabulary options of each command that the Task deliberately does not take as params, and why. A
     * new option in the Vocabulary fails {@link #everyVocabularyOptionIsAParamOrDeliberatelyLeftOut} until
     * it is added to the Task or here.
     */
    static final Map<Catalog.Entry, Map<String, String>> NOT_PARAMS = Map.of(
            Catalog.Entry.BACKUP, Map.of(
                    "build-system", "always tekton, detected from the TEKTON_* environment the step sets",
                    "build-job", "the Pipeline (pod label tekton.dev/pipeline), else the Task",
                    "build-number", "the PipelineRun (pod label tekton.dev/pipelineRun), else the TaskRun",
                    "encryption-key-env", "the key comes from the encryption-key workspace",
                    "signing-key", "needs a signing-key workspace: not in this version",
                    "pipeline-files", "the Task stores its own PipelineRun, Pipeline and Tasks, read from the API",
                    "json", "the step always asks for JSON to write the results"),
            Catalog.Entry.RESTORE, Map.of(
                    "encryption-key-env", "the key comes from the encryption-key workspace",
                    "public-key", "needs a public-key workspace: not in this version; the key of the store's signature"
                            + " policy (layercake policy --public-key) is used",
                    "pipeline-to", "a pipeline is restored where it runs (kubectl apply of the stored objects), not by the Task",
                    "json", "the step always asks for JSON to write the results"),
            Catalog.Entry.COPY, Map.of(
                    "json", "the step always asks for JSON to write the results"),
            Catalog.Entry.DRILL, Map.of(
                    "encryption-key-env", "the key comes from the encryption-key workspace",
                    "signing-key", "needs a signing-key workspace: not in this version",
                    "public-key", "needs a public-key workspace: not in this version",
                    "clean", "a maintenance run (layercake drill --clean), not a drill of a release",
                    "json", "the step always asks for JSON to write the results"));

    /** Tekton's rule for result names. */
    static final Pattern RESULT_NAME = Pattern.compile("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$");
    /** Context variables Tekton substitutes inside a Task (pipelineRun ones exist in Pipelines only). */
    static final Set<String> TASK_CONTEXT = Set.of("context.taskRun.name", "context.task.name",
            "context.taskRun.namespace", "context.taskRun.uid", "context.task.retry-count");

    @ParameterizedTest
    @EnumSource(Catalog.Entry.class)
    void isLaidOutLikeTheCatalog(Catalog.Entry entry) throws IOException {
        assertThat(entry.taskFile()).isRegularFile();
        assertThat(entry.dir().resolve("README.md")).isRegularFile();
        assertThat(entry.dir().resolve("samples")).isDirectory();
        assertThat(entry.dir().resolve("tests/run.yaml")).isRegularFile();
        String readme = Files.readString(entry.dir().resolve("README.md"));
        for (ParamSpec p : entry.task().getSpec().getParams()) {
            assertThat(readme).as("README documents param %s", p.getName()).contains("`" + p.getName() + "`");
        }
        for (WorkspaceDeclaration w : entry.task().getSpec().getWorkspaces()) {
            assertThat(readme).as("README documents workspace %s", w.getName()).contains("`" + w.getName() + "`");
        }
        for (TaskResult r : entry.task().getSpec().getResults()) {
            assertThat(readme).as("README documents result %s", r.getName()).contains("`" + r.getName() + "`");
        }
    }

    @ParameterizedTest
    @EnumSource(Catalog.Entry.class)
    void carriesTheCatalogMetadata(Catalog.Entry entry) {
        Task task = entry.task();
        assertThat(task.getApiVersion()).isEqualTo("tekton.dev/v1");
        assertThat(task.getMetadata().getName()).isEqualTo(entry.taskName);
        assertThat(task.getMetadata().getLabels()).containsEntry("app.kubernetes.io/version", entry.version);
        Map<String, String> annotations = task.getMetadata().getAnnotations();
        for (String a : REQUIRED_ANNOTATIONS) {
            assertThat(annotations.get(a)).as(a).isNotBlank();
        }
        assertThat(annotations.get("tekton.dev/pipelines.minVersion")).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(annotations.get("tekton.dev/platforms").split(","))
                .allSatisfy(p -> assertThat(p.trim()).matches("linux/[a-z0-9]+"));
        assertThat(task.getSpec().getDescription()).hasSizeGreaterThan(80);
    }

    @ParameterizedTest
    @EnumSource(Catalog.Entry.class)
    void paramsAreTheVocabularysTektonNames(Catalog.Entry entry) {
        Map<String, Vocabulary> vocabulary = Vocabulary.forCommand(entry.command).stream()
                .collect(Collectors.toMap(Vocabulary::tektonName, Function.identity()));
        List<String> required = new ArrayList<>();
        for (ParamSpec p : entry.task().getSpec().getParams()) {
            assertThat(p.getDescription()).as("description of %s", p.getName()).isNotBlank();
            if (p.getDefault() == null) {
                required.add(p.getName());
            }
            if (TASK_ONLY_PARAMS.contains(p.getName())) {
                continue;
            }
            Vocabulary v = vocabulary.get(p.getName());
            assertThat(v).as("param %s is a %s option of the Vocabulary", p.getName(), entry.command).isNotNull();
            String expectedType = v.type() == OptionType.LIST ? "array" : "string";
            assertThat(p.getType()).as("type of %s", p.getName()).isEqualTo(expectedType);
            if (v.defaultValue() != null && p.getDefault() != null) {
                assertThat(p.getDefault().getStringVal()).as("default of %s", p.getName()).isEqualTo(v.defaultValue());
            }
            if (p.getDefault() != null && "array".equals(p.getType())) {
                assertThat(p.getDefault().getArrayVal()).as("default of %s", p.getName()).isNotNull();
            }
        }
        assertThat(required).containsExactlyInAnyOrderElementsOf(REQUIRED_PARAMS.get(entry));
        assertThat(entry.task().getSpec().getParams()).extracting(ParamSpec::getName).doesNotHaveDuplicates();
    }

    @ParameterizedTest
    @EnumSource(Catalog.Entry.class)
    void everyVocabularyOptionIsAParamOrDeliberatelyLeftOut(Catalog.Entry entry) {
        Set<String> params = entry.task().getSpec().getParams().stream().map(ParamSpec::getName).collect(Collectors.toSet());
        Set<String> vocabulary = Vocabulary.forCommand(entry.command).stream().map(Vocabulary::tektonName).collect(Collectors.toSet());
        for (String option : vocabulary) {
            assertThat(params.contains(option) || NOT_PARAMS.get(entry).containsKey(option))
                    .as("%s option %s: a param of %s, or listed in NOT_PARAMS with a reason", entry.command, option, entry.taskName)
                    .isTrue();
        }
        assertThat(vocabulary).containsAll(NOT_PARAMS.get(entry).keySet());
        assertThat(params).doesNotContainAnyElementsOf(NOT_PARAMS.get(entry).keySet());
    }

    @ParameterizedTest
    @EnumSource(Catalog.Entry.class)
    void paramsReachTheScriptOnlyThroughEnvAndArgs(Catalog.Entry entry) {
        Task task = entry.task();
        assertThat(task.getSpec().getSteps()).hasSize(1);
        Step step = task.getSpec().getSteps().get(0);
        assertThat(TektonVariables.in(step.getScript()))
                .as("Tekton variables spliced into the script text").isEmpty();
        assertThat(step.getCommand()).as("the script, not a command, runs").isNullOrEmpty();

        Map<String, Integer> uses = new HashMap<>();
        for (EnvVar env : step.getEnv()) {
            assertThat(env.getName()).matches("[A-Z][A-Z0-9_]*");
            for (String v : TektonVariables.in(env.getValue())) {
                assertThat("$(" + v + ")").as("env %s is one whole variable", env.getName()).isEqualTo(env.getValue());
                if (v.startsWith("params.")) {
                    uses.merge(v.substring("params.".length()), 1, Integer::sum);
                }
            }
        }
        assertThat(step.getEnv()).extracting(EnvVar::getName).doesNotHaveDuplicates();
        List<String> args = step.getArgs();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (i % 2 == 0) {
                assertThat(arg).as("args come in pairs: marker, then the array").startsWith("@");
                String name = arg.substring(1);
                assertThat(args.get(i + 1)).isEqualTo("$(params." + name + "[*])");
                assertThat(step.getScript()).as("the script reads marker %s", arg).contains("    " + arg + ") repeat=--");
                uses.merge(name, 1, Integer::sum);
            }
        }
        assertThat(step.getImage()).isEqualTo("$(params." + IMAGE_PARAM + ")");
        uses.merge(IMAGE_PARAM, 1, Integer::sum);

        for (ParamSpec p : task.getSpec().getParams()) {
            assertThat(uses.get(p.getName())).as("uses of param %s", p.getName()).isEqualTo(1);
            boolean inArgs = args.contains("$(params." + p.getName() + "[*])");
            assertThat(inArgs).as("param %s is an array exactly when it comes as args", p.getName())
                    .isEqualTo("array".equals(p.getType()));
        }
        assertThat(TektonVariables.in(task).stream().filter(v -> v.startsWith("params")))
                .as("every param reference is a declared param")
                .allSatisfy(v -> assertThat(uses).containsKey(v.replaceFirst("^params\\.", "").replace("[*]", "")));
    }

    @ParameterizedTest
    @EnumSource(Catalog.Entry.class)
    void everyReferencedWorkspaceResultAndContextExists(Catalog.Entry entry) {
        Task task = entry.task();
        Set<String> workspaces = task.getSpec().getWorkspaces().stream().map(WorkspaceDeclaration::getName).collect(Collectors.toSet());
        Set<String> results = task.getSpec().getResults().stream().map(TaskResult::getName).collect(Collectors.toSet());
        Set<String> variables = TektonVariables.in(task);
        for (String v : variables) {
            if (v.startsWith("workspaces.")) {
                String[] parts = v.split("\\.");
                assertThat(parts).as(v).hasSize(3);
                assertThat(workspaces).as(v).contains(parts[1]);
                assertThat(parts[2]).as(v).isIn("path", "bound", "claim", "volume");
            } else if (v.startsWith("results.")) {
                assertThat(v).as(v).endsWith(".path");
                assertThat(results).as(v).contains(v.substring("results.".length(), v.length() - ".path".length()));
            } else if (v.startsWith("context.")) {
                assertThat(TASK_CONTEXT).as("%s is substituted inside a Task", v).contains(v);
            } else {
                assertThat(v).as("only params, workspaces, results and context in a Task").startsWith("params.");
            }
        }
        assertThat(workspaces).containsExactlyInAnyOrderElementsOf(WORKSPACES.get(entry).keySet());
        for (WorkspaceDeclaration w : task.getSpec().getWorkspaces()) {
            boolean required = WORKSPACES.get(entry).get(w.getName());
            assertThat(!Boolean.TRUE.equals(w.getOptional())).as("workspace %s required", w.getName()).isEqualTo(required);
            assertThat(w.getDescription()).isNotBlank();
            assertThat(w.getMountPath()).as("workspaces mount where Tekton puts them").isNull();
            if (!required) {
                assertThat(variables).as("optional workspace %s is checked with .bound", w.getName())
                        .contains("workspaces." + w.getName() + ".bound");
            }
            assertThat(variables).as("workspace %s is used", w.getName()).contains("workspaces." + w.getName() + ".path");
        }
        for (String r : results) {
            assertThat(variables).as("result %s is written", r).contains("results." + r + ".path");
        }
    }

    @ParameterizedTest
    @EnumSource(Catalog.Entry.class)
    void resultsAreTheOnesChainsAndPipelinesRead(Catalog.Entry entry) {
        List<TaskResult> results = entry.task().getSpec().getResults();
        assertThat(results).extracting(TaskResult::getName).containsExactlyInAnyOrderElementsOf(RESULTS.get(entry));
        for (TaskResult r : results) {
            assertThat(r.getName()).matches(RESULT_NAME);
            assertThat(r.getDescription()).isNotBlank();
            if (r.getName().endsWith("ARTIFACT_OUTPUTS")) {
                // Chains' type hint: an object result named *ARTIFACT_OUTPUTS with uri and digest
                // (and isBuildArtifact, read by the slsa/v2alpha4 formatter).
                assertThat(r.getType()).isEqualTo("object");
                assertThat(r.getProperties()).containsOnlyKeys("uri", "digest", "isBuildArtifact");
                r.getProperties().values().forEach(p -> assertThat(p.getType()).isEqualTo("string"));
            } else {
                assertThat(r.getType()).isEqualTo("string");
            }
        }
    }

    /**
     * The image param defaults to the image Jib pushes (cli/pom.xml, {@code <to>}) when this version is
     * released: the project version without -SNAPSHOT. A development build pushes the -SNAPSHOT tag, which
     * the README says how to run.
     */
    @ParameterizedTest
    @EnumSource(Catalog.Entry.class)
    void theImageDefaultIsTheImageTheCliModuleBuildsForThisRelease(Catalog.Entry entry) throws Exception {
        Element parent = pom(Catalog.ROOT.resolve("../pom.xml"));
        String version = child(parent, "version").getTextContent().strip();
        String release = version.replaceFirst("-SNAPSHOT$", "");
        Element cli = pom(Catalog.ROOT.resolve("../cli/pom.xml"));
        String repository = child(child(cli, "properties"), "layercake.image").getTextContent().strip();
        String to = null;
        NodeList plugins = cli.getElementsByTagName("plugin");
        for (int i = 0; i < plugins.getLength(); i++) {
            Element plugin = (Element) plugins.item(i);
            if (child(plugin, "artifactId").getTextContent().strip().equals("jib-maven-plugin")) {
                to = child(child(child(plugin, "configuration"), "to"), "image").getTextContent().strip();
            }
        }
        assertThat(to).as("cli/pom.xml: jib-maven-plugin <to><image>").isEqualTo("${layercake.image}:${project.version}");
        ParamSpec image = entry.task().getSpec().getParams().stream().filter(p -> p.getName().equals(IMAGE_PARAM)).findFirst().orElseThrow();
        assertThat(image.getDefault().getStringVal()).isEqualTo(repository + ":" + release).startsWith(CLI_IMAGE);
    }

    private static Element pom(Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(file.toFile()).getDocumentElement();
    }

    /** The direct child element of that name. */
    private static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        throw new AssertionError("no <" + name + "> in <" + parent.getTagName() + ">");
    }

    @ParameterizedTest
    @EnumSource(Catalog.Entry.class)
    void runsTheCliImageAsNonRoot(Catalog.Entry entry) {
        Task task = entry.task();
        ParamSpec image = task.getSpec().getParams().stream().filter(p -> p.getName().equals(IMAGE_PARAM)).findFirst().orElseThrow();
        assertThat(image.getDefault().getStringVal()).startsWith(CLI_IMAGE).doesNotEndWith(":latest");
        for (Step step : task.getSpec().getSteps()) {
            SecurityContext sc = step.getSecurityContext();
            assertThat(sc.getRunAsUser()).isEqualTo(65532L);
            assertThat(sc.getRunAsNonRoot()).isTrue();
            assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
            assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
            assertThat(step.getScript()).startsWith("#!/usr/bin/env bash\n").contains("set -euo pipefail");
        }
    }
}
