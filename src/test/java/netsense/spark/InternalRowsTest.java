package netsense.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    static final StructType CARRIED = new StructType()
            .add("id", DataTypes.LongType, false)
            .add("name", DataTypes.StringType, true)
            .add("tags", DataTypes.createArrayType(DataTypes.StringType, true), true);

    static StructType results(org.apache.spark.sql.types.DataType element) {
        return new StructType()
                .add("output", DataTypes.DoubleType, false)
                .add("gradient", DataTypes.createArrayType(element, false), false)
                .add("grad_l1", DataTypes.DoubleType, false)
                .add("grad_l2", DataTypes.DoubleType, false)
                .add("grad_linf", DataTypes.DoubleType, false);
    }

    /** Writes result rows behind carried columns of several kinds, the vector from an offset of a block. */
    static final class Results implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
        private final boolean floats;

        Results(boolean floats) {
            this.floats = floats;
        }

        @Override
        public Iterator<InternalRow> call(Iterator<InternalRow> rows) {
            UnsafeProjection keep = InternalRows.prefixCopier(new RowLayout(CARRIED, 3, 0, 0, "id", false).types(3));
            InternalRows.ResultRows out = new InternalRows.ResultRows(CARRIED,
                    results(floats ? DataTypes.FloatType : DataTypes.DoubleType), 3, 1);
            List<InternalRow> result = new ArrayList<>();
            double[] block = {9, 9, 9, -0.0, 1.5, -2.25, 9};
            while (rows.hasNext()) {
                InternalRow carried = keep.apply(rows.next()).copy();
                long id = carried.getLong(0);
                block[4] = 1.5 * id;
                double[] output = {-0.0 * id};
                double[] norms = {9, id, 2.0 * id, 3.0 * id};
                result.add(out.build(carried, output, 0, block, 3, 3, norms, 1, null, 0).copy());
            }
            return result.iterator();
        }
    }

    @Test
    void resultRowsKeepTheCarriedColumnsAndWriteTheResultsBehindThem() {
        for (boolean floats : new boolean[] {false, true}) {
            List<Row> rows = List.of(
                    RowFactory.create(1L, "a", Arrays.asList("x", null)),
                    RowFactory.create(2L, null, null),
                    RowFactory.create(3L, "ç", Arrays.asList()));
            Dataset<Row> df = spark.createDataFrame(rows, CARRIED).repartition(2);
            StructType schema = CARRIED;
            for (org.apache.spark.sql.types.StructField f : results(floats ? DataTypes.FloatType
                    : DataTypes.DoubleType).fields()) {
                schema = schema.add(f);
            }
            Dataset<Row> out = InternalRows.toDataFrame(spark,
                    InternalRows.of(df).toJavaRDD().mapPartitions(new Results(floats)).rdd(), schema);
            List<Row> got = new ArrayList<>(out.collectAsList());
            got.sort((a, b) -> Long.compare(a.getLong(0), b.getLong(0)));
            assertEquals(3, got.size());
            for (Row r : got) {
                long id = r.getLong(0);
                assertEquals(0.0, r.getDouble(3), "output");
                assertEquals(0L, Double.doubleToRawLongBits(r.getDouble(3)), "−0.0 is written as 0.0");
                List<Object> v = r.getList(4);
                assertEquals(3, v.size());
                double[] expected = {0.0, 1.5 * id, -2.25};
                for (int j = 0; j < 3; j++) {
                    double got1 = ((Number) v.get(j)).doubleValue();
                    assertEquals(expected[j], got1, "vector entry " + j);
                    assertEquals(Double.doubleToRawLongBits(expected[j]), Double.doubleToRawLongBits(got1));
                    assertEquals(floats ? Float.class : Double.class, v.get(j).getClass());
                }
                assertEquals(id, r.getDouble(5));
                assertEquals(2.0 * id, r.getDouble(6));
                assertEquals(3.0 * id, r.getDouble(7));
            }
            assertEquals("a", got.get(0).getString(1));
            assertEquals(Arrays.asList("x", null), got.get(0).getList(2));
            assertNull(got.get(1).get(1));
            assertNull(got.get(1).get(2));
            assertEquals("ç", got.get(2).getString(1));
            assertEquals(List.of(), got.get(2).getList(2));
        }
    }

    static final StructType FIXED = new StructType()
            .add("id", DataTypes.LongType, false)
            .add("i", DataTypes.IntegerType, true)
            .add("s", DataTypes.ShortType, true)
            .add("b", DataTypes.ByteType, true)
            .add("t", DataTypes.BooleanType, true)
            .add("d", DataTypes.DoubleType, true)
            .add("f", DataTypes.FloatType, true)
            .add("day", DataTypes.DateType, true)
            .add("at", DataTypes.TimestampType, true);

    /** Fixed-width carried columns written straight into the row (moved between slots, nulls kept) equal the joined ones. */
    static final class FixedResults implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
        @Override
        public Iterator<InternalRow> call(Iterator<InternalRow> rows) {
            org.apache.spark.sql.types.DataType[] types = new RowLayout(FIXED, 9, 0, 0, "id", false).types(9);
            assertTrue(InternalRows.FixedCarried.supports(types));
            InternalRows.FixedCarried fixed = new InternalRows.FixedCarried(types, 4);
            InternalRows.ResultRows out = new InternalRows.ResultRows(FIXED, results(DataTypes.DoubleType), 3, 1, true);
            List<InternalRow> result = new ArrayList<>();
            double[] block = {0.25, 1.5, -2.25};
            while (rows.hasNext()) {
                fixed.read(rows.next(), 3);
                fixed.move(3, 1); // as the pass moves good rows to the front
                double[] output = {0.5};
                double[] norms = {4, 1.75, 2.25};
                result.add(out.build(fixed, 1, output, 0, block, 0, 3, norms, 0, null, 0).copy());
                assertEquals(fixed.row(1).getLong(0), result.get(result.size() - 1).getLong(0), "the slot as a row");
            }
            return result.iterator();
        }
    }

    @Test
    void fixedWidthCarriedColumnsAreWrittenStraightIntoTheRow() {
        List<Row> rows = List.of(
                RowFactory.create(1L, 7, (short) -3, (byte) 9, true, -0.5, 2.5f,
                        java.sql.Date.valueOf("2024-02-29"), java.sql.Timestamp.valueOf("2024-02-29 12:34:56.789")),
                RowFactory.create(2L, null, null, null, null, null, null, null, null),
                RowFactory.create(3L, Integer.MIN_VALUE, Short.MAX_VALUE, Byte.MIN_VALUE, false, Double.MAX_VALUE,
                        Float.MIN_VALUE, java.sql.Date.valueOf("1970-01-01"), java.sql.Timestamp.valueOf("1969-12-31 23:59:59")));
        Dataset<Row> df = spark.createDataFrame(rows, FIXED).repartition(2);
        StructType schema = FIXED;
        for (org.apache.spark.sql.types.StructField f : results(DataTypes.DoubleType).fields()) {
            schema = schema.add(f);
        }
        Dataset<Row> out = InternalRows.toDataFrame(spark,
                InternalRows.of(df).toJavaRDD().mapPartitions(new FixedResults()).rdd(), schema);
        List<Row> got = new ArrayList<>(out.collectAsList());
        got.sort((a, b) -> Long.compare(a.getLong(0), b.getLong(0)));
        assertEquals(3, got.size());
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 9; c++) {
                assertEquals(rows.get(r).get(c), got.get(r).get(c), "row " + r + ", column " + FIXED.fields()[c].name());
            }
            assertEquals(0.5, got.get(r).getDouble(9));
            assertEquals(List.of(0.25, 1.5, -2.25), got.get(r).getList(10));
            assertEquals(2.25, got.get(r).getDouble(13));
        }
        assertFalse(InternalRows.FixedCarried.supports(new org.apache.spark.sql.types.DataType[] {
            DataTypes.LongType, DataTypes.StringType}), "a string is not of fixed width");
    }
}
