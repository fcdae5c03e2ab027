package netsense.spark;

import netsense.core.BlockKernel;
import netsense.core.Network;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Runs the pass's work on a block — the kernel of the job's network, the results' checks and
 * norms, the statistics — on made-up rows on a background thread while the driver plans, so
 * that in local mode — where the driver's JVM is the executor — the JIT has compiled the vector
 * loops before the first task needs them. Until C2 compiles them the Vector API's operations run
 * as Java objects, hundreds of times slower: in a fresh JVM the first seconds of a pass went to
 * that (README, "Performance"). It stops when the blocks stop getting faster (so that it does not
 * take a core from the planning for nothing) or when the pass starts; a failure here only means
 * no warm-up.
 */
final class KernelWarmup implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(KernelWarmup.class);
    /** Long enough for C2 to compile the loops of a small network; the pass stops it sooner. */
    static final long MAX_NANOS = 4_000_000_000L;
    /** Once compiled, the warm-up stops after two such windows in which no block ran 10 % faster. */
    private static final long WINDOW_NANOS = 200_000_000L;
    /** Compiled, a block runs at least this many times faster than the first, uncompiled one. */
    private static final int COMPILED_SPEEDUP = 10;

    private final Thread thread;
    private volatile boolean stop;
    private volatile long blocksRun;

    private KernelWarmup(Network net, BlockKernel.Precision precision, int rows, JobTally.Extras extras) {
        thread = new Thread(() -> run(net, precision, rows, extras), "netsense kernel warm-up");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
    }

    /** Starts warming up the kernel of {@code net} in this JVM, in local mode only; null otherwise. */
    static KernelWarmup startIfLocal(String master, Network net, BlockKernel.Precision precision, int blockRows,
                                     JobTally.Extras extras) {
        if (!(master.equals("local") || master.startsWith("local["))) {
            return null;
        }
        KernelWarmup w = new KernelWarmup(net, precision, blockRows, extras);
        w.thread.start();
        return w;
    }

    private void run(Network net, BlockKernel.Precision precision, int rows, JobTally.Extras extras) {
        try {
            int n1 = net.inputWidth();
            // The pass's own path for a block: the kernel, the results' checks and norms, the statistics.
            GradientBlock block = GradientBlock.of(net, 0, rows, precision, MethodPlan.gradient());
            org.apache.spark.sql.catalyst.InternalRow[] in = new org.apache.spark.sql.catalyst.InternalRow[rows];
            for (int r = 0; r < rows; r++) {
                double[] x = new double[n1];
                for (int j = 0; j < n1; j++) {
                    x[j] = Math.sin(r * n1 + j) * 2; // a spread of values: every branch of the activations
                }
                in[r] = new org.apache.spark.sql.catalyst.expressions.GenericInternalRow(new Object[] {
                    org.apache.spark.sql.catalyst.expressions.UnsafeArrayData.fromPrimitiveArray(x)});
            }
            long start = System.nanoTime();
            long windowStart = start;
            long best = Long.MAX_VALUE;
            long first = -1;
            long windowBest = Long.MAX_VALUE;
            int idle = 0;
            long blocks = 0;
            JobTally tally = null;
            // the statistics and sample of every run; not the bootstrap's replicates or the groups,
            // which can hold hundreds of megabytes and would only be thrown away
            JobTally.Extras light = new JobTally.Extras(0, extras.seed(), false, extras.maxGroups(), extras.sampleRows());
            while (!stop && System.nanoTime() - start < MAX_NANOS) {
                if (blocks % 1024 == 0) {
                    tally = new JobTally(n1, 1, false, -1, light); // bounded: a fresh sample now and then
                }
                long t = System.nanoTime();
                for (org.apache.spark.sql.catalyst.InternalRow row : in) {
                    block.stage(row, 0);
                }
                int good = block.compute();
                tally.addBlock(block.outputs(), block.vectors(), block.norms(), block.deltas(), block.inputs(),
                        block.keys(), null, null, good);
                long took = System.nanoTime() - t;
                blocksRun = blocks + 1;
                first = first < 0 ? took : first;
                windowBest = Math.min(windowBest, took);
                blocks++;
                if (t - windowStart > WINDOW_NANOS) { // stop once compiled code runs and gets no faster
                    idle = windowBest > 0.9 * best && best < first / COMPILED_SPEEDUP ? idle + 1 : 0;
                    best = Math.min(best, windowBest);
                    windowBest = Long.MAX_VALUE;
                    windowStart = t;
                    if (idle >= 2) {
                        break;
                    }
                }
            }
            LOG.debug("warm-up: {} blocks in {} ms", blocks, (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException | Error e) { // no warm-up, no harm
            LOG.debug("warm-up stopped: {}", e.toString());
        }
    }

    /** Blocks run so far. */
    long blocks() {
        return blocksRun;
    }

    /** Waits up to {@code millis} for the warm-up to end; whether it has. */
    boolean awaitEnd(long millis) throws InterruptedException {
        thread.join(millis);
        return !thread.isAlive();
    }

    @Override
    public void close() {
        stop = true;
    }
}
