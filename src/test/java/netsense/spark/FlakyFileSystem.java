package netsense.spark;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;
import org.apache.spark.TaskContext;

/**
 * Test-only: the local file system under the scheme {@code flaky:} ({@code flaky:///tmp/x} is
 * {@code /tmp/x}), which makes a task's FIRST attempt fail or dawdle when it closes an output
 * file — after every row of its partition has gone through the job's function and the
 * partition's statistics have been handed to the accumulator. Later attempts, and everything
 * outside tasks (the driver's listing, commit and renames), behave as the local file system.
 *
 * <p>Settings, from the Hadoop configuration ({@code spark.hadoop.}<i>key</i> in Spark):
 * <pre>
 *   fs.flaky.impl               netsense.spark.FlakyFileSystem
 *   fs.flaky.impl.disable.cache true (the settings are read once per instance)
 *   flaky.path                  act only on files whose path contains this (e.g. "/gradients/")
 *   flaky.fail.modulo           k: attempt 0 of partition p fails when p % k == 0 (0: never)
 *   flaky.sleep.modulo          k: attempt 0 of partition p sleeps first when p % k == 0 (0: never)
 *   flaky.sleep.millis          how long (interrupting the task, as a kill does, ends the sleep)
 * </pre>
 * Only files named {@code part-*} (the data files a write task produces) are affected.
 */
public final class FlakyFileSystem extends RawLocalFileSystem {
    public static final String SCHEME = "flaky";
    private static final URI ROOT = URI.create(SCHEME + ":///");

    private String path = "";
    private int failModulo;
    private int sleepModulo;
    private long sleepMillis;

    /** {@code flaky://} + the absolute local path. */
    public static String uri(java.nio.file.Path local) {
        return SCHEME + "://" + local.toAbsolutePath();
    }

    @Override
    public void initialize(URI name, Configuration conf) throws IOException {
        super.initialize(name, conf);
        path = conf.get("flaky.path", "");
        failModulo = conf.getInt("flaky.fail.modulo", 0);
        sleepModulo = conf.getInt("flaky.sleep.modulo", 0);
        sleepMillis = conf.getLong("flaky.sleep.millis", 0);
    }

    @Override
    public URI getUri() {
        return ROOT;
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
                                     short replication, long blockSize, Progressable progress) throws IOException {
        return flaky(f, super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress));
    }

    @Override
    public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize,
                                     Progressable progress) throws IOException {
        return flaky(f, super.create(f, overwrite, bufferSize, replication, blockSize, progress));
    }

    private FSDataOutputStream flaky(Path f, FSDataOutputStream out) {
        TaskContext task = TaskContext.get();
        if (out.getWrappedStream() instanceof Faulty || task == null || task.attemptNumber() != 0
                || !f.getName().startsWith("part-") || !f.toUri().getPath().contains(path)) {
            return out;
        }
        int p = task.partitionId();
        boolean fail = failModulo > 0 && p % failModulo == 0;
        boolean sleep = sleepModulo > 0 && p % sleepModulo == 0 && sleepMillis > 0;
        if (!fail && !sleep) {
            return out;
        }
        return new FSDataOutputStream(new Faulty(out, f, p, fail, sleep), statistics);
    }

    /** An output stream that fails or dawdles when closed. */
    private final class Faulty extends FilterOutputStream {
        private final Path f;
        private final int p;
        private final boolean fail;
        private final boolean sleep;

        Faulty(OutputStream out, Path f, int p, boolean fail, boolean sleep) {
            super(out);
            this.f = f;
            this.p = p;
            this.fail = fail;
            this.sleep = sleep;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            if (sleep) {
                try {
                    Thread.sleep(sleepMillis);
                } catch (InterruptedException e) {
                    out.close();
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("flaky: interrupted while slowing " + f);
                }
            }
            out.close();
            if (fail) {
                throw new IOException("flaky: injected failure of the first attempt of partition " + p
                        + " on closing " + f.getName());
            }
        }
    }
}
