package dev.layercake.jenkins;

import hudson.EnvVars;
import hudson.model.Cause;
import hudson.model.Run;
import jenkins.model.Jenkins;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The build that makes the release, read from the Run on the controller: full job name, number, URL, what
 * started it, and the SCM revision the checkout reported ({@code GIT_COMMIT}). Step parameters
 * ({@code buildJob}...) override. Holds no secret.
 */
final class BuildMetadata implements Serializable {

    private static final long serialVersionUID = 1L;

    static final String SYSTEM = "jenkins";

    final String system;
    final String job;
    final String number;
    final String url;
    final String triggeredBy;
    final String commit;

    BuildMetadata(String system, String job, String number, String url, String triggeredBy, String commit) {
        this.system = system;
        this.job = job;
        this.number = number;
        this.url = url;
        this.triggeredBy = triggeredBy;
        this.commit = commit;
    }

    static BuildMetadata of(Run<?, ?> run, EnvVars env) {
        String root = Jenkins.get().getRootUrl();
        return new BuildMetadata(SYSTEM, run.getParent().getFullName(), String.valueOf(run.getNumber()),
                root == null ? null : root + run.getUrl(), causes(run), blankToNull(env.get("GIT_COMMIT")));
    }

    /** Explicit values (step parameters) win over what the run says. */
    BuildMetadata override(String system, String job, String number, String url, String triggeredBy) {
        return new BuildMetadata(first(system, this.system), first(job, this.job), first(number, this.number),
                first(url, this.url), first(triggeredBy, this.triggeredBy), commit);
    }

    /** The user who started the build when there is one, else the causes' short descriptions. */
    private static String causes(Run<?, ?> run) {
        List<String> out = new ArrayList<>();
        for (Cause c : run.getCauses()) {
            if (c instanceof Cause.UserIdCause user && user.getUserId() != null) {
                return user.getUserId();
            }
            out.add(c.getShortDescription());
        }
        return out.isEmpty() ? null : String.join("; ", out);
    }

    private static String first(String a, String b) {
        return a != null && !a.isBlank() ? a : b;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
