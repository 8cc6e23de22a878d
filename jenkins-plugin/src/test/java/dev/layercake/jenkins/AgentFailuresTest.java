package dev.layercake.jenkins;

import dev.layercake.LayercakeException;
import hudson.AbortException;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a failed step shows: an engine message with its options named as a Pipeline step names them (the engine
 * spells them as CLI flags). A plain unit test: no Jenkins instance is needed.
 */
class AgentFailuresTest {

    @Test
    void engineMessagesNameOptionsAsStepParameters() {
        IOException shown = AgentFailures.toTransferable(LayercakeException.usage(
                "registry localhost:5000 answered over plain HTTP; add --insecure-registry localhost:5000, or give --image-target a TLS registry"));

        AbortException abort = assertInstanceOf(AbortException.class, shown);
        assertEquals("registry localhost:5000 answered over plain HTTP; add insecureRegistry localhost:5000,"
                + " or give imageTarget a TLS registry", abort.getMessage());
        assertFalse(abort.getMessage().contains("--"), abort.getMessage());
    }

    @Test
    void flagsOutsideTheVocabularyAndPlainTextStayAsTheyAre() {
        IOException shown = AgentFailures.toTransferable(LayercakeException.usage(
                "unknown --no-such-flag; ref 'main--old' is not a commit"));

        assertEquals("unknown --no-such-flag; ref 'main--old' is not a commit", shown.getMessage());
    }

    @Test
    void anAuthFailureSaysHowJenkinsPassesCredentials() {
        IOException shown = AgentFailures.toTransferable(new LayercakeException(LayercakeException.Kind.AUTH,
                "registry.example denied the pull; log in or pass --insecure-registry for a plain-HTTP registry"));

        assertTrue(shown.getMessage().startsWith("registry.example denied the pull; log in or pass insecureRegistry"),
                shown.getMessage());
        assertTrue(shown.getMessage().endsWith(Messages.AgentFailures_AuthHint()), shown.getMessage());
    }

    @Test
    void anyOtherFailureKeepsItsClassAndStackTrace() {
        IllegalStateException e = new IllegalStateException("--insecure-registry inside a bug report");

        IOException shown = AgentFailures.toTransferable(e);

        assertFalse(shown instanceof AbortException);
        assertEquals(e.toString(), shown.getMessage(), "not an engine message: left as it is");
        assertEquals(e.getStackTrace().length, shown.getStackTrace().length);
    }
}
