package netsense.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import netsense.core.Network;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.types.StructType;

/**
 * The second pass, run only when the first found bad rows under permissive mode: the bad rows
 * of {@code rejected/}, {@code [carried..., raw features..., error]}. Rows bad on their face are
 * judged by reading them; the kernel runs only when the first pass found rows whose result was
 * not finite, and then on the same blocks, so that both passes judge every row alike.
 */
final class RejectedPass implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
    private static final long serialVersionUID = 1L;

    private final Broadcast<Network> network;
    private final KernelFactory kernels;
    private final GradientPass.Settings settings;
    private final RowLayout layout;
    private final StructType output;
    private final boolean results;

    /** @param results whether to look for rows whose result is not finite (the kernel then runs) */
    RejectedPass(Broadcast<Network> network, KernelFactory kernels, GradientPass.Settings settings, RowLayout layout,
                 StructType output, boolean results) {
        this.network = network;
        this.kernels = kernels;
        this.settings = settings;
        this.layout = layout;
        this.output = output;
        this.results = results;
    }

    @Override
    public Iterator<InternalRow> call(Iterator<InternalRow> rows) {
        return new Blocks(rows);
    }

    private final class Blocks extends BlockedRows<InternalRow, InternalRow> {
        private final int n1 = network.value().inputWidth();
        private final int blockRows = settings.blockRows();
        private final GradientBlock engine;
        private final int kept = layout.carried() + layout.raw();
        private final UnsafeProjection copier = InternalRows.prefixCopier(layout.types(kept));
        private final InternalRow[] staged = new InternalRow[blockRows];
        private final List<InternalRow> bad = new ArrayList<>();
        private final List<RowFault> faults = new ArrayList<>();
        private final InternalRows.RowBuilder out = new InternalRows.RowBuilder(output);
        private final int idOrdinal = layout.id();
        private final org.apache.spark.sql.types.DataType idType = layout.id() < 0 ? null
                : layout.schema().fields()[layout.id()].dataType();

        Blocks(Iterator<InternalRow> in) {
            super(in);
            engine = GradientBlock.forTask(kernels, network.value(), settings);
        }

        @Override
        protected String describeBlocks() {
            return engine.describe();
        }

        @Override
        protected int nextBlock() {
            bad.clear();
            faults.clear();
            // the same blocks as the gradient pass (a block is full of rows good on their face), so
            // that the kernel judges every row as it did there
            while (!engine.isFull() && in.hasNext()) {
                InternalRow row = in.next();
                RowFault fault = engine.stage(row, layout.features(), layout.baseline(), idOrdinal, idType);
                if (fault != null) {
                    bad.add(copier.apply(row).copy());
                    faults.add(fault);
                } else if (results) {
                    staged[engine.staged() - 1] = copier.apply(row).copy();
                }
            }
            if (!results) {
                engine.discard();
                return bad.size();
            }
            int filled = engine.staged();
            engine.compute();
            for (int r = 0; r < filled; r++) {
                RowFault fault = engine.fault(r);
                if (fault != null) {
                    bad.add(staged[r]);
                    faults.add(fault);
                }
                staged[r] = null;
            }
            return bad.size();
        }

        @Override
        protected InternalRow row(int i) {
            for (int c = 0; c < kept; c++) {
                out.copy(c, bad.get(i), c);
            }
            out.setString(kept, faults.get(i).reason());
            return out.build();
        }
    }
}
