package dev.layercake.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The build that made a release. {@code system} is jenkins, tekton or cli; the rest is what that
 * system says about the run. Never holds a credential. The keys other tools rely on ({@code system, job,
 * number, url, triggeredBy}) are always written, {@code null} when the build did not say.
 */
public record BuildInfo(@JsonInclude(JsonInclude.Include.ALWAYS) String system,
                        @JsonInclude(JsonInclude.Include.ALWAYS) String job,
                        @JsonInclude(JsonInclude.Include.ALWAYS) String number,
                        @JsonInclude(JsonInclude.Include.ALWAYS) String url,
                        @JsonInclude(JsonInclude.Include.ALWAYS) String triggeredBy,
                        String commit) {

    public static final String JENKINS = "jenkins";
    public static final String TEKTON = "tekton";
    public static final String CLI = "cli";
}
