package dev.layercake.jenkins;

import hudson.AbortException;
import hudson.Extension;
import hudson.ExtensionList;
import hudson.Util;
import jenkins.model.GlobalConfiguration;
import net.sf.json.JSONObject;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.StaplerRequest2;

import java.util.ArrayList;
import java.util.List;

/**
 * Manage Jenkins → System → Layercake: named release stores, the default store and the Kubernetes API server for
 * token credentials. Configurable through
 * Configuration as Code under {@code unclassified: layercake:}.
 */
@Extension
@Symbol("layercake")
public class LayercakeGlobalConfiguration extends GlobalConfiguration {

    private List<StoreEntry> stores = new ArrayList<>();
    private String defaultStore;
    private String kubernetesServerUrl;
    private String kubernetesCaCertificate;
    /** The build result a backup that writes an INCOMPLETE release leaves: UNSTABLE (default), FAILURE or SUCCESS. */
    private String incompleteBuildResult;

    public LayercakeGlobalConfiguration() {
        load();
    }

    @Override
    public String getDisplayName() {
        return Messages.LayercakeGlobalConfiguration_DisplayName();
    }

    public static LayercakeGlobalConfiguration get() {
        return ExtensionList.lookupSingleton(LayercakeGlobalConfiguration.class);
    }

    public List<StoreEntry> getStores() {
        return stores;
    }

    @DataBoundSetter
    public void setStores(List<StoreEntry> stores) {
        this.stores = stores == null ? new ArrayList<>() : new ArrayList<>(stores);
        save();
    }

    /** The store used when a step names none: a store name from {@link #getStores()} or a location. */
    public String getDefaultStore() {
        return defaultStore;
    }

    @DataBoundSetter
    public void setDefaultStore(String defaultStore) {
        this.defaultStore = Util.fixEmptyAndTrim(defaultStore);
        save();
    }

    /**
     * The API server a token or certificate credential ({@code kubeconfigCredentialsId} of a
     * kubernetes-credentials kind) is used against. Not needed for a kubeconfig secret file.
     */
    public String getKubernetesServerUrl() {
        return kubernetesServerUrl;
    }

    @DataBoundSetter
    public void setKubernetesServerUrl(String kubernetesServerUrl) {
        this.kubernetesServerUrl = Util.fixEmptyAndTrim(kubernetesServerUrl);
        save();
    }

    /** PEM certificate of the API server's CA, for {@link #getKubernetesServerUrl()}. */
    public String getKubernetesCaCertificate() {
        return kubernetesCaCertificate;
    }

    @DataBoundSetter
    public void setKubernetesCaCertificate(String kubernetesCaCertificate) {
        this.kubernetesCaCertificate = Util.fixEmptyAndTrim(kubernetesCaCertificate);
        save();
    }

    /**
     * The build result an INCOMPLETE release (written with {@code allowIncomplete} or {@code secrets: 'skip'}) leaves:
     * {@code UNSTABLE} (default), {@code FAILURE}, or {@code SUCCESS} to leave the result alone. A result only ever
     * gets worse in Jenkins, so SUCCESS never hides an earlier failure.
     */
    public String getIncompleteBuildResult() {
        return incompleteBuildResult == null ? "UNSTABLE" : incompleteBuildResult;
    }

    @DataBoundSetter
    public void setIncompleteBuildResult(String incompleteBuildResult) {
        String value = Util.fixEmptyAndTrim(incompleteBuildResult);
        if (value != null && !List.of("UNSTABLE", "FAILURE", "SUCCESS").contains(value.toUpperCase(java.util.Locale.ROOT))) {
            throw new IllegalArgumentException("incompleteBuildResult '" + value + "' is not one of UNSTABLE, FAILURE, SUCCESS");
        }
        this.incompleteBuildResult = value == null ? null : value.toUpperCase(java.util.Locale.ROOT);
        save();
    }

    public StoreEntry getStore(String name) {
        for (StoreEntry s : stores) {
            if (s.getName() != null && s.getName().equals(name)) {
                return s;
            }
        }
        return null;
    }

    /**
     * Resolves a step's {@code store}: a configured name wins; anything else is a location. Options given on
     * the step override the named store's.
     */
    StoreTarget resolve(String store, String s3Endpoint, String s3Region, boolean s3PathStyle, String credentialsId)
            throws AbortException {
        String wanted = store != null ? store : defaultStore;
        if (wanted == null) {
            throw new AbortException(Messages.LayercakeGlobalConfiguration_NoStore());
        }
        StoreEntry named = getStore(wanted);
        if (named != null) {
            return new StoreTarget(named.getName(), named.getLocation(),
                    s3Endpoint != null ? s3Endpoint : named.getS3Endpoint(),
                    s3Region != null ? s3Region : named.getS3Region(),
                    s3PathStyle || named.isS3PathStyle(),
                    credentialsId != null ? credentialsId : named.getCredentialsId());
        }
        return new StoreTarget(null, wanted, s3Endpoint, s3Region, s3PathStyle, credentialsId);
    }

    @Override
    public boolean configure(StaplerRequest2 req, JSONObject json) throws FormException {
        // A repeatable list with every entry deleted is absent from the form: clear it before binding.
        stores = new ArrayList<>();
        defaultStore = null;
        kubernetesServerUrl = null;
        kubernetesCaCertificate = null;
        incompleteBuildResult = null;
        req.bindJSON(this, json);
        save();
        return true;
    }
}
