package dev.layercake.jenkins;

import dev.layercake.LayercakeException;
import hudson.AbortException;

import java.io.IOException;

/**
 * Turns a failure on the agent into one the controller can receive and show. The remoting class filter lets
 * exceptions through, but a library exception may hold state that does not serialize (an SDK response, a
 * client or request object), and then the whole failure is lost in a serialization error; and an engine
 * failure is meant for the user, not as a stack trace. So they travel as JDK exceptions: a
 * {@link LayercakeException} (a user-facing message naming the problem and the fix) fails the step with just
 * its message; anything else keeps its class name, message and stack trace.
 */
final class AgentFailures {

    private AgentFailures() {
    }

    static IOException toTransferable(RuntimeException e) {
        if (e instanceof LayercakeException le) {
            // Engine messages speak of environment variables and CLI flags; say how Jenkins passes credentials.
            return new AbortException(le.kind() == LayercakeException.Kind.AUTH
                    ? le.getMessage() + " " + Messages.AgentFailures_AuthHint() : le.getMessage());
        }
        IOException io = new IOException(e.toString());
        io.setStackTrace(e.getStackTrace());
        return io;
    }
}
