package netsense.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Spark's internal row API as the job uses it ({@link InternalRows}): if a Spark upgrade
 * changes how rows are read, copied or turned back into a DataFrame, this fails first.
 */
class InternalRowsTest extends SparkTestBase {
    static final StructType IN = new StructType()
            .add("id", DataTypes.LongType, false)
            .add("name", DataTypes.StringType, true)
            .add("features", DataTypes.createArrayType(DataTypes.DoubleType, true), true);
    static final StructType OUT = new StructType()
            .add("id", DataTypes.LongType, false)
            .add("name", DataTypes.StringType, true)
            .add("sum", DataTypes.DoubleType, false)
            .add("twice", DataTypes.createArrayType(DataTypes.DoubleType, false), true)
            .add("error", DataTypes.StringType, true);

    /** Reads each row's features, keeps its id and name past the next row, writes new columns. */
    static final class Twice implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
        @Override
        public Iterator<InternalRow> call(Iterator<InternalRow> rows) {
            UnsafeProjection keep = InternalRows.prefixCopier(new RowLayout(IN, 2, 0, 0, "id", false).types(2));
            List<InternalRow> kept = new ArrayList<>();
            List<double[]> values = new ArrayList<>();
            List<RowFault> faults = new ArrayList<>();
            while (rows.hasNext()) { // the whole partition first: rows must survive Spark's reuse
                InternalRow row = rows.next();
                double[] x = new double[3];
                faults.add(InternalRows.readFeatures(row, 2, x, 0, 3));
                values.add(x);
                kept.add(keep.apply(row).copy());
            }
            InternalRows.RowBuilder out = new InternalRows.RowBuilder(OUT);
            List<InternalRow> result = new ArrayList<>();
            for (int i = 0; i < kept.size(); i++) {
                out.copy(0, kept.get(i), 0);
                out.copy(1, kept.get(i), 1);
                double[] x = values.get(i);
                out.setDouble(2, x[0] + x[1] + x[2]);
                out.setDoubles(3, new double[] {2 * x[0], 2 * x[1], 2 * x[2]});
                if (faults.get(i) == null) {
                    out.setNull(4);
                } else {
                    out.setString(4, faults.get(i).reason());
                }
                result.add(out.build().copy());
            }
            return result.iterator();
        }
    }

    @Test
    void rowsGoThroughInSparksInternalFormAndBack() {
        List<Row> rows = List.of(
                RowFactory.create(1L, "a", Arrays.asList(1.0, 2.0, 3.0)),
                RowFactory.create(2L, null, Arrays.asList(0.5, -0.5, 4.0)),
                RowFactory.create(3L, "ç", null),
                RowFactory.create(4L, "d", Arrays.asList(1.0, null, 3.0)),
                RowFactory.create(5L, "e", Arrays.asList(1.0, Double.NaN, 3.0)),
                RowFactory.create(6L, "f", Arrays.asList(1.0, 2.0)));
        Dataset<Row> df = spark.createDataFrame(rows, IN).repartition(2);
        Dataset<Row> out = InternalRows.toDataFrame(spark,
                InternalRows.of(df).toJavaRDD().mapPartitions(new Twice()).rdd(), OUT);
        List<Row> got = new ArrayList<>(out.collectAsList());
        got.sort((a, b) -> Long.compare(a.getLong(0), b.getLong(0)));
        assertEquals(6, got.size());
        assertEquals("a", got.get(0).getString(1));
        assertEquals(6.0, got.get(0).getDouble(2));
        assertArrayEquals(new double[] {2, 4, 6}, doubles(got.get(0), "twice"));
        assertNull(got.get(0).get(4));
        assertNull(got.get(1).get(1), "a null string stays null");
        assertArrayEquals(new double[] {1, -1, 8}, doubles(got.get(1), "twice"));
        assertEquals("ç", got.get(2).getString(1), "strings keep their characters");
        assertEquals("features are null", got.get(2).getString(4));
        assertEquals("feature 1 is null", got.get(3).getString(4));
        assertEquals("feature 1 is NaN", got.get(4).getString(4));
        assertEquals("features have 2 entries, expected 3", got.get(5).getString(4));
    }
}
