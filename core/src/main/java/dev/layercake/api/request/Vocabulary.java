package dev.layercake.api.request;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The one vocabulary of options, shared by the CLI ({@code --kebab-case}), the Jenkins steps
 * (camelCase parameters) and the Tekton Tasks (kebab-case params). Front doors are tested against
 * this list, so a name cannot drift in one of them.
 *
 * <p>Repeatable CLI flags take the singular ({@code --image a --image b}); Jenkins and Tekton take a list
 * under the canonical name ({@code images: ['a', 'b']}).
 */
public enum Vocabulary {

    APP("app", null, OptionType.STRING, "Application name; releases are grouped by it.", null, "backup", "restore", "freeze", "list", "show", "verify", "diff", "prune", "drill", "report", "copy", "export", "policy"),
    RELEASE("release", null, OptionType.STRING, "Release id. Default: from the build (job + number), else time + short commit.", null, "backup", "restore", "freeze", "show", "verify", "diff", "drill", "report", "copy", "export"),
    STORE("store", null, OptionType.STRING, "Release store: a folder, file:///folder, s3://bucket/prefix or oci://registry/repository.", null, "backup", "restore", "freeze", "list", "show", "verify", "diff", "prune", "gc", "drill", "report", "export", "import", "policy"),
    S3_ENDPOINT("s3Endpoint", null, OptionType.STRING, "S3 endpoint URL for S3-compatible stores.", null, "backup", "restore", "freeze", "list", "show", "verify", "diff", "prune", "gc", "drill", "report", "copy", "export", "import", "policy"),
    S3_REGION("s3Region", null, OptionType.STRING, "S3 region (default: the AWS chain's, else us-east-1).", null, "backup", "restore", "freeze", "list", "show", "verify", "diff", "prune", "gc", "drill", "report", "copy", "export", "import", "policy"),
    S3_PATH_STYLE("s3PathStyle", null, OptionType.BOOLEAN, "Use path-style S3 requests (most S3-compatible stores).", "false", "backup", "restore", "freeze", "list", "show", "verify", "diff", "prune", "gc", "drill", "report", "copy", "export", "import", "policy"),

    SOURCE("source", null, OptionType.STRING, "Git checkout folder or remote URL to capture.", ".", "backup"),
    REF("ref", null, OptionType.STRING, "Commit, branch or tag to capture (default HEAD).", "HEAD", "backup"),
    INCLUDE("include", "--include", OptionType.LIST, "Extra glob of files to capture (repeatable).", null, "backup"),
    EXCLUDE("exclude", "--exclude", OptionType.LIST, "Glob of files not to capture (repeatable).", null, "backup"),
    GIT_BUNDLE("gitBundle", null, OptionType.BOOLEAN, "Also store the whole commit as a git bundle.", "false", "backup"),

    BUILD_SYSTEM("buildSystem", null, OptionType.STRING, "CI system: jenkins, tekton or cli (default: detected).", null, "backup"),
    BUILD_JOB("buildJob", null, OptionType.STRING, "Build job name (default: from the CI environment).", null, "backup"),
    BUILD_NUMBER("buildNumber", null, OptionType.STRING, "Build number (default: from the CI environment).", null, "backup"),
    BUILD_URL("buildUrl", null, OptionType.STRING, "Build URL (default: from the CI environment).", null, "backup"),
    TRIGGERED_BY("triggeredBy", null, OptionType.STRING, "Who or what started the build.", null, "backup"),

    IMAGES("images", "--image", OptionType.LIST, "Image reference to pin and copy (repeatable).", null, "backup"),
    IMAGE_MODE("imageMode", null, OptionType.STRING, "copy (default), digest-only or none.", "copy", "backup"),
    IMAGE_TARGET("imageTarget", null, OptionType.STRING, "Backup registry/prefix to copy images to, besides the store.", null, "backup"),
    INSECURE_REGISTRY("insecureRegistry", "--insecure-registry", OptionType.LIST, "Registry host:port reached over plain HTTP (repeatable).", null, "backup", "restore", "verify", "freeze", "drill", "list", "prune", "copy", "export", "import"),

    NAMESPACE("namespace", "--namespace", OptionType.LIST, "Namespace of the application (repeatable).", null, "backup"),
    SELECTOR("selector", "--selector", OptionType.LIST, "Label selector of the application (repeatable, OR-ed). Default app.kubernetes.io/part-of=<app>.", null, "backup"),
    ALLOW_EMPTY_SELECTION("allowEmptySelection", null, OptionType.BOOLEAN, "Capture the selection even when it finds no workload (default: the backup fails and names the labels it saw).", "false", "backup"),
    KUBECONFIG("kubeconfig", null, OptionType.STRING, "Kubeconfig file (default: KUBECONFIG, ~/.kube/config or in-cluster).", null, "backup", "restore", "diff", "drill"),
    CONTEXT("context", null, OptionType.STRING, "Kubeconfig context (default: current).", null, "backup", "restore", "diff", "drill"),
    SECRETS("secrets", null, OptionType.STRING, "Secrets: encrypt (default, needs a key), plain or skip.", "encrypt", "backup"),
    ENCRYPTION_KEY_FILE("encryptionKeyFile", null, OptionType.STRING, "File with the 32-byte AES-256 key (raw or base64).", null, "backup", "restore", "diff", "drill"),
    ENCRYPTION_KEY_ENV("encryptionKeyEnv", null, OptionType.STRING, "Environment variable holding the base64 AES-256 key.", "LAYERCAKE_ENCRYPTION_KEY", "backup", "restore", "diff", "drill"),
    HELM_RELEASE("helmRelease", null, OptionType.STRING, "Release name drift renders the Helm charts with (helm template); default: the live Helm release Secret's, else the chart's name.", null, "backup"),
    HELM_NAMESPACE("helmNamespace", null, OptionType.STRING, "Namespace drift renders the Helm charts with; default: the live Helm release's, else the first --namespace.", null, "backup"),
    PIPELINE_FILE("pipelineFiles", "--pipeline-file", OptionType.LIST, "A file of the CI system to store in the release's pipeline section (repeatable; at most 64 files of 16 MB).", null, "backup"),
    ALLOW_INCOMPLETE("allowIncomplete", null, OptionType.BOOLEAN, "Write the release even if part of the app cannot be captured, recording each missing part in the manifest (default: the backup fails).", "false", "backup"),

    FREEZE("freeze", null, OptionType.BOOLEAN, "Freeze the release as the last step of the backup.", "false", "backup"),
    RETAIN_UNTIL("retainUntil", null, OptionType.DATE, "Freeze: keep until this date (YYYY-MM-DD or ISO instant).", null, "backup", "freeze"),
    LEGAL_HOLD("legalHold", null, OptionType.BOOLEAN, "Freeze: apply a legal hold instead of a retention date.", "false", "backup", "freeze"),
    TAG_IMAGES("tagImages", null, OptionType.BOOLEAN, "Freeze: also tag the release's backup-registry copies with the release id (a tag never moved).", "false", "backup", "freeze"),
    SIGNING_KEY("signingKey", null, OptionType.STRING, "PEM private key (ECDSA P-256 or Ed25519) to sign the manifest.", null, "backup", "drill"),
    PUBLIC_KEY("publicKey", null, OptionType.STRING, "PEM public key to check the manifest signature (policy: the key stored in the policy).", null, "verify", "drill", "restore", "policy"),
    REQUIRE_SIGNATURE("requireSignature", null, OptionType.BOOLEAN, "Verify and restore: fail an unsigned manifest, or one whose signature does not check (policy: require it for every verify and restore of the store or app).", "false", "verify", "restore", "policy"),
    REPLACE("replace", null, OptionType.BOOLEAN, "Policy: replace the policy already set (a policy is create-only otherwise).", "false", "policy"),
    EXPECT_DIGEST("expectDigest", null, OptionType.STRING, "Verify: the manifest digest (sha256:...) the pipeline recorded at backup time; another digest fails.", null, "verify"),

    SOURCES_TO("sourcesTo", null, OptionType.STRING, "Restore the captured files into this folder.", null, "restore"),
    PIPELINE_TO("pipelineTo", null, OptionType.STRING, "Write the release's pipeline section (config.xml, PipelineRun, --pipeline-file files) into this folder.", null, "restore"),
    IMAGES_TO("imagesTo", null, OptionType.STRING, "Push the release's images to this registry/prefix.", null, "restore", "drill"),
    IMAGES_FROM("imagesFrom", null, OptionType.STRING, "Point restored workloads at images in this registry/prefix.", null, "restore"),
    PIN_IMAGES("pinImages", null, OptionType.BOOLEAN, "Rewrite workload images to the release's digests.", "false", "restore"),
    KUBERNETES("kubernetes", null, OptionType.BOOLEAN, "Restore the release's Kubernetes objects (implied by --namespace-mapping, --context, --kubeconfig).", "false", "restore", "drill"),
    NAMESPACE_MAPPING("namespaceMapping", "--namespace-mapping", OptionType.LIST, "old=new namespace mapping (repeatable).", null, "restore", "diff", "drill"),
    EXISTING("existing", null, OptionType.STRING, "Objects that exist: skip (default), update or fail.", "skip", "restore"),
    DRY_RUN("dryRun", null, OptionType.BOOLEAN, "Print the plan without changing anything.", "false", "restore", "prune", "gc"),

    KEEP("keep", null, OptionType.INTEGER, "Prune: keep the newest N releases.", null, "prune"),
    OLDER_THAN("olderThan", null, OptionType.STRING, "Prune: only releases older than this (e.g. 30d, 12h).", null, "prune"),
    GRACE("grace", null, OptionType.STRING, "GC: never collect blobs younger than this (default 24h).", "24h", "gc"),

    JSON("json", null, OptionType.BOOLEAN, "Print machine-readable JSON on stdout.", "false",
            "backup", "restore", "freeze", "list", "show", "verify", "diff", "prune", "gc", "drill", "report", "copy", "export", "import", "policy"),

    TIMEOUT("timeout", null, OptionType.STRING, "Drill: how long to wait for the scratch workloads to be ready (e.g. 90s, 5m).", "5m", "drill"),
    KEEP_SCRATCH("keepScratch", null, OptionType.BOOLEAN, "Drill: leave the scratch namespaces and objects in place.", "false", "drill"),
    CLEAN("clean", null, OptionType.BOOLEAN, "Drill: only remove what earlier drills left on the cluster.", "false", "drill"),
    /** Jenkins only (the Pipeline function drillRelease): the CLI and the Task fail on a failed drill by their exit code. */
    FAIL_ON_DIFFERENCE("failOnDifference", null, OptionType.BOOLEAN, "drillRelease: a failed drill fails the stage; false: the build is marked UNSTABLE and goes on.", "true", "drillRelease"),

    AGAINST("against", null, OptionType.STRING, "Diff: the release to compare with; without it, the live namespaces. Report: the release the diff section starts from.", null, "diff", "report"),
    FROM("from", null, OptionType.STRING, "Copy: the store to copy releases from (folder, s3:// or oci://).", null, "copy"),
    TO("to", null, OptionType.STRING, "Copy: the store to copy releases to (folder, s3:// or oci://); releases there are never overwritten.", null, "copy"),
    OUTPUT("output", null, OptionType.STRING, "Report: the HTML file to write (default: <app>-<release>-report.html here). Export: the release tar to write.", null, "report", "export");

    private final String name;
    private final String cliFlag;
    private final OptionType type;
    private final String description;
    private final String defaultValue;
    private final Set<String> commands;

    Vocabulary(String name, String cliFlag, OptionType type, String description, String defaultValue, String... commands) {
        this.name = name;
        this.cliFlag = cliFlag == null ? "--" + kebab(name) : cliFlag;
        this.type = type;
        this.description = description;
        this.defaultValue = defaultValue;
        this.commands = Set.of(commands);
    }

    /** The canonical name: the Jenkins step parameter. */
    public String jenkinsName() {
        return name;
    }

    /** The Tekton Task param name. */
    public String tektonName() {
        return kebab(name);
    }

    /** The CLI flag, with its dashes. */
    public String cliFlag() {
        return cliFlag;
    }

    public OptionType type() {
        return type;
    }

    public String description() {
        return description;
    }

    /** The default as text, or null when there is none. */
    public String defaultValue() {
        return defaultValue;
    }

    public boolean appliesTo(String command) {
        return commands.contains(command);
    }

    public static List<Vocabulary> forCommand(String command) {
        return Arrays.stream(values()).filter(v -> v.appliesTo(command)).toList();
    }

    /** The three front doors, each naming an option its own way. */
    public enum FrontDoor {
        /** {@code --image-target} */
        CLI,
        /** {@code imageTarget} (a Pipeline step parameter) */
        JENKINS,
        /** {@code image-target} (a Task param) */
        TEKTON
    }

    /** This option as {@code door} names it. */
    public String nameIn(FrontDoor door) {
        return switch (door) {
            case CLI -> cliFlag;
            case JENKINS -> jenkinsName();
            case TEKTON -> tektonName();
        };
    }

    /** The option whose CLI flag is {@code flag} ({@code --image-target}), if it is one of the vocabulary. */
    public static java.util.Optional<Vocabulary> byCliFlag(String flag) {
        return Arrays.stream(values()).filter(v -> v.cliFlag.equals(flag)).findFirst();
    }

    /** A flag as a word of prose: after the start, a space or an opening bracket; before a space, punctuation or the end. */
    private static final java.util.regex.Pattern FLAG =
            java.util.regex.Pattern.compile("(?<=^|[\\s(\\[])--[a-z][a-z0-9]*(?:-[a-z0-9]+)*(?=$|[\\s.,;:)\\]])");
    /** A CLI command line quoted in a message ("run layercake policy --replace"): its flags stay flags. */
    private static final java.util.regex.Pattern QUOTED_COMMAND = java.util.regex.Pattern.compile("\\blayercake [a-z]+[^;)]*");

    /**
     * An engine message as {@code door} shows it: the engine names options by their vocabulary entry, spelled as the
     * CLI flag ({@code --insecure-registry}); a Jenkins user reads {@code insecureRegistry}, a Tekton user
     * {@code insecure-registry}. Left as they are: flags outside the vocabulary, anything that is not a word of its
     * own (a path, a URL, a value such as {@code /tmp/--app}), and CLI command lines the message quotes.
     */
    public static String render(String message, FrontDoor door) {
        if (message == null || door == FrontDoor.CLI) {
            return message;
        }
        boolean[] quoted = new boolean[message.length()];
        java.util.regex.Matcher q = QUOTED_COMMAND.matcher(message);
        while (q.find()) {
            java.util.Arrays.fill(quoted, q.start(), q.end(), true);
        }
        java.util.regex.Matcher m = FLAG.matcher(message);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String flag = m.group();
            String shown = quoted[m.start()] ? flag : byCliFlag(flag).map(v -> v.nameIn(door)).orElse(flag);
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(shown));
        }
        m.appendTail(out);
        return out.toString();
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
