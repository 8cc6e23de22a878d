package dev.layercake.build;

import dev.layercake.api.access.Access;
import dev.layercake.model.BuildInfo;
import dev.layercake.model.Names;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * Reads the build that runs Layercake from the CI environment; explicit values win over detected ones.
 *
 * <ul>
 *   <li>Jenkins: JOB_NAME, BUILD_NUMBER, BUILD_URL, GIT_COMMIT, BUILD_USER_ID or CHANGE_AUTHOR.</li>
 *   <li>Tekton (set by the Layercake Task from Tekton's context): TEKTON_PIPELINE, TEKTON_PIPELINE_RUN,
 *       TEKTON_TASK_RUN, TEKTON_RUN_URL.</li>
 *   <li>Anything: LAYERCAKE_BUILD_SYSTEM, _JOB, _NUMBER, _URL, _TRIGGERED_BY.</li>
 * </ul>
 */
public final class BuildInfoResolver {

    private static final DateTimeFormatter RELEASE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final Access access;

    public BuildInfoResolver(Access access) {
        this.access = access;
    }

    public BuildInfo resolve(BuildInfo explicit) {
        String system;
        String job;
        String number;
        String url;
        String triggeredBy;
        String commit = get("GIT_COMMIT");
        if (get("JOB_NAME") != null && get("BUILD_NUMBER") != null) {
            system = BuildInfo.JENKINS;
            job = get("JOB_NAME");
            number = get("BUILD_NUMBER");
            url = get("BUILD_URL");
            triggeredBy = first(get("BUILD_USER_ID"), get("CHANGE_AUTHOR"));
        } else if (get("TEKTON_PIPELINE_RUN") != null || get("TEKTON_TASK_RUN") != null) {
            system = BuildInfo.TEKTON;
            job = first(get("TEKTON_PIPELINE"), get("TEKTON_TASK"));
            number = first(get("TEKTON_PIPELINE_RUN"), get("TEKTON_TASK_RUN"));
            url = get("TEKTON_RUN_URL");
            triggeredBy = get("TEKTON_TRIGGERED_BY");
        } else {
            system = BuildInfo.CLI;
            job = null;
            number = null;
            url = null;
            triggeredBy = get("USER");
        }
        system = first(explicit.system(), get("LAYERCAKE_BUILD_SYSTEM"), system);
        return new BuildInfo(
                system,
                first(explicit.job(), get("LAYERCAKE_BUILD_JOB"), job),
                first(explicit.number(), get("LAYERCAKE_BUILD_NUMBER"), number),
                first(explicit.url(), get("LAYERCAKE_BUILD_URL"), url),
                first(explicit.triggeredBy(), get("LAYERCAKE_BUILD_TRIGGERED_BY"), triggeredBy),
                first(explicit.commit(), commit));
    }

    /** The default release id: job + number when the build has them, else UTC time + short commit. */
    public static String defaultRelease(BuildInfo build, String commit, Instant now) {
        if (build.job() != null && build.number() != null) {
            return Names.sanitize(build.job() + "-" + build.number());
        }
        String shortCommit = commit == null ? "nocommit" : commit.substring(0, Math.min(8, commit.length()));
        return RELEASE_TIME.format(now) + "-" + shortCommit;
    }

    private String get(String name) {
        String v = access.environment().get(name);
        return v == null || v.isBlank() ? null : v;
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }
}
