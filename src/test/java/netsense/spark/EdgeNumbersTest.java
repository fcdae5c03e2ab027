package netsense.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import netsense.core.Activation;
import netsense.core.BlockKernel;
import netsense.core.Network;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Numbers at the edges of the double and float ranges, through the whole job (issue 9, items 1–6). */
class EdgeNumbersTest extends SparkTestBase {
    static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.LongType, false)
            .add("features", DataTypes.createArrayType(DataTypes.DoubleType, false));

    static Network net(double[] weights, Activation a) {
        return Network.of(List.of(new Network.Layer(new double[][] {weights}, new double[] {0}, a)));
    }

    static List<Row> rows(double[]... features) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < features.length; i++) {
            List<Double> f = new ArrayList<>();
            for (double v : features[i]) {
                f.add(v);
            }
            rows.add(RowFactory.create((long) i, f));
        }
        return rows;
    }

    GradientJob.Result run(Network net, Path input, String out, int blockRows, BlockKernel.Precision precision)
            throws Exception {
        return new GradientJob(spark, GradientJob.Options.builder(model(out + "-model", net).toString(), input.toString(), tmp.resolve(out).toString()).mode(Mode.PERMISSIVE).blockRows(blockRows).precision(precision).build()).execute();
    }

    /** σ'(z) = e^−|z| / (1 + e^−|z|)², by hand. */
    static double sigmoidSlope(double z) {
        double e = Math.exp(-Math.abs(z));
        return e / ((1 + e) * (1 + e));
    }

    /**
     * Model [2, 1], sigmoid, w = (1, 1): g = σ'(x1 + x2)·(1, 1), ‖g‖₂ = √2·σ'(z), down to
     * σ'(−390) ≈ 4e-170 (whose square underflows), in float64 and in float32 (σ' below float's
     * range: those rows are recomputed in float64 and counted in summary.json).
     */
    @Test
    void saturatedRowsKeepTheirNormsInBothPrecisions() throws Exception {
        double[] z = {-390, -200, -110, -60, 0.5, 3};
        double[][] x = new double[z.length][];
        for (int i = 0; i < z.length; i++) {
            x[i] = new double[] {z[i] - 1, 1};
        }
        Path input = parquet("sat", rows(x), SCHEMA, 2);
        for (BlockKernel.Precision p : BlockKernel.Precision.values()) {
            GradientJob.Result r = run(net(new double[] {1, 1}, Activation.SIGMOID), input, "sat-" + p.id(), 0, p);
            assertEquals(z.length, r.rows().ok(), p.id());
            for (Row row : readSorted(tmp.resolve("sat-" + p.id()).resolve("gradients"), "id")) {
                double s = sigmoidSlope(z[(int) row.getLong(0)]);
                double tol = p == BlockKernel.Precision.FLOAT64 ? 1e-13 : 1e-6;
                assertEquals(s, doubles(row, "gradient")[0], tol * s, p.id() + " gradient, z " + z[(int) row.getLong(0)]);
                assertEquals(Math.sqrt(2) * s, row.getDouble(row.fieldIndex("grad_l2")), tol * s, p.id() + " l2");
                assertEquals(2 * s, row.getDouble(row.fieldIndex("grad_l1")), tol * s, p.id() + " l1");
            }
            JsonNode json = summary(tmp.resolve("sat-" + p.id()));
            assertEquals(p.id(), json.path("precision").path("kernel").asText());
            // float32: σ'(−390), σ'(−200) and σ'(−110) are 0 in float
            assertEquals(p == BlockKernel.Precision.FLOAT32 ? 3 : 0,
                    json.path("precision").path("rows_recomputed_float64").asLong(-1), p.id());
            double l2min = json.path("norms").path("l2").path("min").asDouble();
            assertEquals(Math.sqrt(2) * sigmoidSlope(-390), l2min, 1e-6 * l2min, p.id());
        }
    }

    /**
     * Model [4, 1], identity, w = (1e154, 1e154, −1e154, −0.0): every row's gradient is w, so
     * ‖g‖₂ = √3·1e154 (its square overflows), each column is constant (std exactly 0, whatever
     * the partitions and blocks) and the −0.0 entry is written as 0.0, in the rows and the figures.
     */
    @Test
    void hugeConstantGradientsAndNegativeZero() throws Exception {
        Random rnd = new Random(2);
        double[][] x = new double[300][4];
        for (double[] row : x) {
            for (int j = 0; j < 4; j++) {
                row[j] = rnd.nextDouble();
            }
        }
        Network net = net(new double[] {1e154, 1e154, -1e154, -0.0}, Activation.IDENTITY);
        int[][] splits = {{1, 0}, {3, 16}, {7, 7}};
        for (int[] split : splits) {
            String name = "huge-" + split[0] + "-" + split[1];
            GradientJob.Result r = run(net, parquet(name + "-in", rows(x), SCHEMA, split[0]), name, split[1],
                    BlockKernel.Precision.FLOAT64);
            assertEquals(300, r.rows().ok(), name);
            List<Row> out = readSorted(tmp.resolve(name).resolve("gradients"), "id");
            for (Row row : out) {
                assertEquals(Math.sqrt(3) * 1e154, row.getDouble(row.fieldIndex("grad_l2")), 2 * Math.ulp(1.7e154));
                assertEquals(0L, Double.doubleToRawLongBits(doubles(row, "gradient")[3]), "−0.0 written as 0.0");
            }
            JsonNode json = summary(tmp.resolve(name));
            for (int j = 0; j < 4; j++) {
                JsonNode d = json.path("dimensions").get(j);
                assertEquals(0.0, d.path("std").asDouble(-1), 0, name + " std " + j);
                assertTrue(!d.path("min").asText().startsWith("-0") && !d.path("max").asText().startsWith("-0"),
                        name + " " + d);
            }
            assertEquals(1e154, json.path("dimensions").get(0).path("mean").asDouble(), 0);
            assertEquals(0.0, json.path("norms").path("l2").path("std").asDouble(-1), 0, name);
            assertEquals(Math.sqrt(3) * 1e154, json.path("norms").path("l2").path("p50").asDouble(),
                    2 * Math.ulp(1.7e154));
        }
    }

    /** Model [2, 1], identity, w = (1e308, 1e308): ‖g‖₁ = 2e308 is beyond the double range, a bad row. */
    @Test
    void aGradientWhoseNormOverflowsIsABadRowWithItsReason() throws Exception {
        Path input = parquet("l1", rows(new double[] {0.25, 0.5}, new double[] {0.1, -0.1}), SCHEMA, 1);
        GradientJob.Result r = run(net(new double[] {1e308, 1e308}, Activation.IDENTITY), input, "l1-out", 0,
                BlockKernel.Precision.FLOAT64);
        assertEquals(0, r.rows().ok());
        assertEquals(2, r.rows().rejected());
        for (Row bad : readSorted(tmp.resolve("l1-out").resolve("rejected"), "id")) {
            assertEquals("the gradient's L1 norm is not finite (Infinity)", bad.getString(bad.fieldIndex("error")));
        }
    }

    static final Pattern BIN = Pattern.compile("<rect class=\"bin\"[^>]* data-count=\"(\\d+)\">");

    /** Outputs within a few ulps of 1.0 (σ(36) … σ(50)) and a constant gradient: the report is drawn. */
    @Test
    void theReportOfASaturatedRunIsWritten() throws Exception {
        double[] z = {36, 36.5, 37, 38, 40, 50};
        double[][] x = new double[z.length][];
        for (int i = 0; i < z.length; i++) {
            x[i] = new double[] {z[i]};
        }
        GradientJob.Result r = run(net(new double[] {1}, Activation.SIGMOID), parquet("one", rows(x), SCHEMA, 2),
                "one-out", 0, BlockKernel.Precision.FLOAT64);
        assertEquals(z.length, r.rows().ok());
        String page = Files.readString(tmp.resolve("one-out").resolve("report.html"));
        int from = page.indexOf("<section id=\"outputs\">");
        Matcher m = BIN.matcher(page.substring(from, page.indexOf("</section>", from)));
        long rows = 0;
        while (m.find()) {
            rows += Long.parseLong(m.group(1));
        }
        assertEquals(z.length, rows);
    }

    /** Above 4,000 rows the quantiles come from compacted sketches: still the same every run. */
    @Test
    void theSameInputGivesTheSameFiguresEveryRun() throws Exception {
        Random rnd = new Random(6);
        List<Row> rows = new ArrayList<>();
        for (long i = 0; i < 30_000; i++) {
            rows.add(RowFactory.create(i, List.of(rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian())));
        }
        Path input = parquet("many", rows, SCHEMA, 6);
        Network net = randomNetwork(4, 3, 8, 1);
        JsonNode first = null;
        for (int run = 0; run < 3; run++) {
            run(net, input, "many-" + run, 0, BlockKernel.Precision.FLOAT64);
            JsonNode json = summary(tmp.resolve("many-" + run));
            if (first == null) {
                first = json;
            } else {
                assertEquals(first.path("norms").toString(), json.path("norms").toString(), "run " + run);
                assertEquals(first.toString(), json.toString(), "run " + run);
            }
        }
    }
}
