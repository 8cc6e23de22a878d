package dev.layercake.jenkins;

import dev.layercake.api.progress.ProgressListener;
import hudson.model.TaskListener;

import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

/**
 * The engine's progress in the build log. Runs on the agent; the listener's stream goes back to the
 * controller. Progress lines are thinned to one per phase every few seconds (and the last one), so a large
 * copy does not flood the log. The engine never passes secrets here.
 */
final class TaskListenerProgress implements ProgressListener {

    private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final String PREFIX = "[layercake] ";

    private final PrintStream out;
    private long lastProgress;

    TaskListenerProgress(TaskListener listener) {
        this.out = listener.getLogger();
    }

    @Override
    public void phase(String name) {
        out.println(PREFIX + name);
        lastProgress = 0;
    }

    @Override
    public void progress(String phase, long done, long total, String unit) {
        long now = System.nanoTime();
        boolean finished = total >= 0 && done >= total;
        if (!finished && lastProgress != 0 && now - lastProgress < INTERVAL_NANOS) {
            return;
        }
        lastProgress = now;
        out.println(PREFIX + phase + ": " + done + (total >= 0 ? "/" + total : "") + (unit == null ? "" : " " + unit));
    }

    @Override
    public void info(String message) {
        out.println(PREFIX + message);
    }

    @Override
    public void warn(String message) {
        out.println(PREFIX + "WARNING: " + message);
    }
}
