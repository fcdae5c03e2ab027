package netsense.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import netsense.core.DimensionSummary;
import netsense.core.GradientSummary;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Aggregator;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.UserDefinedType;

/**
 * Per-dimension statistics of a vector column — the {@code dimensions} figures of
 * summary.json, from the same mergeable summary ({@link DimensionSummary}, the job's
 * {@code Moments}) — as a Spark {@link Aggregator}: one pass, the same figures (to far below
 * 1e-9) however the rows are partitioned.
 */
public final class Sensitivity {
    /** The columns of {@link #dimensions}: one row per dimension. */
    public static final StructType DIMENSION_SCHEMA = new StructType()
            .add("index", DataTypes.IntegerType, false)
            .add("mean", DataTypes.DoubleType, true)
            .add("mean_abs", DataTypes.DoubleType, true)
            .add("mean_sq", DataTypes.DoubleType, true)
            .add("std", DataTypes.DoubleType, true)
            .add("min", DataTypes.DoubleType, true)
            .add("max", DataTypes.DoubleType, true);

    /**
     * The columns of {@link #dimensions(Dataset, String, String)}: those of {@link #DIMENSION_SCHEMA},
     * the input's figures and the vector entry's quantiles (summary.json's "input" and "quantiles").
     */
    public static final StructType GLOBAL_SCHEMA = DIMENSION_SCHEMA
            .add("input_mean", DataTypes.DoubleType, true)
            .add("input_std", DataTypes.DoubleType, true)
            .add("input_min", DataTypes.DoubleType, true)
            .add("input_max", DataTypes.DoubleType, true)
            .add("p05", DataTypes.DoubleType, true)
            .add("p25", DataTypes.DoubleType, true)
            .add("p50", DataTypes.DoubleType, true)
            .add("p75", DataTypes.DoubleType, true)
            .add("p95", DataTypes.DoubleType, true);

    private static final String DIMS = "dims";

    private Sensitivity() {}

    /**
     * One row per dimension of {@code vectorCol}: {@code index, mean, mean_abs, mean_sq, std,
     * min, max} (E[v_i], E|v_i|, E[v_i²] — the DGSM when v is the gradient —, the sample
     * standard deviation, extremes), over the rows whose vector is not null; figures that are
     * undefined (std of one row) are null; no rows when no vector is. Lazy, like any Dataset.
     * The vectors must all have the same length and finite entries; a task fails otherwise.
     *
     * @param vectorCol an array of numbers (such as {@code gradient} from {@link InputGradients})
     *                  or a Spark ML vector
     */
    public static Dataset<Row> dimensions(Dataset<Row> df, String vectorCol) {
        checkVector(df, vectorCol);
        Dataset<Row> vectors = df.select(FeatureSource.resolve(df.schema(), vectorCol, List.of()).asDoubleArray());
        return vectors.select(new DimensionsAggregator(vectorCol, false).toColumn().name("s"))
                .select(explode(col(DIMS)).as("d"))
                .select("d.*");
    }

    /**
     * As {@link #dimensions(Dataset, String)}, with the columns of {@link #GLOBAL_SCHEMA}: also
     * the mean, sample std, min and max of each input x_i ({@code input_*}, from
     * {@code featuresCol}) and the p05, p25, p50, p75 and p95 of the vector's entry i (within
     * 1 % of the exact values, {@code DimensionQuantiles}) — the same figures as summary.json's
     * "input" and "quantiles" of a job over the same rows. Over the rows whose vector and
     * features are both not null; the features must have the vector's length and finite entries.
     *
     * @param featuresCol the rows' inputs: an array of numbers or a Spark ML vector
     */
    public static Dataset<Row> dimensions(Dataset<Row> df, String vectorCol, String featuresCol) {
        checkVector(df, vectorCol);
        checkVector(df, featuresCol);
        Dataset<Row> pairs = df.select(FeatureSource.resolve(df.schema(), vectorCol, List.of()).asDoubleArray(),
                FeatureSource.resolve(df.schema(), featuresCol, List.of()).asDoubleArray());
        return pairs.select(new DimensionsAggregator(vectorCol, true).toColumn().name("s"))
                .select(explode(col(DIMS)).as("d"))
                .select("d.*");
    }

    private static void checkVector(Dataset<Row> df, String vectorCol) {
        StructField field = Arrays.stream(df.schema().fields()).filter(f -> f.name().equals(vectorCol)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no column \"" + vectorCol + "\" (the columns: "
                        + String.join(", ", df.schema().fieldNames()) + ")"));
        boolean numericArray = field.dataType() instanceof ArrayType a && a.elementType() instanceof NumericType;
        boolean vector = field.dataType() instanceof UserDefinedType<?> u
                && u.userClass().getName().endsWith("linalg.Vector");
        if (!numericArray && !vector) {
            throw new IllegalArgumentException("column \"" + vectorCol + "\" has type "
                    + field.dataType().simpleString() + "; expected an array of numbers or a Spark ML vector");
        }
    }

    /** Vectors in, a {@link DimensionSummary} as the buffer, blocks of rows staged as the job's. */
    static final class DimensionsAggregator extends Aggregator<Row, Buffer, Row> {
        private static final long serialVersionUID = 1L;
        private final String column;
        private final boolean inputs;

        DimensionsAggregator(String column, boolean inputs) {
            this.column = column;
            this.inputs = inputs;
        }

        @Override
        public Buffer zero() {
            return new Buffer(inputs);
        }

        @Override
        public Buffer reduce(Buffer b, Row row) {
            Object value = row.get(0);
            Object x = inputs ? row.get(1) : null;
            if (value != null && (!inputs || x != null)) {
                b.add(value, x, column);
            }
            return b;
        }

        @Override
        public Buffer merge(Buffer a, Buffer b) {
            return a.merge(b);
        }

        @Override
        public Row finish(Buffer b) {
            b.flush();
            List<Row> dims = new ArrayList<>();
            if (b.count() > 0) {
                for (int i = 0; i < b.dimensions(); i++) {
                    GradientSummary.DimensionStats d = b.dimension(i);
                    if (!inputs) {
                        dims.add(RowFactory.create(i, d.mean(), d.meanAbs(), d.meanSquare(), d.std(), d.min(), d.max()));
                        continue;
                    }
                    GradientSummary.InputStats x = b.full.input(i);
                    GradientSummary.Quantiles q = b.full.quantiles(i);
                    dims.add(RowFactory.create(i, d.mean(), d.meanAbs(), d.meanSquare(), d.std(), d.min(), d.max(),
                            x.mean(), x.std(), x.min(), x.max(), q.p05(), q.p25(), q.p50(), q.p75(), q.p95()));
                }
            }
            return RowFactory.create(scala.jdk.javaapi.CollectionConverters.asScala(dims).toSeq());
        }

        @Override
        public Encoder<Buffer> bufferEncoder() {
            return Encoders.javaSerialization(Buffer.class);
        }

        @Override
        public Encoder<Row> outputEncoder() {
            return Encoders.row(new StructType().add(DIMS,
                    DataTypes.createArrayType(inputs ? GLOBAL_SCHEMA : DIMENSION_SCHEMA, false), false));
        }
    }

    /**
     * The summary so far and the rows staged for its next block (added to it before it
     * travels). Public only because Spark's encoders take public classes.
     */
    public static final class Buffer implements Serializable {
        private static final long serialVersionUID = 2L;
        private final boolean inputs;
        private DimensionSummary summary;   // without inputs
        private GradientSummary full;       // with inputs
        private int width = -1;
        private transient double[] block;
        private transient double[] xs;
        private transient double[] zeros;
        private transient int staged;

        Buffer(boolean inputs) {
            this.inputs = inputs;
        }

        void add(Object value, Object x, String column) {
            int n = length(value);
            if (width < 0) {
                if (n == 0) {
                    throw new IllegalArgumentException("column \"" + column + "\" holds an empty vector");
                }
                width = n;
                if (inputs) {
                    full = new GradientSummary(n);
                } else {
                    summary = new DimensionSummary(n);
                }
            }
            if (block == null) {
                block = new double[GradientJob.DEFAULT_BLOCK_ROWS * width];
                xs = inputs ? new double[GradientJob.DEFAULT_BLOCK_ROWS * width] : null;
                zeros = inputs ? new double[GradientJob.DEFAULT_BLOCK_ROWS] : null;
            }
            if (n != width) {
                throw new IllegalArgumentException("column \"" + column + "\": dimension mismatch: expecting "
                        + width + " but got " + n);
            }
            RowFault fault = FeatureRows.read(value, block, staged * width, width);
            if (fault != null) {
                throw new IllegalArgumentException("column \"" + column + "\": " + fault.reason().replace("feature ", "entry "));
            }
            if (inputs) {
                RowFault bad = FeatureRows.read(x, xs, staged * width, width);
                if (bad != null) {
                    throw new IllegalArgumentException("the features of a row with a \"" + column + "\" vector: "
                            + bad.reason());
                }
            }
            if (++staged == GradientJob.DEFAULT_BLOCK_ROWS) {
                flush();
            }
        }

        /** Adds the staged rows to the summary. */
        void flush() {
            if (staged > 0) {
                if (inputs) {
                    full.addBlock(zeros, 0, block, 0, staged, null, xs, 0);
                } else {
                    summary.addBlock(block, 0, staged);
                }
                staged = 0;
            }
        }

        long count() {
            return width < 0 ? 0 : inputs ? full.count() : summary.count();
        }

        int dimensions() {
            return width;
        }

        GradientSummary.DimensionStats dimension(int i) {
            return inputs ? full.dimension(i) : summary.dimension(i);
        }

        Buffer merge(Buffer other) {
            other.flush();
            if (other.width < 0) {
                return this;
            }
            flush();
            if (width < 0) {
                return other;
            }
            if (other.width != width) {
                throw new IllegalArgumentException("dimension mismatch: expecting " + width + " but got " + other.width);
            }
            if (inputs) {
                full.merge(other.full);
            } else {
                summary.merge(other.summary);
            }
            return this;
        }

        private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
            flush();
            out.defaultWriteObject();
        }

        private static int length(Object value) {
            if (value instanceof double[] d) {
                return d.length;
            }
            return ((scala.collection.Seq<?>) value).length();
        }
    }
}
