package netsense.spark;

import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;

/**
 * The one place netsense uses Spark's internal row API: a Dataset's rows as Spark holds them
 * ({@link InternalRow}: arrays of primitives, strings as UTF-8 bytes) and back, so that the job
 * reads features and writes gradients without building a Java object per value. Spark's public
 * row encoder boxes every entry of an {@code array<double>} on the way in and out; this costs
 * more than the gradient itself (see README, "Performance").
 *
 * <p>Internal API: {@code InternalRowsTest} fails loudly when a Spark upgrade changes it.
 */
final class InternalRows {
    private InternalRows() {}

    /**
     * The rows of {@code ds}, as its plan produces them. The iterator of a partition may reuse
     * one row object: copy a row ({@link InternalRow#copy()}) to keep it past the next one.
     */
    static RDD<InternalRow> of(Dataset<Row> ds) {
        return ds.queryExecution().toRdd();
    }

    /** A DataFrame over rows that hold values in Spark's internal form for {@code schema}. */
    static Dataset<Row> toDataFrame(SparkSession spark, RDD<InternalRow> rows, StructType schema) {
        return ((org.apache.spark.sql.classic.SparkSession) spark).internalCreateDataFrame(rows, schema, false);
    }
}
