package netsense.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import netsense.core.Activation;
import netsense.core.Network;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class BadRowsTest extends SparkTestBase {
    static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.LongType, false)
            .add("features", DataTypes.createArrayType(DataTypes.DoubleType, true));

    /** Every kind of bad features, by id, with the reason the job must give. */
    static final Map<Long, String> FAULTS = new TreeMap<>(Map.of(
            100L, "feature 1 is NaN",
            101L, "feature 0 is Infinity",
            102L, "feature 2 is -Infinity",
            103L, "features are null",
            104L, "feature 1 is null",
            105L, "features have 4 entries, expected 3",
            106L, "features have 0 entries, expected 3"));

    static List<Row> rows() {
        Random rnd = new Random(3);
        List<Row> rows = new ArrayList<>();
        for (long i = 0; i < 100; i++) {
            rows.add(RowFactory.create(i, List.of(rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian())));
        }
        rows.add(RowFactory.create(100L, List.of(1.0, Double.NaN, 2.0)));
        rows.add(RowFactory.create(101L, List.of(Double.POSITIVE_INFINITY, 1.0, 2.0)));
        rows.add(RowFactory.create(102L, List.of(0.0, 1.0, Double.NEGATIVE_INFINITY)));
        rows.add(RowFactory.create(103L, null));
        rows.add(RowFactory.create(104L, Arrays.asList(1.0, null, 2.0)));
        rows.add(RowFactory.create(105L, List.of(1.0, 2.0, 3.0, 4.0)));
        rows.add(RowFactory.create(106L, List.of()));
        return rows;
    }

    GradientJob.Options options(Path model, Path input, Path out, Mode mode) {
        return GradientJob.Options.builder(model.toString(), input.toString(), out.toString()).mode(mode).blockRows(16).build();
    }

    @Test
    void permissiveWritesEveryBadRowWithItsReason() throws Exception {
        Path model = model("m", randomNetwork(1, 3, 4, 1));
        Path input = parquet("in", rows(), SCHEMA, 3);
        Path out = tmp.resolve("out");
        GradientJob.Result r = new GradientJob(spark, options(model, input, out, Mode.PERMISSIVE)).execute();
        assertEquals(107, r.rows().input());
        assertEquals(100, r.rows().ok());
        assertEquals(7, r.rows().rejected());
        assertEquals(Map.of("NaN or infinite entry", 3L, "null features", 1L, "null entry", 1L, "wrong length", 2L),
                r.rejectedByKind());
        List<Row> good = readSorted(out.resolve("gradients"), "id");
        assertEquals(100, good.size());
        assertEquals(99L, good.get(99).getLong(0));
        List<Row> bad = readSorted(out.resolve("rejected"), "id");
        assertEquals(List.of("id", "features", "error"),
                List.of(spark.read().parquet(out.resolve("rejected").toString()).columns()));
        Map<Long, String> reasons = new TreeMap<>();
        for (Row b : bad) {
            reasons.put(b.getLong(0), b.getString(2));
        }
        assertEquals(FAULTS, reasons);
        // the features as read, nulls and all
        assertTrue(bad.get(3).isNullAt(1));
        assertEquals(Arrays.asList(1.0, null, 2.0), bad.get(4).getList(1));
        assertTrue(Double.isNaN(bad.get(0).<Double>getList(1).get(1)));
        assertEquals(0, bad.get(6).getList(1).size());
        JsonNode s = summary(out);
        assertEquals(107, s.at("/rows/input").asLong());
        assertEquals(100, s.at("/rows/ok").asLong());
        assertEquals(7, s.at("/rows/rejected").asLong());
    }

    @Test
    void dropMalformedCountsAndDrops() throws Exception {
        Path model = model("m", randomNetwork(1, 3, 4, 1));
        Path input = parquet("in", rows(), SCHEMA, 2);
        Path out = tmp.resolve("out");
        GradientJob.Result r = new GradientJob(spark, options(model, input, out, Mode.DROPMALFORMED)).execute();
        assertEquals(7, r.rows().rejected());
        assertEquals(100, spark.read().parquet(out.resolve("gradients").toString()).count());
        assertEquals(0, spark.read().parquet(out.resolve("rejected").toString()).count());
        assertEquals(7, summary(out).at("/rows/rejected").asLong());
        assertEquals(107, summary(out).at("/rows/input").asLong());
    }

    @Test
    void failFastStopsAtTheFirstBadRowAndLeavesNothing() throws Exception {
        Path model = model("m", randomNetwork(1, 3, 4, 1));
        Path input = parquet("in", rows(), SCHEMA, 2);
        Path out = tmp.resolve("out");
        BadRowException e = assertThrows(BadRowException.class,
                () -> new GradientJob(spark, options(model, input, out, Mode.FAILFAST)).execute());
        assertTrue(e.getMessage().matches("bad row id=10[0-6]: .*"), e.getMessage());
        String id = e.getMessage().substring("bad row id=".length(), "bad row id=".length() + 3);
        assertEquals("bad row id=" + id + ": " + FAULTS.get(Long.parseLong(id)), e.getMessage());
        assertFalse(Files.exists(out), "no output after a failed run");
        try (var left = Files.list(tmp)) {
            assertFalse(left.anyMatch(p -> p.getFileName().toString().startsWith(".out")), "no staging folder left");
        }
    }

    @Test
    void noGoodRowAtAllGivesNullFiguresAndAReport() throws Exception {
        Path model = model("m", randomNetwork(1, 3, 4, 1));
        List<Row> bad = rows().subList(100, 107);
        Path input = parquet("in", bad, SCHEMA, 2);
        Path out = tmp.resolve("out");
        GradientJob.Result r = new GradientJob(spark, options(model, input, out, Mode.PERMISSIVE)).execute();
        assertEquals(0, r.rows().ok());
        assertEquals(7, r.rows().rejected());
        JsonNode s = summary(out);
        assertTrue(s.at("/output/mean").isNull(), s.toString());
        assertTrue(s.at("/norms/l2/p50").isNull());
        assertTrue(s.at("/dimensions/0/mean_sq").isNull());
        assertEquals(0, spark.read().parquet(out.resolve("gradients").toString()).count());
        assertEquals(7, spark.read().parquet(out.resolve("rejected").toString()).count());
        String page = Files.readString(out.resolve("report.html"));
        assertTrue(page.contains("No good rows"));
        assertTrue(page.contains("NaN or infinite entry"), "rejected rows by reason");
        assertFalse(page.replace("NaN or infinite entry", "").contains("NaN"), "no NaN figure");
    }

    @Test
    void anEmptyInputIsAnEmptyResult() throws Exception {
        Path model = model("m", randomNetwork(1, 3, 4, 1));
        Path input = parquet("in", List.of(), SCHEMA, 1);
        Path out = tmp.resolve("out");
        GradientJob.Result r = new GradientJob(spark, options(model, input, out, Mode.PERMISSIVE)).execute();
        assertEquals(0, r.rows().input());
        assertEquals(0, summary(out).at("/rows/input").asLong());
        assertTrue(summary(out).at("/output/std").isNull());
        assertTrue(Files.exists(out.resolve("report.html")));
    }

    @Test
    void aNonFiniteResultIsABadRow() throws Exception {
        // tanh(1e308·(x0 + x1 − x2 − x3)): x = (2, 0, 2, 0) gives inf − inf = NaN inside the sum;
        // x = (c, 0, 0, 0) saturates: output 1, gradient 0.
        Network net = Network.of(List.of(new Network.Layer(new double[][] {{1e308, 1e308, -1e308, -1e308}},
                new double[] {0}, Activation.TANH)));
        List<Row> rows = new ArrayList<>();
        for (long i = 0; i < 10; i++) {
            rows.add(RowFactory.create(i, List.of(0.5 + i / 10.0, 0.0, 0.0, 0.0)));
        }
        rows.add(RowFactory.create(10L, List.of(2.0, 0.0, 2.0, 0.0)));
        Path input = parquet("in", rows, SCHEMA, 1);
        Path out = tmp.resolve("out");
        GradientJob.Result r = new GradientJob(spark, options(model("m", net), input, out, Mode.PERMISSIVE)).execute();
        assertEquals(10, r.rows().ok());
        assertEquals(Map.of("non-finite result", 1L), r.rejectedByKind());
        Row bad = readSorted(out.resolve("rejected"), "id").get(0);
        assertEquals(10L, bad.getLong(0));
        assertEquals("the output is not finite (NaN)", bad.getString(2));
    }
}
