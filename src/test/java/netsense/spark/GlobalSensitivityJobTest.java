package netsense.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import netsense.core.Activation;
import netsense.core.Attribution.Method;
import netsense.core.DgsmBound;
import netsense.core.Network;
import netsense.io.InvalidSetupException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The global-sensitivity figures through the job (SPEC, "Global sensitivity: bounds,
 * uncertainty, groups"): inputs and quantiles per dimension, the DGSM bound, groups, the
 * bootstrap and the sample, each against an oracle or against another partitioning.
 */
class GlobalSensitivityJobTest extends SparkTestBase {
    static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.LongType, false)
            .add("features", DataTypes.createArrayType(DataTypes.DoubleType, true))
            .add("tag", DataTypes.StringType, true)
            .add("klass", DataTypes.IntegerType, false);
    static final double[] W = {0.5, -2, 0.25};

    /** Rows of uniform x in [0, 1)³, tags "a".."c" and null, classes 0..classes − 1; row 7 has a NaN feature. */
    static List<Row> rows(long seed, int count, int classes) {
        Random rnd = new Random(seed);
        List<Row> rows = new ArrayList<>();
        String[] tags = {"a", "b", "c", null};
        for (int i = 0; i < count; i++) {
            List<Double> x = Arrays.asList(rnd.nextDouble(), rnd.nextDouble(), i == 7 ? Double.NaN : rnd.nextDouble());
            rows.add(RowFactory.create((long) i, x, tags[i % 4], i % classes));
        }
        return rows;
    }

    static Network linear() {
        return Network.of(List.of(new Network.Layer(new double[][] {W}, new double[] {0.1}, Activation.IDENTITY)));
    }

    GradientJob.Result run(String name, Network net, Path input, GlobalOptions global, MethodOptions method,
                           boolean all) throws Exception {
        GradientJob.Builder b = GradientJob.Options.builder(model(name + "-model", net).toString(), input.toString(),
                tmp.resolve(name).toString()).global(global).blockRows(16).keepCols(List.of("tag"));
        if (method != null) {
            b.method(method);
        }
        b.allOutputs(all);
        return new GradientJob(spark, b.build()).execute();
    }

    GradientJob.Result run(String name, Network net, Path input, GlobalOptions global) throws Exception {
        return run(name, net, input, global, null, false);
    }

    @Test
    void everyDimensionHasItsInputsQuantilesAndTheUniformBoundOfAnIdentityNetwork() throws Exception {
        Path input = parquet("in", rows(1, 2000, 3), SCHEMA, 3);
        Path bounds = tmp.resolve("bounds.json");
        Files.writeString(bounds, "[[0, 1], [0, 1], [0, 1]]");
        run("lin", linear(), input, GlobalOptions.defaults().withDgsmBound(DgsmBound.Poincare.UNIFORM,
                bounds.toString()));
        JsonNode s = summary(tmp.resolve("lin"));
        assertEquals("uniform", s.at("/dgsm/poincare").asText());
        assertEquals("given", s.at("/dgsm/bounds").asText());
        double d = Math.pow(s.at("/output/std").asDouble(), 2);
        double total = 0;
        for (int i = 0; i < 3; i++) {
            JsonNode dim = s.get("dimensions").get(i);
            assertEquals(W[i] * W[i], dim.get("mean_sq").asDouble(), 1e-15);
            assertEquals(W[i] * W[i] / (Math.PI * Math.PI) / d, dim.get("dgsm_bound").asDouble(), 1e-12);
            assertEquals(W[i], dim.at("/quantiles/p50").asDouble(), 1e-12 + 0.011 * Math.abs(W[i]));
            assertEquals(0.5, dim.at("/input/mean").asDouble(), 0.03);
            assertTrue(dim.at("/input/min").asDouble() >= 0 && dim.at("/input/max").asDouble() < 1);
            assertEquals(Math.sqrt(1 / 12.0), dim.at("/input/std").asDouble(), 0.01);
            // S_Ti = w_i²/12 / D for independent uniform inputs: the bound is 12/π² times it
            double sobol = W[i] * W[i] / 12 / d;
            assertEquals(12 / (Math.PI * Math.PI), dim.get("dgsm_bound").asDouble() / sobol, 1e-12);
            total += sobol;
        }
        assertEquals(1, total, 0.08, "Σ S_Ti = 1 for a linear function of independent inputs, to the sample's error");
        String report = Files.readString(tmp.resolve("lin/report.html"));
        assertTrue(report.contains("Poincaré constant of the uniform distribution"), "the constant is named");
        assertTrue(report.contains("id=\"boxes\"") && report.contains("id=\"dependence\""));
    }

    @Test
    void theNormalBoundUsesTheInputsVarianceAndGroupsEqualRunsOnTheFilteredInput() throws Exception {
        Network net = randomNetwork(4, 3, 6, 1);
        Path input = parquet("in", rows(2, 600, 3), SCHEMA, 3);
        run("grouped", net, input, GlobalOptions.defaults().withDgsmBound(DgsmBound.Poincare.NORMAL, null)
                .withGroupBy("tag", 10));
        JsonNode s = summary(tmp.resolve("grouped"));
        assertEquals("tag", s.get("group_by").asText());
        JsonNode groups = s.get("groups");
        assertEquals(4, groups.size());
        assertTrue(groups.get(0).get("key").isNull(), "null first, as Spark sorts");
        assertEquals(List.of("a", "b", "c"), List.of(groups.get(1).get("key").asText(), groups.get(2).get("key").asText(),
                groups.get(3).get("key").asText()));
        long sum = 0;
        for (int g = 0; g < 4; g++) {
            JsonNode group = groups.get(g);
            String key = group.get("key").isNull() ? null : group.get("key").asText();
            Path alone = tmp.resolve("alone-" + g);
            spark.read().parquet(input.toString())
                    .where(key == null ? functions.col("tag").isNull() : functions.col("tag").equalTo(key))
                    .write().parquet(alone.toString());
            run("run-" + g, net, alone, GlobalOptions.defaults().withDgsmBound(DgsmBound.Poincare.NORMAL, null));
            JsonNode single = summary(tmp.resolve("run-" + g));
            assertEquals(single.at("/rows/ok").asLong(), group.at("/rows/ok").asLong());
            sum += group.at("/rows/ok").asLong();
            assertClose(single.get("output"), group.get("output"), "group " + key + " output");
            assertClose(single.at("/norms/l2/mean"), group.at("/norms/l2/mean"), "l2");
            for (int i = 0; i < 3; i++) {
                JsonNode a = single.get("dimensions").get(i);
                JsonNode b = group.get("dimensions").get(i);
                for (String f : List.of("mean", "mean_abs", "mean_sq", "std", "min", "max", "dgsm_bound")) {
                    assertClose(a.get(f), b.get(f), "group " + key + " dimension " + i + " " + f);
                }
                assertClose(a.get("input"), b.get("input"), "input");
                assertClose(a.get("quantiles"), b.get("quantiles"), "quantiles");
            }
        }
        assertEquals(s.at("/rows/ok").asLong(), sum);
        JsonNode dim = s.get("dimensions").get(1);
        assertEquals(Math.pow(dim.at("/input/std").asDouble(), 2) * dim.get("mean_sq").asDouble()
                / Math.pow(s.at("/output/std").asDouble(), 2), dim.get("dgsm_bound").asDouble(), 1e-12);
        assertTrue(Files.readString(tmp.resolve("grouped/report.html")).contains("id=\"groups\""));
    }

    static void assertClose(JsonNode expected, JsonNode actual, String what) {
        assertNotNull(actual, what);
        if (expected.isObject()) {
            expected.fieldNames().forEachRemaining(f -> assertClose(expected.get(f), actual.get(f), what + "." + f));
            return;
        }
        if (expected.isNull()) {
            assertTrue(actual.isNull(), what);
            return;
        }
        double e = expected.asDouble();
        assertEquals(e, actual.asDouble(), 1e-9 * Math.max(1e-300, Math.abs(e)) + 1e-300, what);
    }

    @Test
    void tooManyGroupsStopsTheJobWithTheCountAndWritesNothing() throws Exception {
        Path input = parquet("in", rows(3, 300, 8), SCHEMA, 3);
        Path out = tmp.resolve("many");
        InvalidSetupException e = assertThrows(InvalidSetupException.class, () -> new GradientJob(spark,
                GradientJob.Options.builder(model("m", linear()).toString(), input.toString(), out.toString())
                        .global(GlobalOptions.defaults().withGroupBy("klass", 5)).build()).execute());
        assertEquals("--group-by klass: the input has 8 distinct keys, more than --max-groups 5; nothing written",
                e.getMessage());
        assertFalse(Files.exists(out), "nothing written");
        try (var listing = Files.list(tmp)) {
            assertTrue(listing.noneMatch(p -> p.getFileName().toString().contains("many")), "no staging left");
        }
    }

    @Test
    void theSampleIsTheSameRowsForAnyPartitioningAndItsSizeIsAtMostTheGoodRows() throws Exception {
        Network net = randomNetwork(5, 3, 4, 1);
        List<Row> rows = rows(4, 500, 3);
        List<List<Object>> samples = new ArrayList<>();
        for (int parts : new int[] {1, 17, 17}) {
            Path input = parquet("in-" + samples.size(), rows, SCHEMA, parts);
            String name = "sample-" + samples.size();
            run(name, net, input, GlobalOptions.defaults().withSampleRows(40));
            JsonNode s = summary(tmp.resolve(name));
            assertEquals(40, s.at("/sample/rows").asInt());
            assertEquals("sample/", s.at("/sample/path").asText());
            var sample = spark.read().parquet(tmp.resolve(name).resolve("sample").toString());
            assertEquals(List.of("id", "tag", "features", "output", "gradient"), List.of(sample.columns()));
            samples.add(sample.collectAsList().stream().map(r -> (Object) r.getLong(0)).toList());
            // each sampled row as gradients/ has it
            for (Row r : sample.collectAsList()) {
                Row g = spark.read().parquet(tmp.resolve(name).resolve("gradients").toString())
                        .where(functions.col("id").equalTo(r.getLong(0))).first();
                assertEquals(g.getDouble(2), r.getDouble(3));
                assertEquals(g.getList(3), r.getList(4));
                assertEquals(rows.get((int) r.getLong(0)).get(1), r.getList(2));
            }
        }
        assertEquals(samples.get(0), samples.get(1), "1 and 17 partitions");
        assertEquals(samples.get(1), samples.get(2), "every run");
        Path input = parquet("in-all", rows, SCHEMA, 5);
        run("big", net, input, GlobalOptions.defaults().withSampleRows(1000));
        assertEquals(499, summary(tmp.resolve("big")).at("/sample/rows").asInt(), "min(k, ok rows)");
        assertEquals(499, spark.read().parquet(tmp.resolve("big/sample").toString()).count());
    }

    /** Rows of features alone (no id, nothing carried): the sample holds x, the output and the vector. */
    @Test
    void aSampleOfRowsWithNothingCarried() throws Exception {
        Network net = randomNetwork(5, 3, 4, 1);
        StructType featuresOnly = new StructType().add("features", DataTypes.createArrayType(DataTypes.DoubleType, true));
        List<Row> rows = new ArrayList<>();
        for (Row r : rows(4, 300, 3)) {
            rows.add(RowFactory.create(r.get(1)));
        }
        Path input = parquet("in-bare", rows, featuresOnly, 3);
        new GradientJob(spark, GradientJob.Options.builder(model("bare-model", net).toString(), input.toString(),
                tmp.resolve("bare").toString()).global(GlobalOptions.defaults().withSampleRows(25)).build()).execute();
        assertEquals(25, summary(tmp.resolve("bare")).at("/sample/rows").asInt());
        var sample = spark.read().parquet(tmp.resolve("bare/sample").toString());
        assertEquals(List.of("features", "output", "gradient"), List.of(sample.columns()));
        List<Row> got = sample.collectAsList();
        assertEquals(25, got.size());
        var inputs = new java.util.HashSet<>(rows.stream().map(r -> r.get(0)).toList());
        for (Row r : got) {
            assertTrue(inputs.contains(r.getList(0)), "a sampled row is an input row: " + r);
            assertEquals(3, r.getList(2).size());
        }
    }

    @Test
    void bootstrapIntervalsAreTheSameForAnyPartitioningAndHoldThePointEstimate() throws Exception {
        Network net = randomNetwork(6, 3, 5, 1);
        List<Row> rows = rows(5, 800, 3);
        List<JsonNode> runs = new ArrayList<>();
        for (int parts : new int[] {1, 17}) {
            Path input = parquet("in-" + parts, rows, SCHEMA, parts);
            run("boot-" + parts, net, input, GlobalOptions.defaults().withBootstrap(60, 0.9, 11)
                    .withDgsmBound(DgsmBound.Poincare.UNIFORM, null));
            runs.add(summary(tmp.resolve("boot-" + parts)));
        }
        JsonNode one = runs.get(0);
        assertEquals(60, one.at("/bootstrap/replicates").asInt());
        assertEquals(0.9, one.at("/bootstrap/confidence").asDouble());
        for (int i = 0; i < 3; i++) {
            JsonNode a = one.get("dimensions").get(i);
            JsonNode b = runs.get(1).get("dimensions").get(i);
            for (String f : List.of("mean", "mean_abs", "mean_sq", "dgsm_bound")) {
                for (int e = 0; e < 2; e++) {
                    double x = a.get("ci").get(f).get(e).asDouble();
                    // BootstrapSummary: a few units in the 16th digit between splits
                    assertEquals(x, b.get("ci").get(f).get(e).asDouble(), 1e-12 * Math.abs(x), f);
                }
                double point = a.get(f).asDouble();
                assertTrue(a.get("ci").get(f).get(0).asDouble() <= point && point <= a.get("ci").get(f).get(1).asDouble(),
                        "dimension " + i + " " + f + " " + point + " in " + a.get("ci").get(f));
            }
            assertEquals(a.get("rank"), b.get("rank"));
            assertTrue(a.at("/rank/ci/0").asInt() <= a.at("/rank/median").asDouble()
                    && a.at("/rank/median").asDouble() <= a.at("/rank/ci/1").asInt());
        }
        assertTrue(Files.readString(tmp.resolve("boot-1/report.html")).contains("class=\"ci\""), "whiskers drawn");
    }

    @Test
    void everyOutputAndEveryMethodHasTheFigures() throws Exception {
        Network net = randomNetwork(7, 3, 4, 2);
        Path input = parquet("in", rows(6, 200, 3), SCHEMA, 3);
        run("all", net, input, GlobalOptions.defaults().withBootstrap(20, 0.95, 1).withGroupBy("tag", 10)
                .withDgsmBound(DgsmBound.Poincare.UNIFORM, null).withSampleRows(30),
                MethodOptions.of(Method.INPUT_X_GRADIENT), true);
        JsonNode s = summary(tmp.resolve("all"));
        for (int k = 0; k < 2; k++) {
            JsonNode dim = s.at("/outputs/" + k + "/dimensions/2");
            assertTrue(dim.at("/ci/mean_sq/1").isNumber() && dim.at("/rank/median").isNumber()
                    && dim.get("dgsm_bound").isNumber() && dim.at("/quantiles/p95").isNumber(), dim.toString());
            assertTrue(s.at("/groups/1/outputs/" + k + "/dimensions/0/mean_sq").isNumber());
        }
        var sample = spark.read().parquet(tmp.resolve("all/sample").toString());
        assertEquals(List.of("id", "tag", "features", "output", "attribution"), List.of(sample.columns()));
        Row r = sample.first();
        assertEquals(2, r.getList(3).size());
        assertEquals(2, r.getList(4).size());
    }

    @Test
    void wrongSettingsAreRefusedBeforeAnyWork() throws Exception {
        Path input = parquet("in", rows(7, 20, 3), SCHEMA, 1);
        String m = model("m", linear()).toString();
        String[][] cases = {
            {"[[0, 1], [0, 1]]", "expecting 3 pairs [a, b] (the model's input width) but got 2"},
            {"[[0, 1], [2, 2], [0, 1]]", "dimension 1 has bounds [2.0, 2.0], expecting a < b"},
            {"[[0, 1], [0, 1], [0, 1e999]]", "dimension 2 has bounds [0.0, Infinity], expecting finite numbers"},
            {"[[0, 1], [0, 1], [0, \"x\"]]", "dimension 2 is [0,\"x\"], expecting [a, b] of two numbers"},
            {"{\"a\": 1}", "expecting a JSON list of [a, b] pairs, one per input dimension"},
            {"[[0, 1]", "is not JSON"},
        };
        for (String[] c : cases) {
            Path bounds = tmp.resolve("b.json");
            Files.writeString(bounds, c[0]);
            Path out = tmp.resolve("refused");
            InvalidSetupException e = assertThrows(InvalidSetupException.class, () -> new GradientJob(spark,
                    GradientJob.Options.builder(m, input.toString(), out.toString()).global(GlobalOptions.defaults()
                            .withDgsmBound(DgsmBound.Poincare.UNIFORM, bounds.toString())).build()).execute());
            assertTrue(e.getMessage().startsWith("--input-bounds " + bounds + ": ")
                    || e.getMessage().startsWith("--input-bounds " + bounds + " is not JSON"), e.getMessage());
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
            assertFalse(Files.exists(out));
        }
        Path out = tmp.resolve("refused");
        InvalidSetupException noColumn = assertThrows(InvalidSetupException.class, () -> new GradientJob(spark,
                GradientJob.Options.builder(m, input.toString(), out.toString())
                        .global(GlobalOptions.defaults().withGroupBy("nope", 10)).build()).execute());
        assertEquals("--group-by nope: the input has no such column (its columns: id, features, tag, klass)",
                noColumn.getMessage());
        InvalidSetupException memory = assertThrows(InvalidSetupException.class, () -> new GradientJob(spark,
                GradientJob.Options.builder(m, input.toString(), out.toString())
                        .global(GlobalOptions.defaults().withBootstrap(2_000_000, 0.95, 0)).build()).execute());
        assertTrue(memory.getMessage().startsWith("--bootstrap 2000000 of 3 dimensions needs")
                && memory.getMessage().contains("more than the limit of 256 MB"), memory.getMessage());
        assertFalse(Files.exists(out));
    }
}
