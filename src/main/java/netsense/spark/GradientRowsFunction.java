package netsense.spark;

import java.util.Iterator;
import netsense.core.BlockKernel;
import netsense.core.GradientKernel;
import netsense.core.Network;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Streams a partition through the gradient kernel in blocks of rows, never holding more than
 * one block. Input rows are laid out as {@code [carried columns..., raw feature columns...,
 * features as array<double>]}.
 *
 * <p>Emits either the gradient rows ({@code [carried..., output, gradient, grad_l1, grad_l2,
 * grad_linf]}), adding the partition's {@link JobTally} to the accumulator when the partition
 * is done, or — for the pass that writes {@code rejected/} — the bad rows
 * ({@code [carried..., raw features..., error]}). Both passes judge rows by the same code, so
 * they agree on which rows are bad.
 */
public final class GradientRowsFunction implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    /** What the function emits. */
    public enum Emit { GRADIENTS, REJECTED }

    private final Broadcast<Network> network;
    private final int outputIndex;
    private final Mode mode;
    private final Emit emit;
    private final int blockRows;
    private final int carried;
    private final int rawColumns;
    private final int idIndex;
    private final String idName;
    private final TallyAccumulator tally;
    private long blockDelayMillis;
    private boolean copyOnly;
    private int fileColumn = -1;
    private BlockKernel.Precision precision = BlockKernel.Precision.FLOAT64;

    /**
     * @param idIndex the id's position among the carried columns, or −1
     * @param tally   where the gradient pass reports; null for the rejected pass
     */
    public GradientRowsFunction(Broadcast<Network> network, int outputIndex, Mode mode, Emit emit, int blockRows,
                                int carried, int rawColumns, int idIndex, String idName, TallyAccumulator tally) {
        this.network = network;
        this.outputIndex = outputIndex;
        this.mode = mode;
        this.emit = emit;
        this.blockRows = blockRows;
        this.carried = carried;
        this.rawColumns = rawColumns;
        this.idIndex = idIndex;
        this.idName = idName;
        this.tally = tally;
    }

    /** Test-only: a pause after each block, so that fault tests can act while tasks run. */
    GradientRowsFunction withBlockDelay(long millis) {
        this.blockDelayMillis = millis;
        return this;
    }

    /**
     * Counts the rows read from each input file (for {@code --ignore-corrupt-files}): the input
     * rows carry the file's name in this column, after the features.
     */
    GradientRowsFunction countingFiles(int column) {
        this.fileColumn = column;
        return this;
    }

    /** The kernel's arithmetic: float64 (the default) or float32. */
    GradientRowsFunction withPrecision(BlockKernel.Precision p) {
        this.precision = p;
        return this;
    }

    /**
     * Benchmark-only: the same reading, checking, statistics and writing, with the features
     * copied where the gradients would be and no gradient math (the "copy job" of jobs/bench).
     */
    GradientRowsFunction copyOnly(boolean copy) {
        this.copyOnly = copy;
        return this;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        if (LOGGED.compareAndSet(false, true)) {
            LOG.info("kernel in this JVM: {}", GradientKernel.backend());
        }
        return new Blocks(rows);
    }

    private static final org.apache.logging.log4j.Logger LOG =
            org.apache.logging.log4j.LogManager.getLogger(GradientRowsFunction.class);
    private static final java.util.concurrent.atomic.AtomicBoolean LOGGED = new java.util.concurrent.atomic.AtomicBoolean();

    /** The task's partition, by which the driver orders the merge of the statistics; −1 outside a task. */
    private static int partitionId() {
        TaskContext task = TaskContext.get();
        return task == null ? -1 : task.partitionId();
    }

    private final class Blocks extends BlockedRows {
        private final Network net = network.value();
        private final int n1 = net.inputWidth();
        private final GradientBlock engine;
        private final JobTally local = new JobTally(n1, partitionId());
        private final Row[] block = new Row[blockRows];
        private boolean reported;
        private String file;
        private long fileRows;

        Blocks(Iterator<Row> in) {
            super(in, blockRows);
            // an OutOfMemoryError escaping a task ends a local-mode JVM (exit 52): turn it into a task failure
            // that names the settings to raise
            try {
                engine = copyOnly ? new GradientBlock(new CopyKernel(n1, blockRows), n1, blockRows)
                        : GradientBlock.of(net, outputIndex, blockRows, precision);
            } catch (OutOfMemoryError e) {
                throw new Failures.NotEnoughMemoryException("allocating a block of " + blockRows + " rows × " + n1
                        + " features", e);
            }
        }

        @Override
        protected String describeBlocks() {
            return "blocks of " + blockRows + " rows × " + n1 + " features";
        }

        @Override
        protected void finished() {
            report();
        }

        @Override
        protected void nextBlock() {
            int read = 0;
            while (!engine.isFull() && in.hasNext()) {
                Row row = in.next();
                read++;
                if (fileColumn >= 0) {
                    countFile(row.getString(fileColumn));
                }
                String fault = engine.stage(row.get(carried + rawColumns));
                if (fault != null) {
                    reject(row, fault);
                } else {
                    block[engine.staged() - 1] = row;
                }
            }
            local.countInput(read);
            int filled = engine.staged();
            int good = engine.compute();
            for (int r = 0, g = 0; r < filled; r++) { // the good rows' Rows to the front, as the block did
                if (engine.fault(r) != null) {
                    reject(block[r], engine.fault(r));
                } else {
                    block[g++] = block[r];
                }
            }
            if (emit == Emit.GRADIENTS) {
                local.summary().addBlockWithNorms(engine.outputs(), 0, engine.gradients(), 0, good, engine.norms());
                for (int r = 0; r < good; r++) {
                    ready.add(gradientRow(block[r], r));
                }
            }
            java.util.Arrays.fill(block, 0, filled, null);
            if (blockDelayMillis > 0) {
                try {
                    Thread.sleep(blockDelayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
        }

        private Row gradientRow(Row source, int r) {
            Object[] values = new Object[carried + 5];
            for (int c = 0; c < carried; c++) {
                values[c] = source.get(c);
            }
            engine.putResult(r, values, carried);
            return RowFactory.create(values);
        }

        private void reject(Row row, String fault) {
            if (mode == Mode.FAILFAST) {
                throw new BadRowException("bad row " + describe(row) + ": " + fault);
            }
            local.countRejected(FeatureRows.kind(fault));
            if (emit == Emit.REJECTED) {
                Object[] values = new Object[carried + rawColumns + 1];
                for (int c = 0; c < carried + rawColumns; c++) {
                    values[c] = row.get(c);
                }
                values[carried + rawColumns] = fault;
                ready.add(RowFactory.create(values));
            }
        }

        private String describe(Row row) {
            if (idIndex >= 0) {
                return idName + "=" + row.get(idIndex);
            }
            TaskContext task = TaskContext.get();
            return "in partition " + (task == null ? "?" : String.valueOf(task.partitionId()));
        }

        /** Rows per input file, counted as runs: a task reads its files one after the other. */
        private void countFile(String name) {
            if (!name.equals(file)) {
                flushFile();
                file = name;
            }
            fileRows++;
        }

        private void flushFile() {
            if (file != null) {
                local.countFileRows(file, fileRows);
            }
            file = null;
            fileRows = 0;
        }

        private void report() {
            if (!reported && tally != null) {
                reported = true;
                flushFile();
                local.countRecomputed(engine.rowsRecomputed());
                tally.add(local);
            }
        }
    }

    /** The copy job's "kernel": the features where the gradients go, 0.5 as the output, no gradient math. */
    private static final class CopyKernel implements BlockKernel {
        private final int width;
        private final int maxRows;

        CopyKernel(int width, int maxRows) {
            this.width = width;
            this.maxRows = maxRows;
        }

        @Override
        public void compute(double[] x, int xOff, int rows, double[] outputs, int outOff, double[] gradients,
                            int gradOff) {
            System.arraycopy(x, xOff, gradients, gradOff, rows * width);
            java.util.Arrays.fill(outputs, outOff, outOff + rows, 0.5);
        }

        @Override
        public int maxRows() {
            return maxRows;
        }
    }
}
