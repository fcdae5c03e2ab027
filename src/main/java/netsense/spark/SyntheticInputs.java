package netsense.spark;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.cos;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.shiftrightunsigned;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Synthetic input rows ({@code id BIGINT, features ARRAY<DOUBLE>}). Entry j of row i is a
 * function of (seed, i, j) alone — a 64-bit hash turned into a uniform double — so the data do
 * not depend on the number of partitions, and the whole thing is Spark SQL expressions
 * (code-generated, nothing shipped to executors).
 */
public final class SyntheticInputs {
    /** The distribution of each entry. */
    public enum Distribution {
        /** Uniform on [0, 1). */
        UNIFORM,
        /** Standard normal, by Box–Muller. */
        NORMAL;

        public static Distribution fromId(String id) {
            return valueOf(id.toUpperCase(Locale.ROOT));
        }
    }

    private SyntheticInputs() {}

    public static Dataset<Row> generate(SparkSession spark, long rows, int dims, int partitions, long seed,
                                        Distribution dist) {
        if (rows < 0 || dims < 1 || partitions < 1) {
            throw new IllegalArgumentException("need rows >= 0, dims >= 1 and partitions >= 1; got " + rows + ", "
                    + dims + ", " + partitions);
        }
        if (dims > ARRAY_OF_EXPRESSIONS_MAX) {
            return generateAsLambda(spark, rows, dims, partitions, seed, dist);
        }
        Column[] entries = new Column[dims];
        for (int j = 0; j < dims; j++) {
            entries[j] = dist == Distribution.UNIFORM
                    ? uniform(seed, 2L * j)
                    // Box–Muller: sqrt(−2 ln(1 − u1)) cos(2π u2); 1 − u1 lies in (0, 1]
                    : sqrt(log(lit(1.0).minus(uniform(seed, 2L * j))).multiply(-2.0))
                            .multiply(cos(uniform(seed, 2L * j + 1).multiply(2 * Math.PI)));
        }
        return spark.range(0, rows, 1, partitions).select(col("id"), array(entries).as("features"));
    }

    /**
     * The same rows as one lambda over j = 0..dims−1 ({@code transform(sequence(0, dims − 1), j -> ...)}):
     * a plan of constant size, where one expression per entry would make a plan (and generated
     * code) that grows with the width and exhausts the driver's memory at 100,000 entries.
     * Slower per entry (higher-order functions are interpreted), hence only for wide rows.
     */
    static Dataset<Row> generateAsLambda(SparkSession spark, long rows, int dims, int partitions, long seed,
                                         Distribution dist) {
        Column js = sequence(lit(0L), lit(dims - 1L));
        Column features = transform(js, j -> dist == Distribution.UNIFORM
                ? uniform(seed, j.multiply(2L))
                : sqrt(log(lit(1.0).minus(uniform(seed, j.multiply(2L)))).multiply(-2.0))
                        .multiply(cos(uniform(seed, j.multiply(2L).plus(1L)).multiply(2 * Math.PI))));
        return spark.range(0, rows, 1, partitions).select(col("id"), features.as("features"));
    }

    /** Widths up to this get one expression per entry (code-generated, fastest); wider ones a lambda. */
    static final int ARRAY_OF_EXPRESSIONS_MAX = 1024;

    /** A uniform double in [0, 1) from the top 53 bits of xxhash64(id, seed, stream). */
    private static Column uniform(long seed, long stream) {
        return uniform(seed, lit(stream));
    }

    private static Column uniform(long seed, Column stream) {
        return shiftrightunsigned(xxhash64(col("id"), lit(seed), stream), 11).cast("double")
                .multiply(0x1.0p-53);
    }
}
