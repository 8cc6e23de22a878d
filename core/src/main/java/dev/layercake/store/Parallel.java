package dev.layercake.store;

import dev.layercake.LayercakeException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Runs one action per item on a bounded pool of daemon threads; the first failure is rethrown as is. */
final class Parallel {

    @FunctionalInterface
    interface Action<T> {
        void run(T item) throws Exception;
    }

    private Parallel() {
    }

    static <T> void forEach(Collection<T> items, int parallelism, String threadName, Action<T> action) {
        if (items.isEmpty()) {
            return;
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallelism, items.size())), r -> {
            Thread t = new Thread(r, threadName + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>(items.size());
            for (T item : items) {
                futures.add(pool.submit(() -> {
                    action.run(item);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LayercakeException(LayercakeException.Kind.FAILED, "interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new LayercakeException(LayercakeException.Kind.UNAVAILABLE, cause.getMessage(), cause);
        } finally {
            pool.shutdownNow();
            // Tasks already running finish (or fail) before we return: a caller's clean-up must see all they did.
            try {
                pool.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
