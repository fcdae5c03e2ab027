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
 * order, as {@code [the input's columns..., output, vector, its three norms, (delta), error]}:
 * the figures and a null error when the row is good, nulls and the reason when not.
 */
final class InputGradientsFunction implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    private final Broadcast<Network> network;
    private final int outputIndex;
    private final int blockRows;
    private final BlockKernel.Precision precision;
    private final int columns;
    private final MethodPlan method;
    private final int idColumn;
    private final int results;

    /**
     * @param columns  how many of the input's columns come before the features (and the
     *                 baseline after them, when the method reads one)
     * @param idColumn the column keying the method's noise, or −1 (a hash of the features)
     */
    InputGradientsFunction(Broadcast<Network> network, int outputIndex, int blockRows, BlockKernel.Precision precision,
                           int columns, MethodPlan method, int idColumn) {
        this.network = network;
        this.outputIndex = outputIndex;
        this.blockRows = blockRows;
        this.precision = precision;
        this.columns = columns;
        this.method = method;
        this.idColumn = idColumn;
        this.results = method.options().integrated() ? 6 : 5;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        return new Blocks(rows);
    }

    private final class Blocks extends BlockedRows<Row, Row> {
        private final GradientBlock block = GradientBlock.of(network.value(), outputIndex, blockRows, precision, method);
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
                faults.add(block.stage(row.get(columns), method.baselineColumn() ? row.get(columns + 1) : null,
                        idColumn < 0 ? null : row.get(idColumn)));
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
            Object[] values = new Object[columns + results + 1];
            for (int c = 0; c < columns; c++) {
                values[c] = source.get(c);
            }
            RowFault fault = faults.get(p);
            if (fault == null) {
                block.putResult(goodIndex[p], values, columns);
            } else {
                values[columns + results] = fault.reason();
            }
            return RowFactory.create(values);
        }
    }
}
