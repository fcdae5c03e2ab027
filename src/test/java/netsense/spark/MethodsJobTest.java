package netsense.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import netsense.core.Activation;
import netsense.core.Attribution.Method;
import netsense.core.Network;
import netsense.io.InvalidSetupException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The attribution methods and all outputs through the job, the library and their outputs. */
class MethodsJobTest extends SparkTestBase {
    static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.LongType, false)
            .add("features", DataTypes.createArrayType(DataTypes.DoubleType, true))
            .add("base", DataTypes.createArrayType(DataTypes.DoubleType, true));
    static final double[] W = {0.5, -2, 0.25};

    static Network linear() {
        return Network.of(List.of(new Network.Layer(new double[][] {W}, new double[] {0.1}, Activation.IDENTITY)));
    }

    static List<Row> rows(long seed, int count) {
        Random rnd = new Random(seed);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            rows.add(RowFactory.create((long) i, Arrays.asList(rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian()),
                    Arrays.asList(0.1 * i % 1, -0.5, 0.25)));
        }
        return rows;
    }

    static double[] list(Row r, int i) {
        List<?> values = r.get(i) instanceof List<?> l ? l : r.getList(i); // rows made here, or read by Spark
        return values.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
    }

    GradientJob.Result run(String name, Network net, Path input, MethodOptions method, boolean all, Integer k)
            throws Exception {
        GradientJob.Builder b = GradientJob.Options.builder(model(name + "-model", net).toString(), input.toString(),
                tmp.resolve(name).toString()).method(method).allOutputs(all).outputIndex(k).blockRows(16);
        return new GradientJob(spark, b.build()).execute();
    }

    @Test
    void integratedGradientsOnALinearNetworkAreTheLinearTermsWithAPerRowBaseline() throws Exception {
        List<Row> rows = new ArrayList<>(rows(1, 200));
        rows.add(RowFactory.create(999L, Arrays.asList(1.0, 2.0, 3.0), Arrays.asList(1.0, Double.NaN, 3.0)));
        Path input = parquet("in", rows, SCHEMA, 3);
        run("ig", linear(), input, MethodOptions.of(Method.INTEGRATED_GRADIENTS).withSteps(7).withBaseline("base"),
                false, null);
        Path out = tmp.resolve("ig");
        assertEquals(List.of("id", "output", "attribution", "attr_l1", "attr_l2", "attr_linf", "delta"),
                List.of(spark.read().parquet(out.resolve("gradients").toString()).columns()));
        List<Row> written = readSorted(out.resolve("gradients"), "id");
        assertEquals(200, written.size());
        for (Row r : written) {
            Row in = rows.get((int) r.getLong(0));
            double[] x = list(in, 1);
            double[] base = list(in, 2);
            double[] a = list(r, 2);
            for (int j = 0; j < 3; j++) {
                assertEquals((x[j] - base[j]) * W[j], a[j], 1e-14 * Math.max(1, Math.abs(a[j])));
            }
            assertEquals(0, r.getDouble(6), 1e-13, "complete on a linear network");
        }
        Row bad = spark.read().parquet(out.resolve("rejected").toString()).collectAsList().get(0);
        assertEquals("baseline entry 1 is NaN", bad.getString(bad.fieldIndex("error")));
        JsonNode s = summary(out);
        assertEquals("integrated-gradients", s.get("method").get("name").asText());
        assertEquals(7, s.get("method").get("steps").asInt());
        assertEquals("base", s.get("method").get("baseline").asText());
        assertTrue(s.get("delta").get("max_abs").asDouble() < 1e-13);
        assertEquals(1, s.get("rows").get("rejected").asInt());
        assertTrue(java.nio.file.Files.readString(out.resolve("report.html")).contains("Completeness"));
    }

    @Test
    void aMeanBaselineIsTheInputsColumnMeans() throws Exception {
        List<Row> rows = rows(2, 300);
        Path input = parquet("in", rows, SCHEMA, 4);
        run("mean", linear(), input, MethodOptions.of(Method.INTEGRATED_GRADIENTS).withBaseline("mean"), false, null);
        double[] mean = new double[3];
        for (Row r : rows) {
            double[] x = list(r, 1);
            for (int j = 0; j < 3; j++) {
                mean[j] += x[j] / rows.size();
            }
        }
        for (Row r : readSorted(tmp.resolve("mean").resolve("gradients"), "id")) {
            double[] x = list(rows.get((int) r.getLong(0)), 1);
            double[] a = list(r, 2);
            for (int j = 0; j < 3; j++) {
                assertEquals((x[j] - mean[j]) * W[j], a[j], 1e-12);
            }
        }
    }

    @Test
    void smoothGradRepeatsForAnyPartitioningAndChangesWithTheSeed() throws Exception {
        Network net = randomNetwork(3, 3, 8, 1);
        List<Row> rows = rows(4, 150);
        Path one = parquet("one", rows, SCHEMA, 1);
        Path many = parquet("many", rows, SCHEMA, 17);
        MethodOptions sg = MethodOptions.of(Method.VARGRAD).withSamples(5).withNoiseStd(0.2).withSeed(7);
        run("sg1", net, one, sg, false, null);
        run("sg17", net, many, sg, false, null);
        run("sg-other", net, one, sg.withSeed(8), false, null);
        List<Row> a = readSorted(tmp.resolve("sg1").resolve("gradients"), "id");
        List<Row> b = readSorted(tmp.resolve("sg17").resolve("gradients"), "id");
        List<Row> c = readSorted(tmp.resolve("sg-other").resolve("gradients"), "id");
        boolean differs = false;
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(list(a.get(i), 2), list(b.get(i), 2), 0.0, "row " + i);
            for (double v : list(a.get(i), 2)) {
                assertTrue(v >= 0, "VarGrad is a variance");
            }
            differs |= !Arrays.equals(list(a.get(i), 2), list(c.get(i), 2));
        }
        assertTrue(differs, "another seed draws other noise");
        JsonNode s = summary(tmp.resolve("sg1"));
        assertEquals(0.2, s.get("method").get("noise_std").asDouble());
        assertEquals(7, s.get("method").get("seed").asInt());
    }

    @Test
    void everyOutputAtOnceEqualsEachOutputAlone() throws Exception {
        Network net = randomNetwork(5, 3, 6, 4);
        List<Row> rows = rows(6, 120);
        Path input = parquet("in", rows, SCHEMA, 2);
        run("all", net, input, MethodOptions.of(Method.INPUT_X_GRADIENT), true, null);
        Path all = tmp.resolve("all");
        StructType written = spark.read().parquet(all.resolve("gradients").toString()).schema();
        assertEquals("array<array<double>>", written.apply("attribution").dataType().simpleString());
        assertEquals("array<double>", written.apply("output").dataType().simpleString());
        List<Row> every = readSorted(all.resolve("gradients"), "id");
        JsonNode s = summary(all);
        assertEquals("all", s.get("model").get("output_index").asText());
        assertEquals(4, s.get("outputs").size());
        assertFalse(s.has("dimensions"));
        for (int k = 0; k < 4; k++) {
            run("k" + k, net, input, MethodOptions.of(Method.INPUT_X_GRADIENT), false, k);
            List<Row> one = readSorted(tmp.resolve("k" + k).resolve("gradients"), "id");
            for (int i = 0; i < one.size(); i++) {
                Row r = every.get(i);
                assertEquals(one.get(i).getDouble(1), list(r, 1)[k], 1e-15);
                List<Object> vectors = r.getList(2);
                @SuppressWarnings("unchecked")
                double[] vk = ((scala.collection.Seq<Object>) null) == null
                        ? ((List<Object>) (List<?>) scala.jdk.javaapi.CollectionConverters.asJava(
                        (scala.collection.Seq<Object>) vectors.get(k))).stream()
                        .mapToDouble(v -> ((Number) v).doubleValue()).toArray() : null;
                assertArrayEquals(list(one.get(i), 2), vk, 1e-15);
                assertEquals(one.get(i).getDouble(4), list(r, 4)[k], 1e-15, "L2 norm of output " + k);
            }
            JsonNode alone = summary(tmp.resolve("k" + k));
            assertEquals(alone.get("dimensions").get(1).get("mean_sq").asDouble(),
                    s.get("outputs").get(k).get("dimensions").get(1).get("mean_sq").asDouble(), 1e-12);
        }
        String report = java.nio.file.Files.readString(all.resolve("report.html"));
        assertTrue(report.contains("<select id=\"output-select\">"));
        assertTrue(report.contains("script-src 'sha256-"));
    }

    @Test
    void wrongMethodSettingsAreRefusedBeforeAnyWork() throws Exception {
        Path input = parquet("in", rows(7, 10), SCHEMA, 1);
        InvalidSetupException e = assertThrows(InvalidSetupException.class, () -> run("bad1", linear(), input,
                MethodOptions.of(Method.INTEGRATED_GRADIENTS).withBaseline("nothing"), false, null));
        assertTrue(e.getMessage().startsWith("--baseline nothing: the input has no such column"), e.getMessage());
        e = assertThrows(InvalidSetupException.class, () -> run("bad2", linear(), input,
                MethodOptions.of(Method.INTEGRATED_GRADIENTS).withSteps(0), false, null));
        assertEquals("--steps 0 is not in 1..1000 (gausslegendre)", e.getMessage());
        e = assertThrows(InvalidSetupException.class, () -> run("bad3", linear(), input,
                MethodOptions.of(Method.SMOOTHGRAD).withNoiseStd(0.1).withNoiseRel(0.2), false, null));
        assertEquals("--noise-std and --noise-rel exclude each other: give one", e.getMessage());
        e = assertThrows(InvalidSetupException.class, () -> run("bad4", linear(), input, MethodOptions.gradient(),
                true, 0));
        assertEquals("--output-index is one output's index or all, not both", e.getMessage());
        for (String name : List.of("bad1", "bad2", "bad3", "bad4")) {
            assertFalse(java.nio.file.Files.exists(tmp.resolve(name)), name + " written");
        }
    }

    @Test
    void theLibraryComputesEveryMethod() throws Exception {
        List<Row> rows = rows(8, 40);
        Path modelFile = model("lin", linear());
        var df = spark.createDataFrame(rows, SCHEMA);
        List<Row> out = new InputGradients().setModelPath(modelFile.toString()).setMethod("integrated-gradients")
                .setSteps(3).transform(df).collectAsList();
        for (Row r : out) {
            double[] x = list(r, 1);
            double[] a = list(r, r.fieldIndex("attribution"));
            for (int j = 0; j < 3; j++) {
                assertEquals(x[j] * W[j], a[j], 1e-14 * Math.max(1, Math.abs(a[j])));
            }
            assertEquals(0, r.getDouble(r.fieldIndex("delta")), 1e-13);
        }
        List<Row> sg = new InputGradients().setModelPath(modelFile.toString()).setMethod("smoothgrad")
                .setIdCol("id").setNoiseStd(0.3).transform(df).collectAsList();
        for (Row r : sg) { // a linear network's gradient does not depend on the point
            assertArrayEquals(W, list(r, r.fieldIndex("attribution")), 1e-14);
        }
    }
}
