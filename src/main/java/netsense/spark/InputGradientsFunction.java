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

    private final class Blocks extends BlockedRows {
        private final GradientBlock block = GradientBlock.of(network.value(), outputIndex, blockRows, precision);
        private final List<Row> pending = new ArrayList<>(blockRows);
        private final List<String> faults = new ArrayList<>(blockRows); // a row's features' fault, null if staged

        Blocks(Iterator<Row> in) {
            super(in, blockRows);
        }

        @Override
        protected String describeBlocks() {
            return "blocks of " + blockRows + " rows × " + network.value().inputWidth() + " features";
        }

        @Override
        protected void nextBlock() {
            pending.clear();
            faults.clear();
            while (!block.isFull() && in.hasNext()) {
                Row row = in.next();
                pending.add(row);
                faults.add(block.stage(row.get(columns)));
            }
            block.compute();
            int staged = 0;
            int good = 0;
            for (int p = 0; p < pending.size(); p++) {
                String fault = faults.get(p);
                if (fault == null) {
                    fault = block.fault(staged++);
                }
                ready.add(fault == null ? goodRow(pending.get(p), good++) : badRow(pending.get(p), fault));
            }
        }

        private Row goodRow(Row source, int g) {
            Object[] values = values(source);
            block.putResult(g, values, columns);
            return RowFactory.create(values);
        }

        private Row badRow(Row source, String fault) {
            Object[] values = values(source);
            values[columns + 5] = fault;
            return RowFactory.create(values);
        }

        private Object[] values(Row source) {
            Object[] values = new Object[columns + 6];
            for (int c = 0; c < columns; c++) {
                values[c] = source.get(c);
            }
            return values;
        }
    }
}
