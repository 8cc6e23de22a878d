package dev.layercake.api.request;

import dev.layercake.LayercakeException;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the dates of --retain-until and the short durations of --older-than and --grace: {@code 30d}, {@code 12h}, {@code 90m}, {@code 45s}, {@code 2w}, or ISO {@code PT1H}. */
public final class Durations {

    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})([smhdw])");
    private static final Map<String, Duration> UNITS = Map.of("s", Duration.ofSeconds(1), "m", Duration.ofMinutes(1),
            "h", Duration.ofHours(1), "d", Duration.ofDays(1), "w", Duration.ofDays(7));

    private Durations() {
    }

    public static Duration parse(String option, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Matcher m = SHORT.matcher(value.trim());
        if (m.matches()) {
            return UNITS.get(m.group(2)).multipliedBy(Long.parseLong(m.group(1)));
        }
        try {
            Duration d = Duration.parse(value.trim());
            if (!d.isNegative()) {
                return d;
            }
        } catch (DateTimeParseException e) {
            // fall through to the message
        }
        throw LayercakeException.usage(option + " '" + value + "' is not a duration: use e.g. 30d, 12h, 90m, 2w or PT1H");
    }

    /** Parses a date option ({@code --retain-until}): {@code YYYY-MM-DD} (midnight UTC) or an ISO instant; null stays null. */
    public static java.time.Instant parseDate(String option, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return value.length() == 10 ? java.time.LocalDate.parse(value).atStartOfDay(java.time.ZoneOffset.UTC).toInstant()
                    : java.time.Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw LayercakeException.usage(option + " '" + value + "' is not a date: use YYYY-MM-DD or an ISO instant"
                    + " like 2030-01-31T00:00:00Z");
        }
    }
}
