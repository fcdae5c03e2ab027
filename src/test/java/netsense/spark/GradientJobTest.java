package netsense.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import netsense.core.GradientKernel;
import netsense.core.GradientSummary;
import netsense.core.Network;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class GradientJobTest extends SparkTestBase {
    static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.LongType, false)
            .add("features", DataTypes.createArrayType(DataTypes.DoubleType, true))
            .add("tag", DataTypes.StringType);

    static List<Row> randomRows(long seed, int count, int width) {
        Random rnd = new Random(seed);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Double[] x = new Double[width];
            for (int j = 0; j < width; j++) {
                x[j] = rnd.nextGaussian();
            }
            rows.add(RowFactory.create((long) i, java.util.Arrays.asList(x), "t" + (i % 3)));
        }
        return rows;
    }

    static double[] features(Row r) {
        @SuppressWarnings("unchecked")
        List<Double> x = (List<Double>) r.get(1); // as made by randomRows
        return x.stream().mapToDouble(Double::doubleValue).toArray();
    }

    @Test
    void gradientsAndSummaryMatchTheKernelRunDirectly() throws Exception {
        Network net = randomNetwork(1, 7, 12, 5, 1);
        List<Row> rows = randomRows(2, 2500, 7);
        Path input = parquet("in", rows, SCHEMA, 3);
        Path out = tmp.resolve("out");
        GradientJob.Result result = new GradientJob(spark, GradientJob.Options.builder(model("m", net).toString(), input.toString(), out.toString()).keepCols(List.of("tag")).blockRows(100).build()).execute();

        // the oracle: the core kernel and summary on the same rows, one block
        GradientKernel kernel = new GradientKernel(net, 0, rows.size());
        double[] x = new double[rows.size() * 7];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(features(rows.get(i)), 0, x, i * 7, 7);
        }
        double[] y = new double[rows.size()];
        double[] g = new double[x.length];
        kernel.compute(x, 0, rows.size(), y, 0, g, 0);
        GradientSummary expected = new GradientSummary(7);
        expected.addBlock(y, 0, g, 0, rows.size());

        List<Row> written = readSorted(out.resolve("gradients"), "id");
        assertEquals(List.of("id", "tag", "output", "gradient", "grad_l1", "grad_l2", "grad_linf"),
                List.of(spark.read().parquet(out.resolve("gradients").toString()).columns()));
        assertEquals(rows.size(), written.size());
        for (int i = 0; i < rows.size(); i++) {
            Row r = written.get(i);
            assertEquals((long) i, r.getLong(0));
            assertEquals("t" + (i % 3), r.getString(1));
            assertEquals(y[i], r.getDouble(2), 1e-15);
            double[] gi = doubles(r, "gradient");
            double l1 = 0;
            double l2 = 0;
            double linf = 0;
            for (int j = 0; j < 7; j++) {
                assertEquals(g[i * 7 + j], gi[j], 1e-15 * Math.max(1, Math.abs(gi[j])));
                l1 += Math.abs(gi[j]);
                l2 += gi[j] * gi[j];
                linf = Math.max(linf, Math.abs(gi[j]));
            }
            assertEquals(l1, r.getDouble(4), 1e-14);
            assertEquals(Math.sqrt(l2), r.getDouble(5), 1e-14);
            assertEquals(linf, r.getDouble(6), 1e-14);
        }

        JsonNode s = summary(out);
        assertEquals(2500, s.at("/rows/input").asLong());
        assertEquals(2500, s.at("/rows/ok").asLong());
        assertEquals(0, s.at("/rows/rejected").asLong());
        assertEquals("[7,12,5,1]", s.at("/model/layers").toString());
        assertEquals("[\"tanh\",\"tanh\",\"sigmoid\"]", s.at("/model/activations").toString());
        assertEquals(7 * 12 + 12 + 12 * 5 + 5 + 5 + 1, s.at("/model/parameters").asLong());
        assertEquals(0, s.at("/model/output_index").asInt());
        close(expected.output().mean(), s.at("/output/mean"));
        close(expected.output().std(), s.at("/output/std"));
        close(expected.l2().spread().mean(), s.at("/norms/l2/mean"));
        close(expected.linf().spread().max(), s.at("/norms/linf/max"));
        close(expected.l1().p90(), s.at("/norms/l1/p90"));
        assertEquals(7, s.at("/dimensions").size());
        for (int j = 0; j < 7; j++) {
            JsonNode d = s.at("/dimensions/" + j);
            GradientSummary.DimensionStats e = expected.dimension(j);
            assertEquals(j, d.get("index").asInt());
            assertEquals("features[" + j + "]", d.get("name").asText());
            close(e.mean(), d.get("mean"));
            close(e.meanAbs(), d.get("mean_abs"));
            close(e.meanSquare(), d.get("mean_sq"));
            close(e.std(), d.get("std"));
            close(e.min(), d.get("min"));
            close(e.max(), d.get("max"));
        }
        assertEquals(2500, result.rows().ok());
        assertTrue(Files.exists(out.resolve("rejected")), "rejected/ is always written");
        assertEquals(0, spark.read().parquet(out.resolve("rejected").toString()).count());
        try (var siblings = Files.list(tmp)) {
            assertFalse(siblings.anyMatch(p -> p.getFileName().toString().contains(".netsense-")),
                    "the staging folder is gone");
        }
    }

    static void close(Double expected, JsonNode actual) {
        assertTrue(actual.isNumber(), "expected a number, got " + actual);
        assertEquals(expected, actual.asDouble(), 1e-12 * Math.max(1e-300, Math.abs(expected)));
    }

    @Test
    void partitioningChangesNoFigure() throws Exception {
        Network net = randomNetwork(5, 4, 9, 1);
        List<Row> rows = randomRows(6, 3001, 4);
        Path modelFile = model("m", net);
        Map<Integer, JsonNode> summaries = new java.util.TreeMap<>();
        Map<Integer, List<Row>> gradients = new java.util.TreeMap<>();
        for (int partitions : new int[] {1, 3, 17}) {
            Path input = parquet("in" + partitions, rows, SCHEMA, partitions);
            Path out = tmp.resolve("out" + partitions);
            new GradientJob(spark, GradientJob.Options.builder(modelFile.toString(), input.toString(), out.toString()).blockRows(64).build()).execute();
            summaries.put(partitions, summary(out));
            gradients.put(partitions, readSorted(out.resolve("gradients"), "id"));
        }
        JsonNode base = summaries.get(1);
        for (int p : new int[] {3, 17}) {
            assertSameNumbers(base, summaries.get(p), "", p);
            List<Row> a = gradients.get(1);
            List<Row> b = gradients.get(p);
            assertEquals(a.size(), b.size());
            for (int i = 0; i < a.size(); i++) {
                assertEquals(a.get(i).getLong(0), b.get(i).getLong(0));
                double[] ga = doubles(a.get(i), "gradient");
                double[] gb = doubles(b.get(i), "gradient");
                for (int j = 0; j < ga.length; j++) {
                    assertEquals(ga[j], gb[j], 1e-9 * Math.abs(ga[j]));
                }
            }
        }
    }

    /** Every number in the two JSON trees agrees to 1e-9 relative; everything else is equal. */
    static void assertSameNumbers(JsonNode a, JsonNode b, String path, int partitions) {
        if (a.isNumber()) {
            assertTrue(b.isNumber(), path);
            double x = a.asDouble();
            double y = b.asDouble();
            assertEquals(x, y, 1e-9 * Math.max(Math.abs(x), 1e-300), partitions + " partitions: " + path);
        } else if (a.isContainerNode()) {
            assertEquals(a.size(), b.size(), path);
            if (a.isArray()) {
                for (int i = 0; i < a.size(); i++) {
                    assertSameNumbers(a.get(i), b.get(i), path + "/" + i, partitions);
                }
            } else {
                for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
                    String f = it.next();
                    assertSameNumbers(a.get(f), b.get(f), path + "/" + f, partitions);
                }
            }
        } else {
            assertEquals(a, b, path);
        }
    }
}
