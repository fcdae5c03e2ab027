package netsense.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import netsense.core.BlockKernel;
import netsense.core.Network;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * {@link InputGradients}' work on one partition: rows {@code [the input's columns..., features
 * as array<double>]} stream through a {@link GradientBlock}, and every row comes out, in its
 * order, as {@code [the input's columns..., output, gradient, grad_l1, grad_l2, grad_linf,
 * error]}: the figures and a null error when the row is good, nulls and the reason when not.
 */
final class InputGradientsFunction implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    private final Broadcast<Network> network;
    private final int outputIndex;
    private final int blockRows;
    private final BlockKernel.Precision precision;
    private final int columns;

    /** @param columns how many of the input's columns come before the features */
    InputGradientsFunction(Broadcast<Network> network, int outputIndex, int blockRows, BlockKernel.Precision precision,
                           int columns) {
        this.network = network;
        this.outputIndex = outputIndex;
        this.blockRows = blockRows;
        this.precision = precision;
        this.columns = columns;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        return new Blocks(rows);
    }

    private final class Blocks extends BlockedRows<Row, Row> {
        private final GradientBlock block = GradientBlock.of(network.value(), outputIndex, blockRows, precision);
        private final List<Row> pending = new ArrayList<>(blockRows);
        private final List<RowFault> faults = new ArrayList<>(blockRows); // a row's fault, null when good
        private int[] goodIndex = new int[blockRows]; // grows when bad rows come between the good ones

        Blocks(Iterator<Row> in) {
            super(in);
        }

        @Override
        protected String describeBlocks() {
            return "blocks of " + blockRows + " rows × " + network.value().inputWidth() + " features";
        }

        @Override
        protected int nextBlock() {
            pending.clear();
            faults.clear();
            while (!block.isFull() && in.hasNext()) { // blocks as the job's, so that figures agree to the bit
                Row row = in.next();
                pending.add(row);
                faults.add(block.stage(row.get(columns)));
            }
            block.compute();
            if (goodIndex.length < pending.size()) {
                goodIndex = new int[pending.size()];
            }
            int staged = 0;
            int good = 0;
            for (int p = 0; p < pending.size(); p++) {
                if (faults.get(p) == null) {
                    RowFault result = block.fault(staged++);
                    faults.set(p, result);
                    if (result == null) {
                        goodIndex[p] = good++;
                    }
                }
            }
            return pending.size();
        }

        @Override
        protected Row row(int p) {
            Row source = pending.get(p);
            Object[] values = new Object[columns + 6];
            for (int c = 0; c < columns; c++) {
                values[c] = source.get(c);
            }
            RowFault fault = faults.get(p);
            if (fault == null) {
                block.putResult(goodIndex[p], values, columns);
            } else {
                values[columns + 5] = fault.reason();
            }
            return RowFactory.create(values);
        }
    }
}
