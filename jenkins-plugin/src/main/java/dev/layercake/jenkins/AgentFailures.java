package dev.layercake.jenkins;

import dev.layercake.LayercakeException;
import dev.layercake.api.request.Vocabulary;
import hudson.AbortException;

import java.io.IOException;

/**
 * Turns a failure on the agent into one the controller can receive and show. The remoting class filter lets
 * exceptions through, but a library exception may hold state that does not serialize (an SDK response, a
 * client or request object), and then the whole failure is lost in a serialization error; and an engine
 * failure is meant for the user, not as a stack trace. So they travel as JDK exceptions: a
 * {@link LayercakeException} (a user-facing message naming the problem and the fix) fails the step with just
 * its message, its options named as a Pipeline step names them ({@code insecureRegistry}, not
 * {@code --insecure-registry}: {@code Vocabulary.render} for the Jenkins front door); anything else keeps its
 * class name, message and stack trace.
 */
final class AgentFailures {

    private AgentFailures() {
    }

    static IOException toTransferable(RuntimeException e) {
        if (e instanceof LayercakeException le) {
            String message = render(le.getMessage());
            // Engine messages speak of environment variables; say how Jenkins passes credentials.
            return new AbortException(le.kind() == LayercakeException.Kind.AUTH
                    ? message + " " + Messages.AgentFailures_AuthHint() : message);
        }
        IOException io = new IOException(e.toString());
        io.setStackTrace(e.getStackTrace());
        return io;
    }

    /** An engine message as a Jenkins user reads it: options by their step parameter names. */
    static String render(String engineMessage) {
        return Vocabulary.render(engineMessage, Vocabulary.FrontDoor.JENKINS);
    }
}
