package dev.layercake.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** Security review 2026-12-07, finding 10: text from git or a cluster reaches the console with no control character. */
class ConsoleProgressTest {

    @Test
    void infoAndWarningsAreSanitisedAndALineBreakCannotForgeALine() {
        StringWriter out = new StringWriter();
        ConsoleProgress p = new ConsoleProgress(new PrintWriter(out, true), false, false);
        p.info("gitlab-ci: ci/\u001b]0;PWNED\u0007\u001b[31mred.yml");
        p.warn("not followed: \u009b2J \u202eevil\u2069 tab\there");
        p.warn("first line\nwarning: forged\r\n==> forged phase");
        p.phase("sources\u001b[2J");
        String text = out.toString();
        assertThat(text).doesNotContain("\u001b", "\u0007", "\u009b", "\u202e", "\u2069", "\t", "\r");
        assertThat(text).contains("    gitlab-ci: ci/?]0;PWNED??[31mred.yml\n", "warning: not followed: ?2J ?evil? tab here\n",
                "warning: first line\n    warning: forged\n    ==> forged phase\n", "==> sources?[2J\n");
        assertThat(text.lines()).filteredOn(l -> l.startsWith("warning:")).hasSize(2);
    }
}
