package netsense.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import netsense.core.GradientKernel;
import netsense.core.Network;
import netsense.io.InvalidSetupException;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Every input layout the SPEC names gives the gradients the core kernel gives on the same numbers. */
class InputFormatsTest extends SparkTestBase {
    static final int ROWS = 300;
    static final int N1 = 5;

    final Network net = randomNetwork(7, N1, 6, 1);
    final double[][] x = randomX(ROWS, N1);

    static double[][] randomX(int rows, int width) {
        Random rnd = new Random(9);
        double[][] x = new double[rows][width];
        for (double[] row : x) {
            for (int j = 0; j < width; j++) {
                row[j] = rnd.nextGaussian();
            }
        }
        return x;
    }

    /** Runs the job and checks every gradient against the kernel on {@code expectedX}. */
    void runAndCheck(Path input, Network network, int k, double[][] expectedX, GradientJob.Options options)
            throws Exception {
        GradientJob.Result r = new GradientJob(spark, options).execute();
        assertEquals(expectedX.length, r.rows().ok(), "rows ok");
        assertEquals(0, r.rows().rejected());
        int n1 = network.inputWidth();
        GradientKernel kernel = new GradientKernel(network, k, 1);
        double[] y = new double[1];
        double[] g = new double[n1];
        List<Row> out = readSorted(Path.of(options.output()).resolve("gradients"), "id");
        for (int i = 0; i < expectedX.length; i++) {
            kernel.compute(expectedX[i], 0, 1, y, 0, g, 0);
            Row row = out.get(i);
            assertEquals(i, ((Number) row.getAs("id")).longValue());
            assertEquals(y[0], row.<Double>getAs("output"), 1e-14);
            double[] got = doubles(row, "gradient");
            for (int j = 0; j < n1; j++) {
                assertEquals(g[j], got[j], 1e-14, "row " + i + " dim " + j);
            }
        }
    }

    GradientJob.Options options(Path model, Path input, String out) {
        return GradientJob.Options.of(model.toString(), input.toString(), tmp.resolve(out).toString());
    }

    @Test
    void standardThreeLevelListsFromANonSparkWriter() throws Exception {
        MessageType schema = MessageTypeParser.parseMessageType("message row {\n"
                + "  required int64 id;\n"
                + "  optional group features (LIST) {\n"
                + "    repeated group list {\n"
                + "      optional double element;\n"
                + "    }\n"
                + "  }\n"
                + "}");
        Path file = tmp.resolve("plain").resolve("part-0.parquet");
        SimpleGroupFactory groups = new SimpleGroupFactory(schema);
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(
                new org.apache.hadoop.fs.Path(file.toUri())).withType(schema).build()) {
            for (int i = 0; i < ROWS; i++) {
                Group g = groups.newGroup().append("id", (long) i);
                Group list = g.addGroup("features");
                for (double v : x[i]) {
                    list.addGroup("list").append("element", v);
                }
                w.write(g);
            }
        }
        runAndCheck(file, net, 0, x, options(model("m", net), file.getParent(), "out"));
    }

    @Test
    void floatArrays() throws Exception {
        StructType schema = new StructType().add("id", DataTypes.LongType)
                .add("features", DataTypes.createArrayType(DataTypes.FloatType, false));
        List<Row> rows = new ArrayList<>();
        double[][] asFloats = new double[ROWS][N1];
        for (int i = 0; i < ROWS; i++) {
            List<Float> f = new ArrayList<>();
            for (int j = 0; j < N1; j++) {
                float v = (float) x[i][j];
                f.add(v);
                asFloats[i][j] = v;
            }
            rows.add(RowFactory.create((long) i, f));
        }
        Path input = parquet("in", rows, schema, 2);
        runAndCheck(input, net, 0, asFloats, options(model("m", net), input, "out"));
    }

    @Test
    void denseAndSparseMlVectors() throws Exception {
        StructType schema = new StructType().add("id", DataTypes.LongType).add("vec", SQLDataTypes.VectorType());
        List<Row> rows = new ArrayList<>();
        double[][] expected = new double[ROWS][];
        for (int i = 0; i < ROWS; i++) {
            if (i % 2 == 0) {
                rows.add(RowFactory.create((long) i, Vectors.dense(x[i])));
                expected[i] = x[i];
            } else {
                // entries 1 and 3 only
                rows.add(RowFactory.create((long) i, Vectors.sparse(N1, new int[] {1, 3}, new double[] {x[i][1], x[i][3]})));
                expected[i] = new double[] {0, x[i][1], 0, x[i][3], 0};
            }
        }
        Path input = parquet("in", rows, schema, 2);
        Path model = model("m", net);
        runAndCheck(input, net, 0, expected, GradientJob.Options.builder(model.toString(), input.toString(), tmp.resolve("out").toString()).featuresCol("vec").build());
    }

    @Test
    void oneColumnPerDimensionWithKeptColumns() throws Exception {
        StructType schema = new StructType().add("key", DataTypes.IntegerType).add("a", DataTypes.DoubleType)
                .add("b", DataTypes.FloatType).add("c", DataTypes.IntegerType).add("note", DataTypes.StringType);
        Network small = randomNetwork(8, 3, 4, 1);
        List<Row> rows = new ArrayList<>();
        double[][] expected = new double[ROWS][];
        for (int i = 0; i < ROWS; i++) {
            float b = (float) x[i][1];
            int c = i % 7 - 3;
            rows.add(RowFactory.create(i, x[i][0], b, c, "n" + i));
            expected[i] = new double[] {x[i][0], b, c};
        }
        Path input = parquet("in", rows, schema, 3);
        GradientJob.Options options = GradientJob.Options.builder(model("m", small).toString(), input.toString(), tmp.resolve("out").toString()).featureCols(List.of("a", "b", "c")).idCol("key").keepCols(List.of("note")).build();
        GradientJob.Result r = new GradientJob(spark, options).execute();
        assertEquals(List.of("a", "b", "c"), r.dimensionNames());
        List<Row> out = readSorted(tmp.resolve("out").resolve("gradients"), "key");
        assertEquals(List.of("key", "note", "output", "gradient", "grad_l1", "grad_l2", "grad_linf"),
                List.of(out.get(0).schema().fieldNames()));
        GradientKernel kernel = new GradientKernel(small, 0, 1);
        double[] y = new double[1];
        double[] g = new double[3];
        for (int i = 0; i < ROWS; i++) {
            kernel.compute(expected[i], 0, 1, y, 0, g, 0);
            assertEquals("n" + i, out.get(i).getString(1));
            double[] got = doubles(out.get(i), "gradient");
            for (int j = 0; j < 3; j++) {
                assertEquals(g[j], got[j], 1e-14);
            }
        }
        assertEquals("\"a\"", summary(tmp.resolve("out")).at("/dimensions/0/name").toString());
    }

    @Test
    void float32PrecisionStaysCloseToFloat64() throws Exception {
        StructType schema = new StructType().add("id", DataTypes.LongType)
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType, false));
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            rows.add(RowFactory.create((long) i, x[i]));
        }
        Path input = parquet("in", rows, schema, 2);
        GradientJob.Result r = new GradientJob(spark, GradientJob.Options.builder(model("m", net).toString(), input.toString(), tmp.resolve("out").toString()).precision(netsense.core.BlockKernel.Precision.FLOAT32).build()).execute();
        assertEquals(ROWS, r.rows().ok());
        GradientKernel kernel = new GradientKernel(net, 0, 1);
        double[] y = new double[1];
        double[] g = new double[N1];
        List<Row> out = readSorted(tmp.resolve("out").resolve("gradients"), "id");
        for (int i = 0; i < ROWS; i++) {
            kernel.compute(x[i], 0, 1, y, 0, g, 0);
            double scale = java.util.Arrays.stream(g).map(Math::abs).max().getAsDouble();
            double[] got = doubles(out.get(i), "gradient");
            for (int j = 0; j < N1; j++) {
                assertEquals(g[j], got[j], 1e-5 * scale, "row " + i + " dim " + j);
            }
            assertEquals(y[0], out.get(i).getDouble(1), 1e-6);
        }
    }

    @Test
    void outputIndexOfAWideOutputLayer() throws Exception {
        Network three = randomNetwork(11, N1, 6, 3);
        StructType schema = new StructType().add("id", DataTypes.LongType)
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType, false));
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            rows.add(RowFactory.create((long) i, x[i]));
        }
        Path input = parquet("in", rows, schema, 2);
        Path model = model("m3", three);
        runAndCheck(input, three, 2, x, GradientJob.Options.builder(model.toString(), input.toString(), tmp.resolve("out").toString()).outputIndex(2).build());
        assertEquals(2, summary(tmp.resolve("out")).at("/model/output_index").asInt());
        InvalidSetupException e = assertThrows(InvalidSetupException.class, () -> new GradientJob(spark,
                options(model, input, "out2")).execute());
        assertEquals("the model has 3 outputs; choose one with --output-index K (0..2)", e.getMessage());
    }
}
