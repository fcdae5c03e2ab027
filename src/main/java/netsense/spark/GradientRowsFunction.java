package netsense.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
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

    private final class Blocks implements Iterator<Row> {
        private final Iterator<Row> in;
        private final Network net = network.value();
        private final int n1 = net.inputWidth();
        private final BlockKernel kernel = BlockKernel.create(net, outputIndex, blockRows, precision);
        private final JobTally local = new JobTally(n1);
        private final Row[] block = new Row[blockRows];
        private final double[] x = new double[blockRows * n1];
        private final double[] outputs = new double[blockRows];
        private final double[] gradients = new double[blockRows * n1];
        private final double[] norms = new double[blockRows * 3];
        private final List<Row> ready = new ArrayList<>(blockRows);
        private int cursor;
        private boolean reported;

        Blocks(Iterator<Row> in) {
            this.in = in;
        }

        @Override
        public boolean hasNext() {
            while (cursor == ready.size()) {
                ready.clear();
                cursor = 0;
                if (!in.hasNext()) {
                    report();
                    return false;
                }
                nextBlock();
            }
            return true;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.get(cursor++);
        }

        private void nextBlock() {
            int filled = 0;
            int read = 0;
            while (filled < blockRows && in.hasNext()) {
                Row row = in.next();
                read++;
                String fault = FeatureRows.read(row.get(carried + rawColumns), x, filled * n1, n1);
                if (fault != null) {
                    reject(row, fault);
                } else {
                    block[filled++] = row;
                }
            }
            local.countInput(read);
            if (copyOnly) {
                System.arraycopy(x, 0, gradients, 0, filled * n1);
                java.util.Arrays.fill(outputs, 0, filled, 0.5);
            } else {
                kernel.compute(x, 0, filled, outputs, 0, gradients, 0);
            }
            // drop rows whose result is not finite, keeping the good ones contiguous
            int good = 0;
            for (int r = 0; r < filled; r++) {
                String fault = FeatureRows.checkResult(outputs[r], gradients, r * n1, n1);
                if (fault != null) {
                    reject(block[r], fault);
                    continue;
                }
                if (good != r) {
                    block[good] = block[r];
                    outputs[good] = outputs[r];
                    System.arraycopy(gradients, r * n1, gradients, good * n1, n1);
                }
                good++;
            }
            if (emit == Emit.GRADIENTS) {
                local.summary().addBlock(outputs, 0, gradients, 0, good, norms);
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
            values[carried] = outputs[r];
            values[carried + 1] = java.util.Arrays.copyOfRange(gradients, r * n1, (r + 1) * n1);
            values[carried + 2] = norms[3 * r];
            values[carried + 3] = norms[3 * r + 1];
            values[carried + 4] = norms[3 * r + 2];
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

        /**
         * Hands the partition's tally to the accumulator once its rows are all out. Correct only
         * because this runs inside the write's result stage (see GradientJob): the update
         * travels with the task's result and is dropped if the attempt fails afterwards.
         */
        private void report() {
            if (!reported && tally != null) {
                reported = true;
                tally.add(local);
            }
        }
    }
}
