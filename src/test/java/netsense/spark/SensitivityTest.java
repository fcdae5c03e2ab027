package netsense.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import netsense.core.Network;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Sensitivity.dimensions against summary.json of the job, exact two-pass arithmetic, and any partitioning. */
class SensitivityTest extends SparkTestBase {
    static final List<String> FIGURES = List.of("mean", "mean_abs", "mean_sq", "std", "min", "max");

    static void assertClose(double expected, double actual, double relative, String what) {
        assertEquals(expected, actual, relative * Math.max(Math.abs(expected), 1e-300), what);
    }

    static List<Row> collect(Dataset<Row> dims) {
        assertEquals(List.of("index", "mean", "mean_abs", "mean_sq", "std", "min", "max"),
                List.of(dims.schema().fieldNames()));
        List<Row> rows = dims.collectAsList();
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(i, rows.get(i).getInt(0), "one row per dimension, in order");
        }
        return rows;
    }

    @Test
    void theFiguresOfTheJobsSummaryFromTheJobsAndTheTransformersGradients() throws Exception {
        Network net = randomNetwork(21, 6, 10, 1);
        List<Row> rows = new ArrayList<>(GradientJobTest.randomRows(5, 3000, 6));
        rows.add(RowFactory.create(9001L, null, "bad"));
        rows.add(RowFactory.create(9002L, Arrays.asList(1.0, 2.0), "bad"));
        Path input = parquet("in", rows, GradientJobTest.SCHEMA, 3);
        Path model = model("m", net);
        Path out = tmp.resolve("out");
        new GradientJob(spark, GradientJob.Options.of(model.toString(), input.toString(), out.toString())).execute();
        JsonNode dims = summary(out).get("dimensions");

        Dataset<Row> transformed = new InputGradients().setModelPath(model.toString())
                .transform(spark.read().parquet(input.toString()));
        List<Row> fromTransformer = collect(Sensitivity.dimensions(transformed, "gradient"));
        List<Row> fromJob = collect(Sensitivity.dimensions(
                spark.read().parquet(out.resolve("gradients").toString()).repartition(5), "gradient"));
        assertEquals(6, fromTransformer.size());
        for (List<Row> got : List.of(fromTransformer, fromJob)) {
            for (int i = 0; i < 6; i++) {
                for (String f : FIGURES) {
                    assertClose(dims.get(i).get(f).asDouble(), got.get(i).<Double>getAs(f), 1e-12,
                            "dimension " + i + " " + f);
                }
            }
        }
        // the global figures: the inputs and the quantiles of summary.json, from the features beside the vectors
        Dataset<Row> global = Sensitivity.dimensions(transformed.repartition(4), "gradient", "features");
        assertEquals(List.of(Sensitivity.GLOBAL_SCHEMA.fieldNames()), List.of(global.columns()));
        List<Row> got = global.collectAsList();
        for (int i = 0; i < 6; i++) {
            for (String f : FIGURES) {
                assertClose(dims.get(i).get(f).asDouble(), got.get(i).<Double>getAs(f), 1e-12, "dimension " + i + " " + f);
            }
            for (String f : List.of("mean", "std", "min", "max")) {
                assertClose(dims.get(i).get("input").get(f).asDouble(), got.get(i).<Double>getAs("input_" + f), 1e-12,
                        "dimension " + i + " input " + f);
            }
            for (String q : List.of("p05", "p25", "p50", "p75", "p95")) {
                assertClose(dims.get(i).get("quantiles").get(q).asDouble(), got.get(i).<Double>getAs(q), 1e-12,
                        "dimension " + i + " " + q + ": the same sketch whatever the split");
            }
        }
    }

    /** Random vectors, a few null ones. */
    static List<Row> vectors(int count, int width, long seed) {
        java.util.Random rnd = new java.util.Random(seed);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (i % 97 == 5) {
                rows.add(RowFactory.create((long) i, null));
                continue;
            }
            List<Double> v = new ArrayList<>();
            for (int j = 0; j < width; j++) {
                v.add(j == 0 ? 1e6 + rnd.nextGaussian() : (j + 1) * rnd.nextGaussian() - j); // dim 0: large mean
            }
            rows.add(RowFactory.create((long) i, v));
        }
        return rows;
    }

    static final StructType VECTORS = new StructType().add("id", DataTypes.LongType)
            .add("g", DataTypes.createArrayType(DataTypes.DoubleType, false));

    @Test
    void exactTwoPassFiguresWhateverThePartitioning() {
        int width = 4;
        List<Row> rows = vectors(2000, width, 3);
        // the oracle: exact sums in BigDecimal, the variance two-pass around the exact mean
        List<double[]> good = new ArrayList<>();
        for (Row r : rows) {
            if (!r.isNullAt(1)) {
                @SuppressWarnings("unchecked")
                List<Double> v = (List<Double>) r.get(1);
                good.add(v.stream().mapToDouble(Double::doubleValue).toArray());
            }
        }
        MathContext mc = MathContext.DECIMAL128;
        BigDecimal n = BigDecimal.valueOf(good.size());
        double[][] expected = new double[width][];
        for (int j = 0; j < width; j++) {
            BigDecimal sum = BigDecimal.ZERO;
            BigDecimal abs = BigDecimal.ZERO;
            BigDecimal sq = BigDecimal.ZERO;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (double[] v : good) {
                BigDecimal x = new BigDecimal(v[j]);
                sum = sum.add(x);
                abs = abs.add(x.abs());
                sq = sq.add(x.multiply(x));
                min = Math.min(min, v[j]);
                max = Math.max(max, v[j]);
            }
            BigDecimal mean = sum.divide(n, mc);
            BigDecimal m2 = BigDecimal.ZERO;
            for (double[] v : good) {
                BigDecimal d = new BigDecimal(v[j]).subtract(mean);
                m2 = m2.add(d.multiply(d));
            }
            double std = Math.sqrt(m2.divide(n.subtract(BigDecimal.ONE), mc).doubleValue());
            expected[j] = new double[] {mean.doubleValue(), abs.divide(n, mc).doubleValue(),
                sq.divide(n, mc).doubleValue(), std, min, max};
        }
        for (int partitions : new int[] {1, 3, 17}) {
            List<Row> got = collect(Sensitivity.dimensions(spark.createDataFrame(rows, VECTORS).repartition(partitions),
                    "g"));
            assertEquals(width, got.size());
            for (int j = 0; j < width; j++) {
                for (int f = 0; f < FIGURES.size(); f++) {
                    // the std of dimension 0 (mean 1e6, std 1) loses digits to the centring: 1e-11
                    assertClose(expected[j][f], got.get(j).<Double>getAs(FIGURES.get(f)), f == 3 ? 1e-11 : 1e-12,
                            partitions + " partitions, dimension " + j + " " + FIGURES.get(f));
                }
            }
        }
    }

    @Test
    void oneRowNoRowsVectorsAndRefusals() {
        StructType schema = new StructType().add("id", DataTypes.LongType).add("v", SQLDataTypes.VectorType())
                .add("name", DataTypes.StringType);
        List<Row> one = List.of(RowFactory.create(1L, Vectors.sparse(3, new int[] {1}, new double[] {-2.5}), "a"),
                RowFactory.create(2L, null, "b"));
        List<Row> dims = collect(Sensitivity.dimensions(spark.createDataFrame(one, schema), "v"));
        assertEquals(3, dims.size());
        assertEquals(-2.5, dims.get(1).<Double>getAs("mean"));
        assertEquals(6.25, dims.get(1).<Double>getAs("mean_sq"));
        assertEquals(0.0, dims.get(0).<Double>getAs("max"));
        assertNull(dims.get(1).getAs("std"), "the std of one row is undefined");

        List<Row> none = List.of(RowFactory.create(2L, null, "b"));
        assertTrue(collect(Sensitivity.dimensions(spark.createDataFrame(none, schema), "v")).isEmpty());
        assertTrue(collect(Sensitivity.dimensions(spark.createDataFrame(List.of(), schema), "v")).isEmpty());

        Dataset<Row> df = spark.createDataFrame(one, schema);
        assertEquals("no column \"w\" (the columns: id, v, name)",
                assertThrows(IllegalArgumentException.class, () -> Sensitivity.dimensions(df, "w")).getMessage());
        assertEquals("column \"name\" has type string; expected an array of numbers or a Spark ML vector",
                assertThrows(IllegalArgumentException.class, () -> Sensitivity.dimensions(df, "name")).getMessage());
        List<Row> ragged = List.of(RowFactory.create(1L, List.of(1.0, 2.0)), RowFactory.create(2L, List.of(1.0)));
        Exception e = assertThrows(Exception.class,
                () -> Sensitivity.dimensions(spark.createDataFrame(ragged, VECTORS).coalesce(1), "g").collectAsList());
        assertTrue(String.valueOf(e.getMessage()).contains("column \"g\": dimension mismatch: expecting 2 but got 1"),
                e.getMessage());
    }
}
