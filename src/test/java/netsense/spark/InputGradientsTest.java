package netsense.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import netsense.core.Network;
import netsense.io.InvalidSetupException;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The Transformer against the job on the same rows, against finite differences, and saved in a pipeline. */
class InputGradientsTest extends SparkTestBase {
    static final int N1 = 7;
    final Network net = randomNetwork(11, N1, 12, 5, 1);

    /** Good rows 0..count-1 (ids), then five bad ones of every kind. */
    List<Row> rowsWithBadOnes(int count) {
        List<Row> rows = new ArrayList<>(GradientJobTest.randomRows(3, count, N1));
        rows.add(RowFactory.create(9001L, null, "bad"));
        rows.add(RowFactory.create(9002L, Arrays.asList(1.0, Double.NaN, 0.0, 0.0, 0.0, 0.0, 0.0), "bad"));
        rows.add(RowFactory.create(9003L, Arrays.asList(1.0, 2.0, 3.0), "bad"));
        rows.add(RowFactory.create(9004L, Arrays.asList(1.0, 2.0, null, 0.0, 0.0, 0.0, 0.0), "bad"));
        rows.add(RowFactory.create(9005L, Arrays.asList(1e300, 0.0, 0.0, 0.0, 0.0, 0.0, Double.NEGATIVE_INFINITY), "bad"));
        return rows;
    }

    static Map<Long, Row> byId(List<Row> rows) {
        Map<Long, Row> m = new HashMap<>();
        for (Row r : rows) {
            m.put(((Number) r.getAs("id")).longValue(), r);
        }
        return m;
    }

    @Test
    void sameRowsAsTheJobAndEveryRowKept() throws Exception {
        Path model = model("m", net);
        Path input = parquet("in", rowsWithBadOnes(1000), GradientJobTest.SCHEMA, 3);
        Path out = tmp.resolve("out");
        new GradientJob(spark, GradientJob.Options.of(model.toString(), input.toString(), out.toString())).execute();
        Map<Long, Row> job = byId(spark.read().parquet(out.resolve("gradients").toString()).collectAsList());
        Map<Long, Row> rejected = byId(spark.read().parquet(out.resolve("rejected").toString()).collectAsList());

        Dataset<Row> df = spark.read().parquet(input.toString());
        Dataset<Row> g = new InputGradients().setModelPath(model.toString()).transform(df);
        assertEquals(List.of("id", "features", "tag", "output", "gradient", "grad_l1", "grad_l2", "grad_linf", "error"),
                List.of(g.schema().fieldNames()));
        List<Row> rows = g.collectAsList();
        assertEquals(1005, rows.size(), "no row dropped");
        assertEquals(1000, job.size());
        assertEquals(5, rejected.size());
        for (Row r : rows) {
            long id = r.getAs("id");
            assertEquals(id >= 9000 ? "bad" : "t" + (id % 3), r.getAs("tag"), "input columns carried");
            if (id >= 9000) {
                assertEquals(rejected.get(id).<String>getAs("error"), r.getAs("error"), "id " + id);
                for (String c : GradientJob.GRADIENT_COLUMNS) {
                    assertTrue(r.isNullAt(r.fieldIndex(c)), c + " of bad row " + id);
                }
                continue;
            }
            Row j = job.get(id);
            assertNull(r.getAs("error"));
            // the same kernel, the same norms: bit for bit
            assertEquals(j.<Double>getAs("output"), r.<Double>getAs("output"), 0.0);
            assertArrayEquals(doubles(j, "gradient"), doubles(r, "gradient"), 0.0);
            for (String norm : List.of("grad_l1", "grad_l2", "grad_linf")) {
                assertEquals(j.<Double>getAs(norm), r.<Double>getAs(norm), 0.0, norm);
            }
        }
        assertEquals("feature 1 is NaN", byId(rows).get(9002L).getAs("error"));
        assertEquals("features are null", byId(rows).get(9001L).getAs("error"));
    }

    @Test
    void badFeaturesAndBadResultsInOneBlockKeepTheirPlaceAndReason() throws Exception {
        // a = (1e308·x, 1e308·x), output a1 − a2/2 = 0.5e308·x: x = 2 overflows both to inf, inf − inf = NaN
        Network net = Network.of(List.of(
                new Network.Layer(new double[][] {{1e308}, {1e308}}, new double[] {0, 0}, netsense.core.Activation.IDENTITY),
                new Network.Layer(new double[][] {{1, -0.5}}, new double[] {0}, netsense.core.Activation.IDENTITY)));
        StructType schema = new StructType().add("id", DataTypes.LongType)
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType, true));
        List<Row> rows = new ArrayList<>();
        String[] expected = new String[40];
        for (int i = 0; i < 40; i++) {
            switch (i % 5) {
                case 1 -> rows.add(RowFactory.create((long) i, null));
                case 2 -> rows.add(RowFactory.create((long) i, List.of(2.0)));
                case 4 -> rows.add(RowFactory.create((long) i, List.of(1.0, 2.0)));
                default -> rows.add(RowFactory.create((long) i, List.of(i * 1e-3)));
            }
            expected[i] = switch (i % 5) {
                case 1 -> "features are null";
                case 2 -> "the output is not finite (NaN)";
                case 4 -> "features have 2 entries, expected 1";
                default -> null;
            };
        }
        List<Row> out = new InputGradients().setModelPath(model("nan", net).toString())
                .transform(spark.createDataFrame(rows, schema).coalesce(1)).collectAsList();
        assertEquals(40, out.size());
        for (int i = 0; i < 40; i++) {
            Row r = out.get(i);
            assertEquals(i, r.<Long>getAs("id"), "rows keep their order");
            assertEquals(expected[i], r.getAs("error"), "row " + i);
            if (expected[i] == null) {
                assertEquals(0.5e308 * (i * 1e-3), r.<Double>getAs("output"), 1e-12 * 0.5e308 * i * 1e-3, "row " + i);
                assertArrayEquals(new double[] {0.5e308}, doubles(r, "gradient"), 1e-12 * 0.5e308, "row " + i);
            } else {
                assertTrue(r.isNullAt(r.fieldIndex("output")) && r.isNullAt(r.fieldIndex("gradient")), "row " + i);
            }
        }
    }

    @Test
    void gradientsAgreeWithFiniteDifferencesOfTheOutputs() {
        Network wide = randomNetwork(5, 4, 9, 3);
        Path model = model4(wide);
        double h = 1e-5;
        double[][] x = InputFormatsTest.randomX(20, 4);
        StructType schema = new StructType().add("id", DataTypes.LongType)
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType, false));
        // row 9*i is x_i; rows 9*i + 1 + 2j and 9*i + 2 + 2j are x_i ± h e_j
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            rows.add(RowFactory.create((long) 9 * i, box(x[i])));
            for (int j = 0; j < 4; j++) {
                for (int s = 0; s < 2; s++) {
                    double[] y = x[i].clone();
                    y[j] += s == 0 ? h : -h;
                    rows.add(RowFactory.create((long) 9 * i + 1 + 2 * j + s, box(y)));
                }
            }
        }
        Map<Long, Row> out = byId(new InputGradients().setModelPath(model.toString()).setOutputIndex(2)
                .transform(spark.createDataFrame(rows, schema).repartition(3)).collectAsList());
        for (int i = 0; i < x.length; i++) {
            double[] g = doubles(out.get(9L * i), "gradient");
            for (int j = 0; j < 4; j++) {
                double fd = (out.get(9L * i + 1 + 2 * j).<Double>getAs("output")
                        - out.get(9L * i + 2 + 2 * j).<Double>getAs("output")) / (2 * h);
                assertEquals(fd, g[j], 1e-7 * Math.max(1, Math.abs(fd)), "row " + i + " dim " + j);
            }
        }
    }

    private Path model4(Network n) {
        try {
            return model("m4", n);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static List<Double> box(double[] x) {
        return Arrays.stream(x).boxed().toList();
    }

    @Test
    void vectorFeaturesAndAnotherColumnName() throws Exception {
        Path model = model("m", net);
        double[][] x = InputFormatsTest.randomX(50, N1);
        StructType schema = new StructType().add("id", DataTypes.LongType).add("v", SQLDataTypes.VectorType())
                .add("arr", DataTypes.createArrayType(DataTypes.DoubleType, false));
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            rows.add(RowFactory.create((long) i, Vectors.dense(x[i]), box(x[i])));
        }
        rows.add(RowFactory.create(-1L, null, null));
        Dataset<Row> df = spark.createDataFrame(rows, schema);
        InputGradients t = new InputGradients().setModelPath(model.toString()).setFeaturesCol("arr");
        Map<Long, Row> fromArray = byId(t.transform(df).collectAsList());
        Map<Long, Row> fromVector = byId(t.copy(ParamMap.empty()).setFeaturesCol("v").transform(df).collectAsList());
        for (long i = 0; i < x.length; i++) {
            assertArrayEquals(doubles(fromArray.get(i), "gradient"), doubles(fromVector.get(i), "gradient"), 0.0);
        }
        assertEquals("features are null", fromVector.get(-1L).getAs("error"), "a null vector is a bad row");
        assertEquals("arr", t.getFeaturesCol(), "the copy's setter leaves the original alone");
    }

    /** The message the command line gives for the same model and features column. */
    String jobMessage(Path model, Path input, String featuresCol, Integer outputIndex) {
        GradientJob.Options o = GradientJob.Options.builder(model.toString(), input.toString(), tmp.resolve("refused").toString()).featuresCol(featuresCol).outputIndex(outputIndex).build();
        return assertThrows(InvalidSetupException.class, () -> new GradientJob(spark, o).execute()).getMessage();
    }

    String transformMessage(InputGradients t, StructType schema) {
        return assertThrows(InvalidSetupException.class, () -> t.transformSchema(schema)).getMessage();
    }

    @Test
    void wrongColumnsAreRefusedWithTheCommandLinesMessages() throws Exception {
        Path model = model("m", net);
        Path input = parquet("in", GradientJobTest.randomRows(1, 10, N1), GradientJobTest.SCHEMA, 1);
        StructType schema = spark.read().parquet(input.toString()).schema();
        InputGradients t = new InputGradients().setModelPath(model.toString());

        String missing = transformMessage(t.copy(ParamMap.empty()).setFeaturesCol("x"), schema);
        assertEquals("the input has no features column \"x\" (its columns: id, features, tag)", missing);
        assertEquals(jobMessage(model, input, "x", null), missing);

        String wrongType = transformMessage(t.copy(ParamMap.empty()).setFeaturesCol("tag"), schema);
        assertTrue(wrongType.startsWith("features column \"tag\" has type string; expected array<double>"), wrongType);
        assertEquals(jobMessage(model, input, "tag", null), wrongType);

        // a vector column whose metadata declares 5 entries, for a model of 7
        StructType vectors = new StructType().add("id", DataTypes.LongType)
                .add(new AttributeGroup("v", 5).toStructField());
        Path vectorInput = tmp.resolve("vin");
        spark.createDataFrame(List.of(RowFactory.create(1L, Vectors.dense(new double[5]))), vectors).write()
                .parquet(vectorInput.toString());
        String width = transformMessage(t.copy(ParamMap.empty()).setFeaturesCol("v"),
                spark.read().parquet(vectorInput.toString()).schema());
        assertEquals("the input has 5 features per row, the model takes 7 (model shape [7,12,5,1])", width);
        assertEquals(jobMessage(model, vectorInput, "v", null), width);

        Path three = model("three", randomNetwork(2, N1, 4, 3));
        assertEquals("the model has 3 outputs; choose one with outputIndex K (0..2)",
                transformMessage(new InputGradients().setModelPath(three.toString()), schema));
        assertEquals("outputIndex 3 is not in 0..2 (the model has 3 outputs)",
                transformMessage(new InputGradients().setModelPath(three.toString()).setOutputIndex(3), schema));
        assertEquals(jobMessage(three, input, null, 3).replace("--output-index", "outputIndex"),
                transformMessage(new InputGradients().setModelPath(three.toString()).setOutputIndex(3), schema));

        assertEquals("method \"lime\" is not supported; supported: gradient, input-x-gradient, integrated-gradients,"
                + " smoothgrad, smoothgrad-sq, vargrad", transformMessage(t.copy(ParamMap.empty()).setMethod("lime"), schema));
        assertEquals("--noise-std and --noise-rel exclude each other: give one", transformMessage(
                t.copy(ParamMap.empty()).setMethod("smoothgrad").setNoiseStd(0.1).setNoiseRel(0.1), schema));
        assertEquals("no model: set the model file with setModelPath", transformMessage(new InputGradients(), schema));
        assertEquals("model file " + tmp.resolve("none.json") + " does not exist",
                transformMessage(new InputGradients().setModelPath(tmp.resolve("none.json").toString()), schema));
        assertEquals("the input has a column \"error\", which InputGradients adds; rename or drop it first",
                transformMessage(t, schema.add("error", DataTypes.StringType)));
        assertEquals("the input has a column \"Grad_L2\", which InputGradients adds; rename or drop it first",
                transformMessage(t, schema.add("Grad_L2", DataTypes.DoubleType)), "names compare as Spark's do");
    }

    @Test
    void aPipelineHoldingItSavesAndLoads() throws Exception {
        Path model = model("m3", randomNetwork(4, N1, 6, 3));
        Path input = parquet("in", rowsWithBadOnes(300), GradientJobTest.SCHEMA, 2);
        Dataset<Row> df = spark.read().parquet(input.toString());
        InputGradients stage = new InputGradients().setModelPath(model.toString()).setOutputIndex(1);
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {stage}).fit(df);
        Path saved = tmp.resolve("pipeline");
        fitted.save(saved.toString());
        PipelineModel loaded = PipelineModel.load(saved.toString());

        InputGradients back = (InputGradients) loaded.stages()[0];
        assertEquals(stage.uid(), back.uid());
        assertEquals(model.toString(), back.getModelPath());
        assertEquals(1, back.getOutputIndex());
        assertEquals("features", back.getFeaturesCol());
        Map<Long, Row> before = byId(fitted.transform(df).collectAsList());
        Map<Long, Row> after = byId(loaded.transform(df).collectAsList());
        assertEquals(305, after.size());
        for (Map.Entry<Long, Row> e : before.entrySet()) {
            assertEquals(e.getValue().toString(), after.get(e.getKey()).toString(), "id " + e.getKey());
        }
        // the output index was saved: index 0 gives other gradients
        Map<Long, Row> zero = byId(back.copy(ParamMap.empty()).setOutputIndex(0).transform(df).collectAsList());
        assertNotEquals(before.get(0L).<Double>getAs("output"), zero.get(0L).<Double>getAs("output"));

        Path alone = tmp.resolve("stage");
        stage.save(alone.toString());
        assertEquals(1, InputGradients.load(alone.toString()).getOutputIndex());
    }
}
