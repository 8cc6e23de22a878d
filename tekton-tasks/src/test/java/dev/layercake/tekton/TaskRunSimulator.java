package dev.layercake.tekton;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.tekton.v1.ParamSpec;
import io.fabric8.tekton.v1.Step;
import io.fabric8.tekton.v1.Task;
import io.fabric8.tekton.v1.TaskResult;
import io.fabric8.tekton.v1.WorkspaceDeclaration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a Task's step the way Tekton's controller and entrypoint would, minus the container: params
 * (with their defaults) and workspace, result and context variables substituted into image, env, args
 * and workingDir; env {@code fieldRef}s to the pod's labels and namespace resolved; the script written to a file and
 * executed through its shebang with the args; the result files read back and framed into the
 * termination message whose 4096-byte limit bounds every TaskRun's results.
 */
final class TaskRunSimulator {

    /** Tekton's limit for a container's termination message, which carries all of a step's results. */
    static final int TERMINATION_MESSAGE_LIMIT = 4096;

    record Run(int exitCode, String stdout, String stderr, Map<String, String> results, int terminationMessageBytes,
               List<String> argv, Map<String, String> env) {

        String result(String name) {
            String value = results.get(name);
            if (value == null) {
                throw new AssertionError("no result " + name + "; exit " + exitCode + "\nstderr:\n" + stderr);
            }
            return value;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }

    private static final Pattern FIELD_LABEL = Pattern.compile("metadata\\.labels\\['([^']+)'\\]");
    private static final Pattern ARRAY_ELEMENT = Pattern.compile("\\$\\(params\\.([a-z0-9-]+)\\[\\*\\]\\)");

    private final Task task;
    private final Path workDir;
    private final Map<String, Object> params = new LinkedHashMap<>();
    private final Map<String, Path> workspaces = new LinkedHashMap<>();
    private final Map<String, String> labels = new LinkedHashMap<>();
    private final Map<String, String> extraEnv = new LinkedHashMap<>();
    private Path binDir;
    private String taskRunName = "layercake-run-1";

    TaskRunSimulator(Task task, Path workDir) {
        this.task = task;
        this.workDir = workDir;
    }

    TaskRunSimulator param(String name, String value) {
        params.put(name, value);
        return this;
    }

    TaskRunSimulator param(String name, List<String> values) {
        params.put(name, List.copyOf(values));
        return this;
    }

    TaskRunSimulator workspace(String name, Path dir) {
        workspaces.put(name, dir);
        return this;
    }

    /** A pod label, as Tekton sets them (tekton.dev/pipelineRun, tekton.dev/pipeline, ...). */
    TaskRunSimulator label(String name, String value) {
        labels.put(name, value);
        return this;
    }

    TaskRunSimulator taskRunName(String name) {
        this.taskRunName = name;
        return this;
    }

    /** The folder put first on PATH: it holds the {@code layercake} the image would have. */
    TaskRunSimulator path(Path dir) {
        this.binDir = dir;
        return this;
    }

    /** Environment of the container image itself (not of the Task), e.g. JAVA_HOME. */
    TaskRunSimulator imageEnv(String name, String value) {
        extraEnv.put(name, value);
        return this;
    }

    Run run() throws IOException, InterruptedException {
        if (task.getSpec().getSteps().size() != 1) {
            throw new IllegalStateException("the simulator runs single-step Tasks");
        }
        Step step = task.getSpec().getSteps().get(0);
        // Every TaskRun gets a fresh pod: new /tekton/results, /tekton/scripts, home and tmp.
        Path workDir = Files.createTempDirectory(Files.createDirectories(this.workDir), "taskrun-");
        Path resultsDir = Files.createDirectories(workDir.resolve("tekton/results"));
        Path scriptsDir = Files.createDirectories(workDir.resolve("tekton/scripts"));
        Path home = Files.createDirectories(workDir.resolve("home"));
        Path tmp = Files.createDirectories(workDir.resolve("tmp"));

        Map<String, String> strings = new TreeMap<>();
        Map<String, List<String>> arrays = new TreeMap<>();
        resolveParams(strings, arrays);
        Map<String, String> vars = new TreeMap<>();
        strings.forEach((k, v) -> vars.put("params." + k, v));
        for (WorkspaceDeclaration w : task.getSpec().getWorkspaces()) {
            Path bound = workspaces.get(w.getName());
            if (bound == null && !Boolean.TRUE.equals(w.getOptional())) {
                throw new IllegalArgumentException("workspace " + w.getName() + " is required");
            }
            vars.put("workspaces." + w.getName() + ".bound", Boolean.toString(bound != null));
            // Tekton substitutes an empty path for an optional workspace that is not bound.
            vars.put("workspaces." + w.getName() + ".path", bound == null ? "" : bound.toString());
        }
        for (String w : workspaces.keySet()) {
            if (task.getSpec().getWorkspaces().stream().noneMatch(d -> d.getName().equals(w))) {
                throw new IllegalArgumentException("the Task declares no workspace " + w);
            }
        }
        for (TaskResult r : task.getSpec().getResults()) {
            vars.put("results." + r.getName() + ".path", resultsDir.resolve(r.getName()).toString());
        }
        vars.put("context.taskRun.name", taskRunName);
        vars.put("context.task.name", task.getMetadata().getName());
        vars.put("context.taskRun.namespace", "default");
        vars.put("context.taskRun.uid", "00000000-0000-0000-0000-000000000001");
        Function<String, String> subst = text -> substitute(text, vars);

        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", (binDir == null ? "" : binDir + ":") + System.getenv("PATH"));
        env.put("HOME", home.toString());
        env.put("TMPDIR", tmp.toString());
        env.putAll(extraEnv);
        for (EnvVar e : step.getEnv()) {
            if (e.getValueFrom() != null) {
                if ("metadata.namespace".equals(e.getValueFrom().getFieldRef().getFieldPath())) {
                    env.put(e.getName(), vars.get("context.taskRun.namespace"));
                    continue;
                }
                Matcher m = FIELD_LABEL.matcher(e.getValueFrom().getFieldRef().getFieldPath());
                if (!m.matches()) {
                    throw new IllegalStateException("unsupported fieldRef " + e.getValueFrom().getFieldRef().getFieldPath());
                }
                env.put(e.getName(), labels.getOrDefault(m.group(1), ""));
            } else {
                env.put(e.getName(), subst.apply(e.getValue()));
            }
        }
        List<String> args = new ArrayList<>();
        for (String a : step.getArgs() == null ? List.<String>of() : step.getArgs()) {
            Matcher m = ARRAY_ELEMENT.matcher(a);
            if (m.matches()) {
                args.addAll(arrays.get(m.group(1)));
            } else {
                args.add(subst.apply(a));
            }
        }
        String image = subst.apply(step.getImage());
        String script = subst.apply(step.getScript());
        String stepWorkDir = step.getWorkingDir() == null ? workDir.toString() : subst.apply(step.getWorkingDir());
        if (image.isBlank()) {
            throw new IllegalStateException("the step has no image");
        }

        Path scriptFile = scriptsDir.resolve("script-0-" + step.getName());
        Files.writeString(scriptFile, script);
        Files.setPosixFilePermissions(scriptFile, PosixFilePermissions.fromString("rwx------"));
        List<String> argv = new ArrayList<>();
        argv.add(scriptFile.toString());
        argv.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(argv).directory(Path.of(stepWorkDir).toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        Path stdout = workDir.resolve("step.stdout");
        Path stderr = workDir.resolve("step.stderr");
        pb.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        Process process = pb.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("the step did not finish in 5 minutes");
        }
        Map<String, String> results = new TreeMap<>();
        for (TaskResult r : task.getSpec().getResults()) {
            Path file = resultsDir.resolve(r.getName());
            if (Files.exists(file)) {
                results.put(r.getName(), Files.readString(file));
            }
        }
        return new Run(process.exitValue(), Files.readString(stdout), Files.readString(stderr), results,
                terminationMessageBytes(results), List.copyOf(args), Map.copyOf(env));
    }

    private void resolveParams(Map<String, String> strings, Map<String, List<String>> arrays) {
        for (String given : params.keySet()) {
            if (task.getSpec().getParams().stream().noneMatch(p -> p.getName().equals(given))) {
                throw new IllegalArgumentException("the Task declares no param " + given);
            }
        }
        for (ParamSpec p : task.getSpec().getParams()) {
            Object value = params.get(p.getName());
            boolean array = "array".equals(p.getType());
            if (value == null) {
                if (p.getDefault() == null) {
                    throw new IllegalArgumentException("param " + p.getName() + " is required");
                }
                value = array ? p.getDefault().getArrayVal() : p.getDefault().getStringVal();
            }
            if (array != (value instanceof List)) {
                throw new IllegalArgumentException("param " + p.getName() + " is of type " + p.getType());
            }
            if (array) {
                @SuppressWarnings("unchecked")
                List<String> list = (List<String>) value;
                arrays.put(p.getName(), list);
            } else {
                strings.put(p.getName(), (String) value);
            }
        }
    }

    /** Replaces every Tekton variable; one that is left over would reach the container as literal text. */
    private static String substitute(String text, Map<String, String> vars) {
        if (text == null) {
            return null;
        }
        Matcher m = TektonVariables.VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) + m.group(2) + m.group(3);
            String value = vars.get(name);
            if (value == null) {
                throw new IllegalStateException("Tekton would not substitute $(" + name + ")");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * The termination message Tekton's entrypoint writes for the step: a JSON array of every result
     * (key, value, type) plus the step's start time.
     */
    private static int terminationMessageBytes(Map<String, String> results) {
        List<Map<String, Object>> message = new ArrayList<>();
        message.add(Map.of("key", "StartedAt", "value", "2026-11-25T06:00:00.000Z", "type", 3));
        results.forEach((k, v) -> message.add(Map.of("key", k, "value", v, "type", 1)));
        try {
            return TektonDocuments.JSON.writeValueAsString(message).getBytes(StandardCharsets.UTF_8).length;
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path executable(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
