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

    private static final String DIMS = "dims";
    private static final StructType RESULT = new StructType()
            .add(DIMS, DataTypes.createArrayType(DIMENSION_SCHEMA, false), false);

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
        Dataset<Row> vectors = df.select(FeatureSource.resolve(df.schema(), vectorCol, List.of()).asDoubleArray());
        return vectors.select(new DimensionsAggregator(vectorCol).toColumn().name("s"))
                .select(explode(col(DIMS)).as("d"))
                .select("d.*");
    }

    /** Vectors in, a {@link DimensionSummary} as the buffer, blocks of rows staged as the job's. */
    static final class DimensionsAggregator extends Aggregator<Row, Buffer, Row> {
        private static final long serialVersionUID = 1L;
        private final String column;

        DimensionsAggregator(String column) {
            this.column = column;
        }

        @Override
        public Buffer zero() {
            return new Buffer();
        }

        @Override
        public Buffer reduce(Buffer b, Row row) {
            Object value = row.get(0);
            if (value != null) {
                b.add(value, column);
            }
            return b;
        }

        @Override
        public Buffer merge(Buffer a, Buffer b) {
            return a.merge(b);
        }

        @Override
        public Row finish(Buffer b) {
            DimensionSummary s = b.flush();
            List<Row> dims = new ArrayList<>();
            if (s != null && s.count() > 0) {
                for (int i = 0; i < s.dimensions(); i++) {
                    GradientSummary.DimensionStats d = s.dimension(i);
                    dims.add(RowFactory.create(i, d.mean(), d.meanAbs(), d.meanSquare(), d.std(), d.min(), d.max()));
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
            return Encoders.row(RESULT);
        }
    }

    /**
     * The summary so far and the rows staged for its next block (added to it before it
     * travels). Public only because Spark's encoders take public classes.
     */
    public static final class Buffer implements Serializable {
        private static final long serialVersionUID = 1L;
        private DimensionSummary summary;
        private transient double[] block;
        private transient int staged;

        void add(Object value, String column) {
            int n = length(value);
            if (summary == null) {
                if (n == 0) {
                    throw new IllegalArgumentException("column \"" + column + "\" holds an empty vector");
                }
                summary = new DimensionSummary(n);
            }
            int width = summary.dimensions();
            if (block == null) {
                block = new double[GradientJob.DEFAULT_BLOCK_ROWS * width];
            }
            if (n != width) {
                throw new IllegalArgumentException("column \"" + column + "\": dimension mismatch: expecting "
                        + width + " but got " + n);
            }
            RowFault fault = FeatureRows.read(value, block, staged * width, width);
            if (fault != null) {
                throw new IllegalArgumentException("column \"" + column + "\": " + fault.reason().replace("feature ", "entry "));
            }
            if (++staged == GradientJob.DEFAULT_BLOCK_ROWS) {
                flush();
            }
        }

        /** Adds the staged rows to the summary and returns it (null before any vector). */
        DimensionSummary flush() {
            if (staged > 0) {
                summary.addBlock(block, 0, staged);
                staged = 0;
            }
            return summary;
        }

        Buffer merge(Buffer other) {
            DimensionSummary theirs = other.flush();
            if (theirs == null) {
                return this;
            }
            if (flush() == null) {
                return other;
            }
            if (theirs.dimensions() != summary.dimensions()) {
                throw new IllegalArgumentException("dimension mismatch: expecting " + summary.dimensions()
                        + " but got " + theirs.dimensions());
            }
            summary.merge(theirs);
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
