package dev.layercake.jenkins;

import hudson.Extension;
import hudson.Util;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.model.Item;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * A named release store in the global configuration, so a Jenkinsfile can say {@code store: 'prod-backups'}
 * and the location, S3 options and credentials live in one place (and in Configuration as Code).
 */
public final class StoreEntry implements Describable<StoreEntry> {

    private final String name;
    private final String location;
    private String s3Endpoint;
    private String s3Region;
    private boolean s3PathStyle;
    private String credentialsId;

    @DataBoundConstructor
    public StoreEntry(String name, String location) {
        this.name = Util.fixEmptyAndTrim(name);
        this.location = Util.fixEmptyAndTrim(location);
    }

    public String getName() {
        return name;
    }

    public String getLocation() {
        return location;
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

    public String getCredentialsId() {
        return credentialsId;
    }

    @DataBoundSetter
    public void setCredentialsId(String credentialsId) {
        this.credentialsId = Util.fixEmptyAndTrim(credentialsId);
    }

    @Extension
    @Symbol("store")
    public static final class DescriptorImpl extends Descriptor<StoreEntry> {

        @Override
        public String getDisplayName() {
            return Messages.StoreEntry_DisplayName();
        }

        public FormValidation doCheckName(@QueryParameter String value) {
            if (Util.fixEmptyAndTrim(value) == null) {
                return FormValidation.error(Messages.StoreEntry_NameRequired());
            }
            return FormValidation.ok();
        }

        public FormValidation doCheckLocation(@QueryParameter String value) {
            String v = Util.fixEmptyAndTrim(value);
            if (v == null) {
                return FormValidation.error(Messages.StoreEntry_LocationRequired());
            }
            if (v.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*") && !v.startsWith("s3://") && !v.startsWith("file:")) {
                return FormValidation.error(Messages.StoreEntry_UnknownScheme(v));
            }
            return FormValidation.ok();
        }

        @POST
        public ListBoxModel doFillCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String credentialsId) {
            return CredentialField.STORE.fill(item, credentialsId);
        }

        /** At the root (this is global configuration): listed and checked for administrators only. */
        @POST
        public FormValidation doCheckCredentialsId(@AncestorInPath Item item, @QueryParameter String value) {
            return CredentialField.STORE.check(item, value);
        }
    }
}
