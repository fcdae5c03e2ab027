package netsense.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.SparkSession;

/**
 * The driver's small writes after a pass — the sample, an empty {@code rejected/}, the report,
 * the summary's bytes — run side by side: each is a few dozen milliseconds of mostly one thread,
 * and once the pass is done the cores are idle.
 *
 * <p>Every write started is waited for before {@link #awaitAll} or {@link #close} returns, also
 * when another one failed: a write still running must not go on writing into a staging folder
 * that a failed job is removing. The first failure is thrown, the others added to it; an
 * interruption of the wait, once the writes have ended, as an {@code InterruptedIOException}.
 */
final class SideWrites implements AutoCloseable {
    /** A write that may throw. */
    @FunctionalInterface
    interface Write {
        void run() throws Exception;
    }

    private final SparkSession spark;
    private final ExecutorService threads;
    private final List<Future<?>> pending = new ArrayList<>();

    /** Writes for {@code spark}'s job: its session is the active one on their threads, as on the driver's. */
    SideWrites(SparkSession spark, String name) {
        this.spark = spark;
        threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts {@code work} on a thread of its own; its result (or failure) through the future. */
    <T> Future<T> submit(Callable<T> work) {
        Future<T> f = threads.submit(() -> {
            SparkSession.setActiveSession(spark); // Spark's code reads its settings through the active session
            try {
                return work.call();
            } finally {
                SparkSession.clearActiveSession();
            }
        });
        pending.add(f);
        return f;
    }

    /** Starts {@code write} on a thread of its own. */
    void start(Write write) {
        submit(() -> {
            write.run();
            return null;
        });
    }

    /** Waits for every write started; throws the first failure, the others suppressed in it. */
    void awaitAll() throws IOException {
        Throwable first = null;
        boolean interrupted = false;
        for (Future<?> f : pending) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the writes are short: wait them out, then say so
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause() == null ? e : e.getCause();
                    if (first == null) {
                        first = cause;
                    } else if (first != cause) {
                        first.addSuppressed(cause);
                    }
                    break;
                }
            }
        }
        pending.clear();
        if (interrupted) {
            Thread.currentThread().interrupt();
            if (first == null) { // stopped: what comes next (a commit) is not to start
                throw new java.io.InterruptedIOException("interrupted while the outputs were written");
            }
        }
        if (first instanceof IOException io) {
            throw io;
        }
        if (first instanceof RuntimeException r) {
            throw r;
        }
        if (first instanceof Error err) {
            throw err;
        }
        if (first != null) {
            throw new IOException(first);
        }
    }

    /** Waits for what is still running (see {@link #awaitAll}) and lets the threads go. */
    @Override
    public void close() throws IOException {
        try {
            awaitAll();
        } finally {
            threads.shutdown();
        }
    }
}
