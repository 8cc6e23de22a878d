package dev.layercake.source;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.Optional;

/**
 * Which files are captured by default, and their kind, as data: the first rule whose glob matches the
 * file's path wins. Rules that need the file's content or neighbours (Helm chart folders, Kustomize
 * references, Kubernetes YAML) are applied by {@link SourceClassifier}.
 */
public final class FileKinds {

    public static final String DOCKERFILE = "dockerfile";
    public static final String TERRAFORM = "terraform";
    public static final String HELM = "helm";
    public static final String KUSTOMIZE = "kustomize";
    public static final String KUBERNETES = "kubernetes";
    public static final String PIPELINE = "pipeline";
    public static final String OTHER = "other";

    /** A glob over the path from the repository root and the kind it gives. */
    public record Rule(String glob, String kind) {
        PathMatcher matcher() {
            return FileSystems.getDefault().getPathMatcher("glob:" + glob);
        }
    }

    /** By name alone, in order. '**&#47;' also matches at the root (both forms are listed). */
    public static final List<Rule> BY_NAME = List.of(
            new Rule("{Dockerfile,Containerfile,**/Dockerfile,**/Containerfile}", DOCKERFILE),
            new Rule("{Dockerfile.*,Containerfile.*,**/Dockerfile.*,**/Containerfile.*,*.dockerfile,**/*.dockerfile,*.Dockerfile,**/*.Dockerfile}", DOCKERFILE),
            new Rule("{*.tf,**/*.tf,*.tfvars,**/*.tfvars,*.tf.json,**/*.tf.json,*.tfvars.json,**/*.tfvars.json,.terraform.lock.hcl,**/.terraform.lock.hcl}", TERRAFORM),
            new Rule("{kustomization.yaml,kustomization.yml,Kustomization,**/kustomization.yaml,**/kustomization.yml,**/Kustomization}", KUSTOMIZE),
            new Rule("{Jenkinsfile,**/Jenkinsfile,Jenkinsfile.*,**/Jenkinsfile.*,*.jenkinsfile,**/*.jenkinsfile}", PIPELINE),
            new Rule("{.tekton/**,.github/workflows/*.yml,.github/workflows/*.yaml,.gitlab-ci.yml}", PIPELINE));

    private static final List<PathMatcher> MATCHERS = BY_NAME.stream().map(Rule::matcher).toList();

    private FileKinds() {
    }

    public static Optional<String> byName(String path) {
        Path p = Path.of(path);
        for (int i = 0; i < BY_NAME.size(); i++) {
            if (MATCHERS.get(i).matches(p)) {
                return Optional.of(BY_NAME.get(i).kind());
            }
        }
        return Optional.empty();
    }

    public static boolean isYaml(String path) {
        return path.endsWith(".yaml") || path.endsWith(".yml");
    }
}
