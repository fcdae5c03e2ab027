package netsense.spark;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * ColumnarInput against Spark's own rows of the same projection: the same values in the same
 * order (nulls, empty and null arrays, strings, partition columns, columns picked out of order
 * and renamed); and null — Spark's rows — where the projection computes a column.
 */
class ColumnarInputTest extends SparkTestBase {
    private static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.LongType, true)
            .add("note", DataTypes.StringType, true)
            .add("features", DataTypes.createArrayType(DataTypes.DoubleType, true), true)
            .add("weights", DataTypes.createArrayType(DataTypes.FloatType, false), true)
            .add("part", DataTypes.IntegerType, false);

    private String input(boolean partitioned) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            double[] f = i % 97 == 0 ? new double[0] : new double[] {i, -i / 3.0, i % 7};
            rows.add(RowFactory.create(i % 11 == 0 ? null : (long) i, i % 5 == 0 ? null : "row " + i,
                    i % 13 == 0 ? null : f, new float[] {i, 1f}, i % 3));
        }
        String path = tmp.resolve(partitioned ? "by-part" : "flat").toString();
        var w = spark.createDataFrame(rows, SCHEMA).repartition(3).write();
        (partitioned ? w.partitionBy("part") : w).parquet(path);
        return path;
    }

    @Test
    void columnsPickedAndRenamedAreSparksRows() {
        for (boolean partitioned : new boolean[] {false, true}) {
            Dataset<Row> in = spark.read().parquet(input(partitioned));
            // out of the file's order, renamed, a partition column among them
            Dataset<Row> picked = in.select(col("note"), col("part"), col("id"), col("features").as("__x"));
            RDD<InternalRow> columnar = ColumnarInput.rowsOrNull(picked);
            assertNotNull(columnar, "a plain columnar scan, partitioned " + partitioned);
            StructType schema = picked.schema();
            assertEquals(compact(InternalRows.of(picked), schema), compact(columnar, schema),
                    "partitioned " + partitioned);
        }
    }

    @Test
    void computedColumnsAreLeftToSpark() {
        Dataset<Row> in = spark.read().parquet(input(false));
        assertNull(ColumnarInput.rowsOrNull(in.select(col("id"),
                col("weights").cast(DataTypes.createArrayType(DataTypes.DoubleType)).as("__x"))), "a cast");
        assertNull(ColumnarInput.rowsOrNull(in.select(col("features"), functions.input_file_name())), "a file name");
        assertNull(ColumnarInput.rowsOrNull(in.where(col("id").gt(3)).select(col("features"))), "a filter");
        spark.conf().set("spark.sql.parquet.enableVectorizedReader", "false");
        try {
            assertNull(ColumnarInput.rowsOrNull(spark.read().parquet(tmp.resolve("flat").toString())
                    .select(col("features"))), "a row-based scan");
        } finally {
            spark.conf().unset("spark.sql.parquet.enableVectorizedReader");
        }
    }

    /** Each row in Spark's compact form, as text, in the RDD's order. */
    private static List<String> compact(RDD<InternalRow> rows, StructType schema) {
        return rows.toJavaRDD().mapPartitions((Iterator<InternalRow> it) -> {
            UnsafeProjection p = UnsafeProjection.create(schema);
            List<String> out = new ArrayList<>();
            while (it.hasNext()) {
                InternalRow r = p.apply(it.next());
                StringBuilder s = new StringBuilder();
                for (int i = 0; i < schema.size(); i++) {
                    Object v = r.isNullAt(i) ? null : r.get(i, schema.fields()[i].dataType());
                    s.append(v instanceof org.apache.spark.sql.catalyst.util.ArrayData a
                            ? java.util.Arrays.toString(a.toDoubleArray()) : String.valueOf(v)).append('|');
                }
                out.add(s.toString());
            }
            return out.iterator();
        }).collect();
    }
}
