package dev.layercake.model;

/**
 * The build that made a release. {@code system} is jenkins, tekton or cli; the rest is what that
 * system says about the run. Never holds a credential.
 */
public record BuildInfo(String system, String job, String number, String url, String triggeredBy, String commit) {

    public static final String JENKINS = "jenkins";
    public static final String TEKTON = "tekton";
    public static final String CLI = "cli";
}
