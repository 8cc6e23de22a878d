package dev.layercake.tekton;

import dev.layercake.kube.KubeRules;
import dev.layercake.testing.KubernetesMockServerFixture;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.tekton.v1.Param;
import io.fabric8.tekton.v1.ParamSpec;
import io.fabric8.tekton.v1.Pipeline;
import io.fabric8.tekton.v1.PipelineRun;
import io.fabric8.tekton.v1.PipelineSpec;
import io.fabric8.tekton.v1.PipelineTask;
import io.fabric8.tekton.v1.PipelineWorkspaceDeclaration;
import io.fabric8.tekton.v1.Step;
import io.fabric8.tekton.v1.Task;
import io.fabric8.tekton.v1.TaskResult;
import io.fabric8.tekton.v1.WorkspaceBinding;
import io.fabric8.tekton.v1.WorkspaceDeclaration;
import io.fabric8.tekton.v1.WorkspacePipelineTaskBinding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The samples and catalog tests: each parses into fabric8's model, and everything a Pipeline or
 * PipelineRun names of the Tasks (params, their types, workspaces, results) exists.
 */
class CatalogExamplesTest {

    /** What a least-privilege ServiceAccount of each Task may do. */
    static final Map<Catalog.Entry, Set<String>> ALLOWED_VERBS = Map.of(
            Catalog.Entry.BACKUP, Set.of("get", "list"),
            Catalog.Entry.RESTORE, Set.of("get", "list", "create", "update", "escalate", "bind"),
            Catalog.Entry.COPY, Set.of(),
            Catalog.Entry.DRILL, Set.of("get", "list", "create", "delete", "escalate", "bind"));

    /**
     * The verbs KubernetesRestore uses on the kinds it restores: list (findExisting lists each type per
     * namespace), get (where listing is refused, the target Namespace, waitEstablished reading each CRD),
     * create (create()), update (update(), for --existing update: resource(r).update() is a PUT, an update;
     * the restore never patches).
     */
    static final Set<String> RESTORE_VERBS = Set.of("get", "list", "create", "update");

    /** The group and plural of each kind of KubeRules.RESTORE_ORDER the mock server does not serve. */
    static final List<KubernetesMockServerFixture.ServedType> RESTORE_ORDER_EXTRA_TYPES = List.of(
            new KubernetesMockServerFixture.ServedType("storage.k8s.io", "v1", "StorageClass", "storageclasses", false),
            new KubernetesMockServerFixture.ServedType("", "v1", "ResourceQuota", "resourcequotas", true),
            new KubernetesMockServerFixture.ServedType("", "v1", "LimitRange", "limitranges", true),
            new KubernetesMockServerFixture.ServedType("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", false));

    /**
     * Cluster-scoped kinds of the restore order the restore sample deliberately does not grant (creating
     * cluster-wide RBAC takes cluster-wide escalate and bind); its comments must say so.
     */
    static final Set<String> RESTORE_NOT_GRANTED = Set.of("clusterroles", "clusterrolebindings", "storageclasses",
            "priorityclasses", "persistentvolumes");

    static final Pattern TASK_RESULT = Pattern.compile("\\$\\(tasks\\.([a-z0-9-]+)\\.results\\.([A-Za-z0-9_.-]+?)(?:\\.(uri|digest))?\\)");
    static final Pattern PIPELINE_PARAM = Pattern.compile("\\$\\(params\\.([a-z0-9-]+)\\)");

    static Stream<Arguments> exampleFiles() {
        return Arrays.stream(Catalog.Entry.values())
                .flatMap(e -> e.exampleFiles().stream().map(f -> Arguments.of(e, Catalog.ROOT.relativize(f).toString())));
    }

    static Map<String, Task> layercakeTasks() {
        return Arrays.stream(Catalog.Entry.values()).collect(Collectors.toMap(e -> e.taskName, Catalog.Entry::task));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("exampleFiles")
    void parsesIntoTheModelAndMatchesTheTasks(Catalog.Entry entry, String file) {
        List<HasMetadata> docs = TektonDocuments.parse(Catalog.ROOT.resolve(file));
        assertThat(docs).isNotEmpty();
        for (Pipeline p : TektonDocuments.ofType(docs, Pipeline.class)) {
            checkPipeline(p.getMetadata().getName(), p.getSpec());
        }
        for (PipelineRun run : TektonDocuments.ofType(docs, PipelineRun.class)) {
            PipelineSpec spec = run.getSpec().getPipelineSpec();
            if (spec == null) {
                String name = run.getSpec().getPipelineRef().getName();
                spec = TektonDocuments.ofType(siblings(entry), Pipeline.class).stream()
                        .filter(p -> p.getMetadata().getName().equals(name)).findFirst()
                        .orElseThrow(() -> new AssertionError(file + ": no Pipeline " + name + " next to it")).getSpec();
            } else {
                checkPipeline(file, spec);
            }
            checkRun(file, run, spec);
        }
    }

    @ParameterizedTest
    @EnumSource(Catalog.Entry.class)
    void samplesShowTheTaskInAPipelineAndALeastPrivilegeServiceAccount(Catalog.Entry entry) throws Exception {
        List<HasMetadata> samples = new ArrayList<>();
        try (Stream<Path> files = Files.list(entry.dir().resolve("samples"))) {
            files.filter(f -> f.toString().endsWith(".yaml")).forEach(f -> samples.addAll(TektonDocuments.parse(f)));
        }
        List<PipelineRun> runs = TektonDocuments.ofType(samples, PipelineRun.class);
        assertThat(runs).as("a PipelineRun sample").isNotEmpty();

        Set<String> accounts = TektonDocuments.ofType(samples, ServiceAccount.class).stream()
                .map(sa -> sa.getMetadata().getNamespace() + "/" + sa.getMetadata().getName()).collect(Collectors.toSet());
        assertThat(accounts).as("a ServiceAccount sample").isNotEmpty();
        Set<String> roles = new HashSet<>();
        Set<String> accountNamespaces = accounts.stream().map(a -> a.substring(0, a.indexOf('/'))).collect(Collectors.toSet());
        for (Role role : TektonDocuments.ofType(samples, Role.class)) {
            checkRules(entry, role.getRules(), true);
            if (!(entry == Catalog.Entry.BACKUP && readsOnlyItsOwnPipeline(role))) {
                assertThat(accountNamespaces).as("the Role is in the app's namespace, not the CI's").doesNotContain(role.getMetadata().getNamespace());
            }
            roles.add("Role/" + role.getMetadata().getNamespace() + "/" + role.getMetadata().getName());
        }
        for (ClusterRole role : TektonDocuments.ofType(samples, ClusterRole.class)) {
            checkRules(entry, role.getRules(), false);
            roles.add("ClusterRole/" + role.getMetadata().getName());
        }
        if (ALLOWED_VERBS.get(entry).isEmpty()) {
            // No Kubernetes access at all: a ServiceAccount without a Role, and without a token.
            assertThat(roles).as("a Task that never calls the Kubernetes API gets no Role").isEmpty();
            assertThat(TektonDocuments.ofType(samples, ServiceAccount.class))
                    .allSatisfy(sa -> assertThat(sa.getAutomountServiceAccountToken()).as("no token mounted").isFalse());
        } else {
            assertThat(roles).isNotEmpty();
        }
        Set<String> bound = new HashSet<>();
        for (RoleBinding b : TektonDocuments.ofType(samples, RoleBinding.class)) {
            bound.add(checkBinding(b.getRoleRef(), b.getSubjects(), b.getMetadata().getNamespace(), roles, accounts));
        }
        for (ClusterRoleBinding b : TektonDocuments.ofType(samples, ClusterRoleBinding.class)) {
            bound.add(checkBinding(b.getRoleRef(), b.getSubjects(), null, roles, accounts));
        }
        assertThat(bound).as("every role is bound").containsExactlyInAnyOrderElementsOf(roles);

        Set<String> accountNames = accounts.stream().map(a -> a.substring(a.indexOf('/') + 1)).collect(Collectors.toSet());
        boolean runsAsIt = runs.stream().anyMatch(r -> {
            List<String> used = new ArrayList<>();
            if (r.getSpec().getTaskRunTemplate() != null) {
                used.add(r.getSpec().getTaskRunTemplate().getServiceAccountName());
            }
            if (r.getSpec().getTaskRunSpecs() != null) {
                r.getSpec().getTaskRunSpecs().forEach(s -> used.add(s.getServiceAccountName()));
            }
            return used.stream().anyMatch(accountNames::contains);
        });
        assertThat(runsAsIt).as("a sample PipelineRun runs the Task as the sample ServiceAccount").isTrue();

        if (entry == Catalog.Entry.BACKUP) {
            Pipeline release = TektonDocuments.ofType(samples, Pipeline.class).get(0);
            List<String> order = new ArrayList<>();
            for (PipelineTask t : release.getSpec().getTasks()) {
                order.add(t.getName());
            }
            PipelineTask backup = release.getSpec().getTasks().stream()
                    .filter(t -> t.getTaskRef() != null && entry.taskName.equals(t.getTaskRef().getName())).findFirst().orElseThrow();
            assertThat(backup.getRunAfter()).as("the backup runs after the deploy").containsExactly("deploy");
            assertThat(order).containsSubsequence("build-image", "deploy", backup.getName());
        }
    }

    @ParameterizedTest
    @EnumSource(Catalog.Entry.class)
    void preApplyHookPointsTheTaskAtALocallyBuiltImage(Catalog.Entry entry, @TempDir Path tmp) throws Exception {
        Path copy = Files.copy(entry.taskFile(), tmp.resolve("task.yaml"));
        Path kubectl = TaskRunSimulator.executable(tmp.resolve("kubectl"), "#!/usr/bin/env bash\nprintf '%s ' \"$@\" > '" + tmp
                + "/kubectl-args'\ncat > '" + tmp + "/kubectl-stdin'\n");
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "set -u; source \"$HOOK\"").redirectErrorStream(true)
                .redirectOutput(tmp.resolve("hook.out").toFile());
        pb.environment().putAll(Map.of("HOOK", entry.dir().resolve("tests/pre-apply-task-hook.sh").toString(),
                "TMPF", copy.toString(), "taskdir", entry.dir().toString(), "tns", "layercake-test",
                "KUBECTL_CMD", kubectl.toString(), "LAYERCAKE_IMAGE", "localhost/layercake:dev"));
        Process hook = pb.start();
        assertThat(hook.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(hook.exitValue()).as(Files.readString(tmp.resolve("hook.out"))).isZero();
        Task patched = TektonDocuments.ofType(TektonDocuments.parse(copy), Task.class).get(0);
        assertThat(patched.getSpec().getParams()).filteredOn(ps -> ps.getName().equals(TaskStructureTest.IMAGE_PARAM))
                .singleElement().satisfies(ps -> assertThat(ps.getDefault().getStringVal()).isEqualTo("localhost/layercake:dev"));
        if (entry != Catalog.Entry.BACKUP) {
            // Its tests/run.yaml records a release with layercake-backup-app first: the hook installs it.
            assertThat(Files.readString(tmp.resolve("kubectl-args")).strip()).isEqualTo("-n layercake-test apply -f -");
            Task installed = TektonDocuments.YAML.readValue(tmp.resolve("kubectl-stdin").toFile(), Task.class);
            assertThat(installed.getMetadata().getName()).isEqualTo(Catalog.Entry.BACKUP.taskName);
            assertThat(installed.getSpec().getParams()).filteredOn(ps -> ps.getName().equals(TaskStructureTest.IMAGE_PARAM))
                    .singleElement().satisfies(ps -> assertThat(ps.getDefault().getStringVal()).isEqualTo("localhost/layercake:dev"));
        }
    }

    /**
     * Capture lists every served type in the app's namespaces (a 403 fails the backup) and every
     * cluster-scoped one (a 403 skips the type with a warning), and follows CRDs, ClusterRoles and
     * ClusterRoleBindings from what it selects (AppGraph.listAll, KubernetesCaptureStep.checkNamespaces).
     */
    @Test
    void theBackupSampleLetsCaptureReadEveryTypeItLists() {
        List<HasMetadata> docs = rbacSample(Catalog.Entry.BACKUP);
        SampleRbac rbac = SampleRbac.of(docs, "ci", "layercake-backup");
        String ns = roleNamespace(docs);
        List<KubernetesMockServerFixture.ServedType> listed = new ArrayList<>(KubernetesMockServerFixture.BUILT_IN);
        listed.add(new KubernetesMockServerFixture.ServedType("example.com", "v1", "Widget", "widgets", true)); // a custom resource
        listed.add(new KubernetesMockServerFixture.ServedType("apps", "v1", "ControllerRevision", "controllerrevisions", true));
        listed.addAll(RESTORE_ORDER_EXTRA_TYPES);
        for (KubernetesMockServerFixture.ServedType t : listed) {
            if (KubeRules.neverCaptured(t.group(), t.kind())) {
                continue;
            }
            for (String verb : List.of("get", "list")) {
                assertThat(rbac.allows(verb, t.group(), t.plural(), t.namespaced() ? ns : null, null))
                        .as("backup sample grants %s %s %s", verb, t.plural(), t.namespaced() ? "in " + ns : "(cluster-scoped)").isTrue();
            }
        }
        assertThat(rbac.allows("get", "", "namespaces", null, ns)).as("checkNamespaces reads the Namespace").isTrue();
        assertThat(rbac.allows("list", "", "secrets", "kube-system", null)).as("namespaced reads only in the app's namespace").isFalse();
        for (String verb : List.of("create", "update", "patch", "delete", "watch")) {
            assertThat(rbac.allows(verb, "", "configmaps", ns, "x")).as("backup may not " + verb).isFalse();
        }
    }

    /** Every kind of KubeRules.RESTORE_ORDER, with every verb KubernetesRestore uses, or said to be left out. */
    @Test
    void theRestoreSampleGrantsEveryVerbTheRestoreUsesOnTheKindsItRestores() throws Exception {
        List<HasMetadata> docs = rbacSample(Catalog.Entry.RESTORE);
        String text = Files.readString(Catalog.Entry.RESTORE.dir().resolve("samples/rbac.yaml"));
        SampleRbac rbac = SampleRbac.of(docs, "ci", "layercake-restore");
        String target = roleNamespace(docs);
        List<KubernetesMockServerFixture.ServedType> known = new ArrayList<>(KubernetesMockServerFixture.BUILT_IN);
        known.addAll(RESTORE_ORDER_EXTRA_TYPES);
        for (List<KubeRules.GroupKind> rank : KubeRules.RESTORE_ORDER) {
            for (KubeRules.GroupKind kind : rank) {
                KubernetesMockServerFixture.ServedType t = known.stream().filter(k -> kind.matches(k.group(), k.kind())).findFirst()
                        .orElseThrow(() -> new AssertionError(kind + " of the restore order: add its plural to RESTORE_ORDER_EXTRA_TYPES"));
                String ns = t.namespaced() ? target : null;
                String name = t.kind().equals("Namespace") ? target : "x";
                if (RESTORE_NOT_GRANTED.contains(t.plural())) {
                    assertThat(t.namespaced()).isFalse();
                    assertThat(rbac.allows("create", t.group(), t.plural(), null, name)).as(t.plural() + " is left out").isFalse();
                    java.util.regex.Pattern word = java.util.regex.Pattern.compile("\\b" + t.plural() + "\\b");
                    assertThat(text.lines().filter(l -> l.strip().startsWith("#")).anyMatch(l -> word.matcher(l).find()))
                            .as("a comment of the sample says it leaves out " + t.plural()).isTrue();
                    continue;
                }
                for (String verb : RESTORE_VERBS) {
                    assertThat(rbac.allows(verb, t.group(), t.plural(), ns, name))
                            .as("restore sample grants %s %s %s", verb, t.plural(), ns == null ? "(cluster-scoped)" : "in " + ns).isTrue();
                }
            }
        }
        assertThat(rbac.allows("escalate", "rbac.authorization.k8s.io", "roles", target, "x")).as("creating the app's Roles").isTrue();
        assertThat(rbac.allows("bind", "rbac.authorization.k8s.io", "roles", target, "x")).as("binding the app's Roles").isTrue();
        assertThat(rbac.allows("bind", "rbac.authorization.k8s.io", "clusterroles", target, "view")).as("binding ClusterRoles").isTrue();
        assertThat(rbac.allows("create", "", "configmaps", "kube-system", "x")).as("namespaced writes only in the target").isFalse();
        assertThat(rbac.allows("update", "", "namespaces", null, "kube-system")).as("only the target Namespace is updated").isFalse();
        assertThat(text).contains("escalate").contains("bind");
    }

    @Test
    void aMisspelledFieldIsCaught(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("typo.yaml");
        Files.writeString(file, """
                apiVersion: tekton.dev/v1
                kind: PipelineRun
                metadata:
                  name: typo
                spec:
                  pipelineRef:
                    name: release
                  workspace:
                    - name: source
                      emptyDir: {}
                """);
        assertThatThrownBy(() -> TektonDocuments.parse(file)).hasMessageContaining("workspace");
    }

    private static List<HasMetadata> siblings(Catalog.Entry entry) {
        List<HasMetadata> docs = new ArrayList<>();
        entry.exampleFiles().forEach(f -> docs.addAll(TektonDocuments.parse(f)));
        return docs;
    }

    private static void checkPipeline(String where, PipelineSpec spec) {
        Map<String, Task> tasks = layercakeTasks();
        Set<String> pipelineParams = spec.getParams() == null ? Set.of()
                : spec.getParams().stream().map(ParamSpec::getName).collect(Collectors.toSet());
        Set<String> pipelineWorkspaces = spec.getWorkspaces() == null ? Set.of()
                : spec.getWorkspaces().stream().map(PipelineWorkspaceDeclaration::getName).collect(Collectors.toSet());
        Map<String, PipelineTask> byName = spec.getTasks().stream().collect(Collectors.toMap(PipelineTask::getName, t -> t));
        for (PipelineTask pt : spec.getTasks()) {
            String at = where + " task " + pt.getName();
            for (String after : pt.getRunAfter() == null ? List.<String>of() : pt.getRunAfter()) {
                assertThat(byName).as(at + " runAfter").containsKey(after);
            }
            Matcher refs = TASK_RESULT.matcher(TektonDocuments.JSON.valueToTree(pt).toString());
            while (refs.find()) {
                PipelineTask producer = byName.get(refs.group(1));
                assertThat(producer).as(at + " reads results of " + refs.group(1)).isNotNull();
                Task produced = producer.getTaskRef() == null ? null : tasks.get(producer.getTaskRef().getName());
                if (produced != null) {
                    assertThat(produced.getSpec().getResults()).extracting(TaskResult::getName).as(at).contains(refs.group(2));
                    if (refs.group(3) != null) {
                        assertThat(produced.getSpec().getResults()).filteredOn(r -> r.getName().equals(refs.group(2)))
                                .singleElement().satisfies(r -> assertThat(r.getProperties()).containsKey(refs.group(3)));
                    }
                }
            }
            for (Param p : pt.getParams() == null ? List.<Param>of() : pt.getParams()) {
                Matcher m = PIPELINE_PARAM.matcher(TektonDocuments.JSON.valueToTree(p.getValue()).toString());
                while (m.find()) {
                    assertThat(pipelineParams).as(at + " uses pipeline param").contains(m.group(1));
                }
            }
            for (WorkspacePipelineTaskBinding w : pt.getWorkspaces() == null ? List.<WorkspacePipelineTaskBinding>of() : pt.getWorkspaces()) {
                assertThat(pipelineWorkspaces).as(at + " binds pipeline workspace").contains(w.getWorkspace());
            }
            if (pt.getTaskSpec() != null) {
                for (Step step : pt.getTaskSpec().getSteps()) {
                    assertThat(TektonVariables.in(step.getScript())).as(at + ": values reach scripts through env").isEmpty();
                }
                continue;
            }
            Task task = tasks.get(pt.getTaskRef().getName());
            if (task == null) {
                continue; // a catalog Task (git-clone, buildah): not ours to check
            }
            checkArguments(at, task, pt.getParams(), pt.getWorkspaces() == null ? Set.of()
                    : pt.getWorkspaces().stream().map(WorkspacePipelineTaskBinding::getName).collect(Collectors.toSet()));
        }
    }

    /** The params and workspaces given to one of our Tasks: declared, typed right, required ones present. */
    private static void checkArguments(String at, Task task, List<Param> given, Set<String> boundWorkspaces) {
        Map<String, ParamSpec> declared = task.getSpec().getParams().stream().collect(Collectors.toMap(ParamSpec::getName, p -> p));
        Set<String> names = new HashSet<>();
        for (Param p : given == null ? List.<Param>of() : given) {
            ParamSpec spec = declared.get(p.getName());
            assertThat(spec).as(at + " param " + p.getName() + " is declared by " + task.getMetadata().getName()).isNotNull();
            boolean isArray = p.getValue().getArrayVal() != null;
            assertThat(isArray).as(at + " param " + p.getName() + " type").isEqualTo("array".equals(spec.getType()));
            names.add(p.getName());
        }
        for (ParamSpec spec : declared.values()) {
            if (spec.getDefault() == null) {
                assertThat(names).as(at + " gives required param").contains(spec.getName());
            }
        }
        Map<String, WorkspaceDeclaration> workspaces = task.getSpec().getWorkspaces().stream()
                .collect(Collectors.toMap(WorkspaceDeclaration::getName, w -> w));
        for (String w : boundWorkspaces) {
            assertThat(workspaces).as(at + " binds a workspace the Task declares").containsKey(w);
        }
        for (WorkspaceDeclaration w : workspaces.values()) {
            if (!Boolean.TRUE.equals(w.getOptional())) {
                assertThat(boundWorkspaces).as(at + " binds required workspace").contains(w.getName());
            }
        }
    }

    private static void checkRun(String where, PipelineRun run, PipelineSpec spec) {
        Set<String> declared = spec.getParams() == null ? Set.of()
                : spec.getParams().stream().map(ParamSpec::getName).collect(Collectors.toSet());
        Set<String> given = new HashSet<>();
        for (Param p : run.getSpec().getParams() == null ? List.<Param>of() : run.getSpec().getParams()) {
            assertThat(declared).as(where + " param").contains(p.getName());
            given.add(p.getName());
        }
        for (ParamSpec p : spec.getParams() == null ? List.<ParamSpec>of() : spec.getParams()) {
            if (p.getDefault() == null) {
                assertThat(given).as(where + " gives required pipeline param").contains(p.getName());
            }
        }
        Set<String> bound = run.getSpec().getWorkspaces() == null ? Set.of()
                : run.getSpec().getWorkspaces().stream().map(WorkspaceBinding::getName).collect(Collectors.toSet());
        for (PipelineWorkspaceDeclaration w : spec.getWorkspaces() == null ? List.<PipelineWorkspaceDeclaration>of() : spec.getWorkspaces()) {
            if (!Boolean.TRUE.equals(w.getOptional())) {
                assertThat(bound).as(where + " binds pipeline workspace").contains(w.getName());
            }
        }
        Set<String> pipelineWorkspaces = spec.getWorkspaces() == null ? Set.of()
                : spec.getWorkspaces().stream().map(PipelineWorkspaceDeclaration::getName).collect(Collectors.toSet());
        assertThat(pipelineWorkspaces).as(where + " binds only declared workspaces").containsAll(bound);
        if (run.getSpec().getTaskRunSpecs() != null) {
            Set<String> taskNames = spec.getTasks().stream().map(PipelineTask::getName).collect(Collectors.toSet());
            run.getSpec().getTaskRunSpecs().forEach(s -> assertThat(taskNames).as(where + " taskRunSpecs").contains(s.getPipelineTaskName()));
        }
    }

    /**
     * Only the Task's verbs; escalate and bind only on roles; a wildcard only in the backup's namespaced
     * Role (read-only, confined to the app's namespace): bound cluster-wide it would read every Secret.
     */
    private static void checkRules(Catalog.Entry entry, List<PolicyRule> rules, boolean namespaced) {
        assertThat(rules).isNotEmpty();
        for (PolicyRule rule : rules) {
            assertThat(rule.getVerbs()).isSubsetOf(ALLOWED_VERBS.get(entry));
            if (rule.getVerbs().contains("escalate") || rule.getVerbs().contains("bind")) {
                assertThat(rule.getApiGroups()).containsExactly("rbac.authorization.k8s.io");
                assertThat(rule.getResources()).isSubsetOf("roles", "clusterroles");
                assertThat(rule.getVerbs()).as("escalate and bind in rules of their own").isSubsetOf("escalate", "bind");
            }
            assertThat(rule.getResources()).isNotEmpty();
            if (entry == Catalog.Entry.BACKUP && namespaced) {
                assertThat(rule.getVerbs()).isSubsetOf("get", "list");
            } else {
                assertThat(rule.getResources()).doesNotContain("*");
                assertThat(rule.getApiGroups()).doesNotContain("*");
            }
            assertThat(rule.getResources()).as("no access to the CI's own Tekton objects").noneMatch(r -> r.contains("tekton"));
        }
    }

    private static List<HasMetadata> rbacSample(Catalog.Entry entry) {
        return TektonDocuments.parse(entry.dir().resolve("samples/rbac.yaml"));
    }

    /**
     * The one Role a sample may have in the CI's namespace: the backup Task reading its own PipelineRun, Pipeline and
     * Tasks for the manifest's pipeline section (issue 16), get only, nothing else.
     */
    private static boolean readsOnlyItsOwnPipeline(Role role) {
        return !role.getRules().isEmpty() && role.getRules().stream().allMatch(r -> r.getApiGroups().equals(List.of("tekton.dev"))
                && Set.of("pipelineruns", "pipelines", "tasks").containsAll(r.getResources())
                && r.getVerbs().equals(List.of("get")));
    }

    private static String roleNamespace(List<HasMetadata> docs) {
        List<Role> roles = TektonDocuments.ofType(docs, Role.class).stream().filter(r -> !readsOnlyItsOwnPipeline(r)).toList();
        assertThat(roles).hasSize(1);
        return roles.get(0).getMetadata().getNamespace();
    }

    private static String checkBinding(RoleRef ref, List<Subject> subjects, String namespace, Set<String> roles, Set<String> accounts) {
        String role = "Role".equals(ref.getKind()) ? "Role/" + namespace + "/" + ref.getName() : "ClusterRole/" + ref.getName();
        assertThat(roles).as("binding refers to a sample role").contains(role);
        assertThat(subjects).isNotEmpty().allSatisfy(s -> {
            assertThat(s.getKind()).isEqualTo("ServiceAccount");
            assertThat(accounts).contains(s.getNamespace() + "/" + s.getName());
        });
        return role;
    }
}
