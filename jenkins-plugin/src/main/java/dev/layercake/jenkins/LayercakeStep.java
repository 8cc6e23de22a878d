package dev.layercake.jenkins;

import hudson.AbortException;
import hudson.Util;
import hudson.model.Run;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.kohsuke.stapler.DataBoundSetter;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * What every Layercake step takes: the application, where its releases are stored, and the registries reached
 * over plain HTTP ({@code insecureRegistry}). Parameter names are the engine's
 * {@code dev.layercake.api.request.Vocabulary} names (checked by {@code StepVocabularyTest}), plus
 * {@code credentialsId}, the Jenkins credentials of the store. Steps that reach registries with a login extend
 * {@link RegistryStep}; steps that reach a cluster and the Secret key too extend {@link ClusterStep}.
 *
 * <p>Steps are {@link Serializable}: the agent-side callables carry them to the agent as plain data.
 *
 * <p>{@code store} is a location ({@code /backups}, {@code file:///backups}, {@code s3://bucket/prefix}) or the
 * name of a store from the global configuration; when empty, the configured default store is used.
 */
public abstract class LayercakeStep extends Step implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String app;
    private String store;
    private String s3Endpoint;
    private String s3Region;
    private boolean s3PathStyle;
    private String credentialsId;
    private List<String> insecureRegistry;

    protected LayercakeStep(String app) {
        this.app = Util.fixEmptyAndTrim(app);
    }

    public String getApp() {
        return app;
    }

    public String getStore() {
        return store;
    }

    @DataBoundSetter
    public void setStore(String store) {
        this.store = Util.fixEmptyAndTrim(store);
    }

    public String getS3Endpoint() {
        return s3Endpoint;
    }

    @DataBoundSetter
    public void setS3Endpoint(String s3Endpoint) {
        this.s3Endpoint = Util.fixEmptyAndTrim(s3Endpoint);
    }

    public String getS3Region() {
        return s3Region;
    }

    @DataBoundSetter
    public void setS3Region(String s3Region) {
        this.s3Region = Util.fixEmptyAndTrim(s3Region);
    }

    public boolean isS3PathStyle() {
        return s3PathStyle;
    }

    @DataBoundSetter
    public void setS3PathStyle(boolean s3PathStyle) {
        this.s3PathStyle = s3PathStyle;
    }

    /** AWS credentials (aws-credentials plugin) for an S3 store; overrides the named store's. */
    public String getCredentialsId() {
        return credentialsId;
    }

    @DataBoundSetter
    public void setCredentialsId(String credentialsId) {
        this.credentialsId = Util.fixEmptyAndTrim(credentialsId);
    }

    public List<String> getInsecureRegistry() {
        return insecureRegistry;
    }

    /** Registries ({@code host:port}) reached over plain HTTP: image sources and targets, {@code oci://} stores. */
    @DataBoundSetter
    public void setInsecureRegistry(List<String> insecureRegistry) {
        this.insecureRegistry = clean(insecureRegistry);
    }

    List<String> insecureRegistries() {
        return orEmpty(insecureRegistry);
    }

    /**
     * The credentials this step names, resolved on the controller against the run (tracked on it): here the
     * store's; subclasses add theirs.
     */
    AgentSecrets secrets(Run<?, ?> run, StoreTarget store) throws IOException {
        return LayercakeExecution.secrets(run, store, null, null, null);
    }

    /** The store this step names, resolved against the global configuration (named stores, default). */
    StoreTarget storeTarget() throws AbortException {
        return LayercakeGlobalConfiguration.get().resolve(store, s3Endpoint, s3Region, s3PathStyle, credentialsId);
    }

    /**
     * A list parameter without blank entries, or null when nothing is left (so an unset list and an empty one
     * look the same to the snippet generator). A plain ArrayList: XStream stores it in job configurations.
     */
    static List<String> clean(List<String> values) {
        if (values == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                out.add(v.trim());
            }
        }
        return out.isEmpty() ? null : out;
    }

    /** A list parameter for use; never null. */
    static List<String> orEmpty(List<String> values) {
        return values == null ? List.of() : values;
    }
}
