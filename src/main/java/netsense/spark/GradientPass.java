package netsense.spark;

import java.util.Iterator;
import java.util.concurrent.atomic.AtomicBoolean;
import netsense.core.BlockKernel;
import netsense.core.GradientKernel;
import netsense.core.Network;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The job's pass over the input: each partition streams through the kernel in blocks of rows
 * ({@link GradientBlock}), in Spark's internal row form ({@link InternalRows}), and comes out
 * as the good rows of {@code gradients/}: {@code [carried..., output, gradient, grad_l1,
 * grad_l2, grad_linf]}. Bad rows are counted (or, under failfast, stop the job); what the
 * partition adds up goes to the accumulator when it is done.
 *
 * <p>Why the statistics are right under retries and speculation: the accumulator is updated
 * in the tasks of the write's own (result) stage, and Spark merges a result-stage task's
 * accumulator updates once, from the one successful attempt of each partition. A shuffle
 * before the write, or reading the accumulator of an earlier stage, would break that: a
 * recomputed map stage counts again (see TaskRetriesTest).
 */
final class GradientPass implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LogManager.getLogger(GradientPass.class);
    private static final AtomicBoolean LOGGED = new AtomicBoolean();

    /** What both passes compute: the output, what a bad row does, rows per block, the arithmetic, the method. */
    record Settings(int outputIndex, Mode mode, int blockRows, BlockKernel.Precision precision, MethodPlan method,
                    JobTally.Extras extras) implements java.io.Serializable {
        Settings(int outputIndex, Mode mode, int blockRows, BlockKernel.Precision precision) {
            this(outputIndex, mode, blockRows, precision, MethodPlan.gradient());
        }

        Settings(int outputIndex, Mode mode, int blockRows, BlockKernel.Precision precision, MethodPlan method) {
            this(outputIndex, mode, blockRows, precision, method, JobTally.Extras.NONE);
        }
    }

    private final Broadcast<Network> network;
    private final KernelFactory kernels;
    private final Settings settings;
    private final RowLayout layout;
    private final StructType output;
    private final TallyAccumulator tally;

    GradientPass(Broadcast<Network> network, KernelFactory kernels, Settings settings, RowLayout layout,
                 StructType output, TallyAccumulator tally) {
        this.network = network;
        this.kernels = kernels;
        this.settings = settings;
        this.layout = layout;
        this.output = output;
        this.tally = tally;
    }

    @Override
    public Iterator<InternalRow> call(Iterator<InternalRow> rows) {
        KernelWarmup.passStarted();
        if (LOGGED.compareAndSet(false, true)) {
            LOG.info("kernel in this JVM: {}", GradientKernel.backend());
        }
        return new Blocks(rows);
    }

    static int partitionId() {
        TaskContext task = TaskContext.get();
        return task == null ? -1 : task.partitionId();
    }

    private final class Blocks extends BlockedRows<InternalRow, InternalRow> {
        private final Network net = network.value();
        private final int n1 = net.inputWidth();
        private final int blockRows = settings.blockRows();
        private final int partition = partitionId();
        private final int outputs = settings.method().outputsPerRow(net.outputWidth());
        private final JobTally local = new JobTally(n1, outputs, settings.method().options().integrated(), partition,
                settings.extras());
        private final Object[] groupKeys = layout.hasGroup() ? new Object[blockRows] : null;
        private final boolean payloads = settings.extras().sampleRows() > 0 && layout.carried() > 0;
        private final GradientBlock engine;
        // carried columns of fixed width (an integral id, numbers) are kept as words and written
        // straight into the output row; others as a compact row of their own, joined to the results
        private final InternalRows.FixedCarried fixed = layout.carried() > 0
                && InternalRows.FixedCarried.supports(layout.types(layout.carried()))
                ? new InternalRows.FixedCarried(layout.types(layout.carried()), blockRows) : null;
        private final UnsafeProjection carried = InternalRows.prefixCopier(layout.types(layout.carried()));
        private final InternalRow[] kept = new InternalRow[blockRows];
        private final InternalRows.ResultRows out = new InternalRows.ResultRows(
                new StructType(java.util.Arrays.copyOfRange(output.fields(), 0, layout.carried())),
                new StructType(java.util.Arrays.copyOfRange(output.fields(), layout.carried(), output.size())), n1,
                outputs, fixed != null);
        private final int idOrdinal = layout.id();
        private final org.apache.spark.sql.types.DataType idType = layout.id() < 0 ? null
                : layout.schema().fields()[layout.id()].dataType();
        private boolean reported;
        private UTF8String file;
        private long fileRows;

        Blocks(Iterator<InternalRow> in) {
            super(in);
            engine = GradientBlock.forTask(kernels, net, settings);
        }

        @Override
        protected String describeBlocks() {
            return engine.describe();
        }

        @Override
        protected int nextBlock() {
            int read = 0;
            while (!engine.isFull() && in.hasNext()) {
                InternalRow row = in.next();
                read++;
                if (layout.files()) {
                    countFile(row.getUTF8String(layout.file()));
                }
                RowFault fault = engine.stage(row, layout.features(), layout.baseline(), idOrdinal, idType);
                if (fault != null) {
                    reject(row, fault);
                    continue;
                }
                if (fixed != null) {
                    fixed.read(row, engine.staged() - 1);
                } else if (layout.carried() > 0) {
                    kept[engine.staged() - 1] = carried.apply(row).copy(); // the input row is reused by Spark
                }
                if (groupKeys != null) {
                    groupKeys[engine.staged() - 1] = layout.groupKey(row);
                }
            }
            local.countInput(read);
            int filled = engine.staged();
            int good = engine.compute();
            for (int r = 0, g = 0; r < filled; r++) { // the good rows' carried values to the front
                RowFault fault = engine.fault(r);
                if (fault != null) {
                    reject(fixed != null ? fixed.row(r) : kept[r], fault);
                } else {
                    if (groupKeys != null) {
                        groupKeys[g] = groupKeys[r];
                    }
                    if (fixed != null) {
                        fixed.move(r, g);
                    }
                    kept[g++] = kept[r];
                }
            }
            java.util.function.IntFunction<byte[]> payload = !payloads ? null
                    : fixed != null ? r -> InternalRows.payloadOf(fixed.row(r)) : r -> InternalRows.payloadOf(kept[r]);
            local.addBlock(engine.outputs(), engine.vectors(), engine.norms(), engine.deltas(), engine.inputs(),
                    engine.keys(), groupKeys, payload, good);
            return good;
        }

        @Override
        protected InternalRow row(int i) {
            InternalRow row = fixed != null
                    ? out.build(fixed, i, engine.outputs(), i * outputs, engine.vectors(), i * outputs * n1, n1,
                            engine.norms(), 3 * i * outputs, engine.deltas(), i * outputs)
                    : out.build(kept[i], engine.outputs(), i * outputs, engine.vectors(), i * outputs * n1, n1,
                            engine.norms(), 3 * i * outputs, engine.deltas(), i * outputs);
            kept[i] = null;
            return row;
        }

        @Override
        protected void finished() {
            if (!reported) {
                reported = true;
                flushFile();
                local.countRecomputed(engine.rowsRecomputed());
                tally.add(local);
            }
        }

        /** @param row the input row, or the copy of its carried columns (where the id is) */
        private void reject(InternalRow row, RowFault fault) {
            if (settings.mode() == Mode.FAILFAST) {
                throw new BadRowException(layout.describe(row, partition), fault);
            }
            local.countRejected(fault.kind().label());
        }

        /** Rows per input file, counted as runs: a task reads its files one after the other. */
        private void countFile(UTF8String name) {
            if (!name.equals(file)) {
                flushFile();
                file = name.clone();
            }
            fileRows++;
        }

        private void flushFile() {
            if (file != null) {
                local.countFileRows(file.toString(), fileRows);
            }
            file = null;
            fileRows = 0;
        }
    }
}
