package netsense.spark;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import netsense.core.LocalGradients;
import netsense.core.Loss;
import netsense.io.InvalidSetupException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import scala.Tuple2;

/**
 * A training set read from Parquet into blocks of rows ({@link ClusterGradients.Block}): the
 * features as doubles and the label as the loss wants it, every row checked. Training has no
 * rejected rows: a row it cannot use (null, NaN or infinite numbers, a wrong width, a class
 * index that is not one) is a wrong input, named by its place in the input.
 */
final class TrainingRows {
    private TrainingRows() {}

    /** A row training cannot use; thrown in a task, found by the driver among the causes. */
    static final class BadTrainingRow extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadTrainingRow(long index, String what) {
            super("input row " + index + " (0-based, in the input's order): " + what);
        }

        static BadTrainingRow findIn(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof BadTrainingRow b) {
                    return b;
                }
            }
            return null;
        }
    }

    /**
     * The label column as an expression: {@code array<double>} of nL entries for mse (a numeric
     * column is taken as one entry), a double holding the class index for cross-entropy.
     *
     * @throws InvalidSetupException naming the column and its type when it does not fit
     */
    static Column label(Dataset<Row> input, String name, Loss loss, int outputs) {
        StructField f = null;
        for (StructField s : input.schema().fields()) {
            if (s.name().equalsIgnoreCase(name)) {
                f = s;
            }
        }
        if (f == null) {
            throw new InvalidSetupException("the input has no label column \"" + name + "\" (its columns: "
                    + String.join(", ", input.schema().fieldNames()) + ")");
        }
        DataType t = f.dataType();
        Column c = col(FeatureSource.quote(f.name()));
        if (loss == Loss.CROSS_ENTROPY) {
            if (t instanceof NumericType) {
                return c.cast(DataTypes.DoubleType);
            }
            throw new InvalidSetupException("label column \"" + name + "\" has type " + t.simpleString()
                    + "; cross-entropy takes a class index (an integer column, 0.." + (outputs - 1) + ")");
        }
        if (t instanceof ArrayType at && at.elementType() instanceof NumericType) {
            return c.cast(DataTypes.createArrayType(DataTypes.DoubleType, true));
        }
        if (t instanceof NumericType && outputs == 1) {
            return array(c.cast(DataTypes.DoubleType));
        }
        throw new InvalidSetupException("label column \"" + name + "\" has type " + t.simpleString() + "; mse takes "
                + (outputs == 1 ? "a number or " : "") + "an array of " + outputs + " numbers (the network's outputs)");
    }

    /** The rows in blocks of {@link LocalGradients#BLOCK_ROWS}, indexed in the input's order. */
    static JavaRDD<ClusterGradients.Block> blocks(Dataset<Row> selected, Loss loss, int n1, int outputs) {
        return selected.javaRDD().zipWithIndex().mapPartitions(new ToBlocks(loss, n1, outputs));
    }

    /** Features and labels of every row, concatenated in the input's order (the blocks collected). */
    static double[][] collect(JavaRDD<ClusterGradients.Block> blocks, long rows, int n1, int labelWidth) {
        double[] x = new double[Math.toIntExact(rows * n1)];
        double[] y = new double[Math.toIntExact(rows * labelWidth)];
        int r = 0;
        for (ClusterGradients.Block b : blocks.collect()) {
            System.arraycopy(b.x(), 0, x, r * n1, b.rows() * n1);
            System.arraycopy(b.y(), 0, y, r * labelWidth, b.rows() * labelWidth);
            r += b.rows();
        }
        if (r != rows) {
            throw new IllegalStateException("the input changed while it was read: " + r + " rows, counted " + rows);
        }
        return new double[][] {x, y};
    }

    static final class ToBlocks implements FlatMapFunction<Iterator<Tuple2<Row, Long>>, ClusterGradients.Block> {
        private static final long serialVersionUID = 1L;
        private final Loss loss;
        private final int n1;
        private final int outputs;

        ToBlocks(Loss loss, int n1, int outputs) {
            this.loss = loss;
            this.n1 = n1;
            this.outputs = outputs;
        }

        @Override
        public Iterator<ClusterGradients.Block> call(Iterator<Tuple2<Row, Long>> it) {
            int size = LocalGradients.BLOCK_ROWS;
            int lw = loss.labelWidth(outputs);
            List<ClusterGradients.Block> out = new ArrayList<>();
            double[] x = new double[size * n1];
            double[] y = new double[size * lw];
            long[] keys = new long[size];
            int rows = 0;
            while (it.hasNext()) {
                Tuple2<Row, Long> t = it.next();
                read(t._1(), t._2(), x, rows * n1, y, rows * lw);
                keys[rows] = key(x, rows * n1, n1, y, rows * lw, lw);
                rows++;
                if (rows == size) {
                    out.add(new ClusterGradients.Block(keys, rows, x, y));
                    x = new double[size * n1];
                    y = new double[size * lw];
                    keys = new long[size];
                    rows = 0;
                }
            }
            if (rows > 0) {
                out.add(new ClusterGradients.Block(java.util.Arrays.copyOf(keys, rows), rows,
                        java.util.Arrays.copyOf(x, rows * n1), java.util.Arrays.copyOf(y, rows * lw)));
            }
            return out.iterator();
        }

        /** A 64-bit hash of a row's numbers (−0.0 as 0.0): the same row has the same key wherever it is read. */
        static long key(double[] x, int xOff, int n, double[] y, int yOff, int m) {
            long h = 0x243F6A8885A308D3L;
            for (int j = 0; j < n; j++) {
                h = netsense.core.BatchOrder.mix(h, Double.doubleToLongBits(x[xOff + j] + 0.0));
            }
            for (int j = 0; j < m; j++) {
                h = netsense.core.BatchOrder.mix(h, Double.doubleToLongBits(y[yOff + j] + 0.0));
            }
            return h;
        }

        private void read(Row row, long index, double[] x, int xOff, double[] y, int yOff) {
            List<Object> f = row.isNullAt(0) ? null : row.getList(0);
            if (f == null) {
                throw new BadTrainingRow(index, "features are null");
            }
            if (f.size() != n1) {
                throw new BadTrainingRow(index, "features have " + f.size() + " entries, the network takes " + n1);
            }
            for (int j = 0; j < n1; j++) {
                Object v = f.get(j);
                if (v == null || !Double.isFinite((Double) v)) {
                    throw new BadTrainingRow(index, "feature " + j + " is " + v);
                }
                x[xOff + j] = (Double) v;
            }
            if (row.isNullAt(1)) {
                throw new BadTrainingRow(index, "the label is null");
            }
            if (loss == Loss.CROSS_ENTROPY) {
                double c = row.getDouble(1);
                if (!(c >= 0 && c < outputs && c == Math.rint(c))) {
                    throw new BadTrainingRow(index, "the label " + c + " is not a class index 0.." + (outputs - 1));
                }
                y[yOff] = c;
                return;
            }
            List<Object> l = row.getList(1);
            if (l.size() != outputs) {
                throw new BadTrainingRow(index, "the label has " + l.size() + " entries, the network has " + outputs
                        + " outputs");
            }
            for (int i = 0; i < outputs; i++) {
                Object v = l.get(i);
                if (v == null || !Double.isFinite((Double) v)) {
                    throw new BadTrainingRow(index, "label entry " + i + " is " + v);
                }
                y[yOff + i] = (Double) v;
            }
        }
    }
}
