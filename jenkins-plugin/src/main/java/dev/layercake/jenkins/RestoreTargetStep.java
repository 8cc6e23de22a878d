package dev.layercake.jenkins;

import dev.layercake.api.request.RestoreRequest;
import hudson.Util;
import org.kohsuke.stapler.DataBoundSetter;

import java.util.List;

/**
 * A step that re-creates a release somewhere (restore, drill): its images in a registry ({@code imagesTo}), its
 * Kubernetes objects in a cluster ({@code kubernetes: true}, implied by {@code namespaceMapping} or any cluster
 * option, as in the CLI), its manifest's signature checked first ({@code publicKey}).
 */
public abstract class RestoreTargetStep extends ClusterStep {

    private static final long serialVersionUID = 1L;

    private String imagesTo;
    private boolean kubernetes;
    private List<String> namespaceMapping;
    private String publicKey;

    protected RestoreTargetStep(String app) {
        super(app);
    }

    public String getImagesTo() {
        return imagesTo;
    }

    @DataBoundSetter
    public void setImagesTo(String imagesTo) {
        this.imagesTo = Util.fixEmptyAndTrim(imagesTo);
    }

    public boolean isKubernetes() {
        return kubernetes;
    }

    @DataBoundSetter
    public void setKubernetes(boolean kubernetes) {
        this.kubernetes = kubernetes;
    }

    public List<String> getNamespaceMapping() {
        return namespaceMapping;
    }

    @DataBoundSetter
    public void setNamespaceMapping(List<String> namespaceMapping) {
        this.namespaceMapping = clean(namespaceMapping);
    }

    /** PEM public key file (in the workspace) to check the manifest's signature with. */
    public String getPublicKey() {
        return publicKey;
    }

    @DataBoundSetter
    public void setPublicKey(String publicKey) {
        this.publicKey = Util.fixEmptyAndTrim(publicKey);
    }

    /** Whether the Kubernetes objects go to a cluster: asked for, or implied by a cluster option (as in the CLI). */
    boolean clusterAsked() {
        return RestoreRequest.KubernetesTarget.wanted(kubernetes, namespaceMappings(), getKubeconfig(), getContext(), getKubeconfigCredentialsId());
    }

    List<String> namespaceMappings() {
        return orEmpty(namespaceMapping);
    }
}
