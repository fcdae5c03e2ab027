package netsense.spark;

import netsense.core.BlockKernel;
import netsense.core.Network;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.execution.vectorized.OnHeapColumnVector;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * Runs the pass's work on a block — the kernel of the job's network, the results' checks and
 * norms, the statistics — on made-up rows on a background thread while the driver plans, so
 * that in local mode — where the driver's JVM is the executor — the JIT has compiled the vector
 * loops before the first task needs them. Until C2 compiles them the Vector API's operations run
 * as Java objects, hundreds of times slower: in a fresh JVM the first seconds of a pass went to
 * that (README, "Performance").
 *
 * <p>The blocks take the paths a task's blocks take, so that what C2 compiles here is what the
 * tasks run, not code a task throws away on its first block (a deoptimisation, and the method
 * back in the interpreter until compiled again): rows in both forms a task reads (Spark's compact
 * rows, and the positions of the scan's column batches), with and without an id column, blocks
 * of the job's size and short ones ({@value #SHORT_ROWS} rows, the most of them: cheap while the
 * code is still interpreted, and as a partition's last block is). It stops when blocks stop
 * getting faster (so that it does not take a core from the planning for nothing), when the
 * first task of a pass starts in this JVM, or when closed; a failure here only means no warm-up.
 */
final class KernelWarmup implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(KernelWarmup.class);
    /** Long enough for C2 to compile the loops of a small network; a task or the job stops it sooner. */
    static final long MAX_NANOS = 4_000_000_000L;
    /** Once compiled, the warm-up stops after two such windows in which no row ran 10 % faster. */
    private static final long WINDOW_NANOS = 200_000_000L;
    /** Compiled, a row runs at least this many times faster than in the first, uncompiled block. */
    private static final int COMPILED_SPEEDUP = 50;
    /** Short blocks: enough rows for the products' register tiles (4 vectors of 8 doubles). */
    static final int SHORT_ROWS = 32;
    /** Of every this many blocks, one is of the job's size. */
    private static final int FULL_EVERY = 4;

    /**
     * Counts the pass tasks started in this JVM: a warm-up stops once it changes, whichever job's
     * task it was (from then on tasks take the cores). A count, not a flag a new warm-up would
     * clear: jobs may run side by side in one JVM.
     */
    private static final java.util.concurrent.atomic.AtomicLong PASS_TASKS = new java.util.concurrent.atomic.AtomicLong();

    /** Why a warm-up ended. */
    enum End { RUNNING, COMPILED, PASS_STARTED, CLOSED, TIME, FAILED }

    private final Thread thread;
    private final long tasksAtStart = PASS_TASKS.get();
    private volatile boolean stop;
    private volatile long blocksRun;
    private volatile End end = End.RUNNING;

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

    /** A pass's task has started in this JVM: a warm-up running here stops. */
    static void passStarted() {
        PASS_TASKS.incrementAndGet();
    }

    private void run(Network net, BlockKernel.Precision precision, int rows, JobTally.Extras extras) {
        try {
            int n1 = net.inputWidth();
            GradientBlock block = GradientBlock.of(net, 0, rows, precision, MethodPlan.gradient());
            Rows made = new Rows(n1, rows);
            int shortRows = Math.min(SHORT_ROWS, rows);
            long start = System.nanoTime();
            long windowStart = start;
            double best = Double.MAX_VALUE;
            double first = -1;
            double windowBest = Double.MAX_VALUE;
            int idle = 0;
            long blocks = 0;
            JobTally tally = null;
            // the statistics and sample of every run; not the bootstrap's replicates or the groups,
            // which can hold hundreds of megabytes and would only be thrown away
            JobTally.Extras light = new JobTally.Extras(0, extras.seed(), false, extras.maxGroups(), extras.sampleRows());
            End why = End.TIME;
            while (System.nanoTime() - start < MAX_NANOS) {
                if (stop) {
                    why = End.CLOSED;
                    break;
                }
                if (PASS_TASKS.get() != tasksAtStart) {
                    why = End.PASS_STARTED;
                    break;
                }
                if (blocks % 1024 == 0) {
                    tally = new JobTally(n1, 1, false, -1, light); // bounded: a fresh sample now and then
                }
                // short blocks until compiled (cheap to interpret); then full ones too, whose paths C2
                // then compiles again here rather than in a task
                boolean compiled = best < first / COMPILED_SPEEDUP;
                int size = compiled && blocks % FULL_EVERY == FULL_EVERY - 1 ? rows : shortRows;
                boolean columnar = blocks / FULL_EVERY % 2 == 0;
                boolean withId = blocks % 2 == 0;
                long t = System.nanoTime();
                for (int r = 0; r < size; r++) {
                    InternalRow row = columnar ? made.batch.getRow(r) : made.compact[r];
                    block.stage(row, 0, -1, withId ? 1 : -1, withId ? DataTypes.LongType : null);
                }
                int good = block.compute();
                tally.addBlock(block.outputs(), block.vectors(), block.norms(), block.deltas(), block.inputs(),
                        block.keys(), null, null, good);
                double perRow = (double) (System.nanoTime() - t) / size;
                blocksRun = blocks + 1;
                first = first < 0 ? perRow : first;
                windowBest = Math.min(windowBest, perRow);
                blocks++;
                if (t - windowStart > WINDOW_NANOS) { // stop once compiled code runs and gets no faster
                    idle = windowBest > 0.9 * best && best < first / COMPILED_SPEEDUP ? idle + 1 : 0;
                    best = Math.min(best, windowBest);
                    windowBest = Double.MAX_VALUE;
                    windowStart = t;
                    if (idle >= 2) {
                        why = End.COMPILED;
                        break;
                    }
                }
            }
            made.batch.close();
            end = why;
            LOG.debug("warm-up: {} blocks in {} ms, ended: {}", blocks, (System.nanoTime() - start) / 1_000_000, why);
        } catch (RuntimeException | Error e) { // no warm-up, no harm
            end = End.FAILED;
            LOG.debug("warm-up stopped: {}", e.toString());
        }
    }

    /** Why it ended, or RUNNING. */
    End end() {
        return end;
    }

    /**
     * Made-up rows of [features array&lt;double&gt;, id long] as a task reads them: Spark's compact
     * rows, and a column batch like the Parquet scan's; features of a spread of values, so that
     * every branch of the activations runs.
     */
    private static final class Rows {
        final InternalRow[] compact;
        final ColumnarBatch batch;

        Rows(int n1, int rows) {
            DataType features = DataTypes.createArrayType(DataTypes.DoubleType, false);
            UnsafeProjection toCompact = UnsafeProjection.create(new DataType[] {features, DataTypes.LongType});
            OnHeapColumnVector arrays = new OnHeapColumnVector(rows, features);
            OnHeapColumnVector ids = new OnHeapColumnVector(rows, DataTypes.LongType);
            compact = new InternalRow[rows];
            for (int r = 0; r < rows; r++) {
                double[] x = new double[n1];
                for (int j = 0; j < n1; j++) {
                    x[j] = Math.sin(r * n1 + j) * 2;
                }
                compact[r] = toCompact.apply(new GenericInternalRow(new Object[] {
                    UnsafeArrayData.fromPrimitiveArray(x), (long) r})).copy();
                arrays.putArray(r, r * n1, n1);
                arrays.arrayData().appendDoubles(n1, x, 0);
                ids.putLong(r, r);
            }
            batch = new ColumnarBatch(new ColumnVector[] {arrays, ids}, rows);
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
