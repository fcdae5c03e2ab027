package netsense.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import netsense.spark.SparkTestBase;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The command line: exit statuses and the one line a user sees for each wrong command. */
class CliTest extends SparkTestBase {
    Path model;
    Path input;

    record Run(int status, String out, String err) {}

    static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int status = Main.run(args);
            return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @BeforeEach
    void inputs() throws Exception {
        model = model("m", randomNetwork(1, 3, 4, 1));
        StructType schema = new StructType().add("id", DataTypes.LongType)
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType, false))
                .add("label", DataTypes.StringType);
        List<Row> rows = new ArrayList<>();
        for (long i = 0; i < 50; i++) {
            rows.add(RowFactory.create(i, new double[] {i / 50.0, 1 - i / 50.0, 0.5}, "l" + i));
        }
        input = parquet("in", rows, schema, 2);
    }

    Run gradients(String... extra) {
        List<String> args = new ArrayList<>(List.of("gradients", "--model", model.toString(), "--input",
                input.toString(), "--output", tmp.resolve("out").toString()));
        args.addAll(List.of(extra));
        return run(args.toArray(new String[0]));
    }

    /** Exit 2, one line on stderr, nothing written. */
    void refused(Run r, String line) {
        assertEquals(2, r.status(), r.err());
        assertEquals("netsense gradients: " + line + "\n", r.err());
        assertFalse(Files.exists(tmp.resolve("out")), "nothing written");
    }

    @Test
    void goodRunExitsZeroAndPrintsTheSummary() {
        Run r = gradients();
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("rows      50 in, 50 ok, 0 rejected [permissive]"), r.out());
        assertTrue(r.out().contains("most sensitive inputs"), r.out());
        assertTrue(Files.exists(tmp.resolve("out").resolve("summary.json")));
    }

    @Test
    void missingModel() {
        model = tmp.resolve("nope.json");
        refused(gradients(), "model file " + model + " does not exist");
    }

    @Test
    void badModel() throws Exception {
        Files.writeString(model, "{\"layers\": [{\"weights\": [[1, 2]], \"bias\": [0, 0], \"activation\": \"tanh\"}]}");
        refused(gradients(), "model " + model + ": layer 2: bias has 2 entries, expected 1 (the number of weight rows)");
    }

    @Test
    void missingInput() {
        input = tmp.resolve("absent");
        refused(gradients(), "input " + input + " does not exist");
    }

    @Test
    void missingColumn() {
        refused(gradients("--features", "x"), "the input has no features column \"x\" (its columns: id, features, label)");
        refused(gradients("--id-col", "key"), "the input has no id column \"key\" (its columns: id, features, label)");
    }

    @Test
    void wrongColumnType() {
        refused(gradients("--features", "label"), "features column \"label\" has type string; expected array<double>,"
                + " array<float> (or another numeric array) or a Spark ML vector (or name one numeric column per"
                + " dimension with --feature-cols)");
    }

    @Test
    void modelWidthDiffersFromDataWidth() throws Exception {
        model = model("m4", randomNetwork(2, 4, 3, 1));
        refused(gradients(), "the input's features have 3 entries in its first rows, the model takes 4"
                + " (model shape [4,3,1])");
        refused(gradients("--feature-cols", "id,label"), "feature column \"label\" has type string;"
                + " --feature-cols takes numeric columns");
    }

    @Test
    void outputExists() throws Exception {
        Files.createDirectories(tmp.resolve("out"));
        Run r = gradients();
        assertEquals(2, r.status());
        assertEquals("netsense gradients: the output folder " + tmp.resolve("out")
                + " exists; choose another or pass --overwrite to replace it\n", r.err());
        Run again = gradients("--overwrite");
        assertEquals(0, again.status(), again.err());
        assertTrue(Files.exists(tmp.resolve("out").resolve("summary.json")));
    }

    @Test
    void anOutputFolderHoldingTheInputIsRefused() throws Exception {
        Path holder = tmp.resolve("holder");
        Files.createDirectories(holder);
        Path inner = holder.resolve("in");
        Files.move(input, inner);
        Run r = run("gradients", "--model", model.toString(), "--input", inner.toString(), "--output",
                holder.toString(), "--overwrite");
        assertEquals(2, r.status(), r.err());
        assertEquals("netsense gradients: the input " + inner + " is inside the output folder " + holder
                + ", which the job replaces; write the output elsewhere\n", r.err());
        assertTrue(Files.exists(inner.resolve("_SUCCESS")), "the input is untouched");
    }

    @Test
    void usageErrorsAreReportedAllAtOnce() {
        Run r = run("gradients", "--model", "m.json");
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("netsense gradients: Missing required options: '--input=PATH', '--output=DIR'"),
                r.err());
        assertTrue(r.err().contains("Try 'netsense gradients --help' for more information."), r.err());
        Run both = gradients("--features", "features", "--feature-cols", "a,b", "--output-index", "-1",
                "--block-rows", "0");
        assertEquals(2, both.status());
        assertEquals("netsense gradients: give --features or --feature-cols, not both; --output-index is a whole"
                + " number 0 or more, or all; got -1; --block-rows must be at least 1, got 0\n", both.err());
    }

    @Test
    void globalSensitivityOptions() throws Exception {
        refused(gradients("--seed", "3"),
                "--seed applies to --bootstrap or to --method smoothgrad, smoothgrad-sq or vargrad");
        refused(gradients("--bootstrap", "10", "--confidence", "1.5"),
                "--confidence is a level between 0 and 1 (e.g. 0.95); got 1.5");
        refused(gradients("--input-bounds", model.toString()), "--input-bounds applies to --dgsm-bound uniform");
        refused(gradients("--group-by", "label", "--max-groups", "10"),
                "--group-by label: the input has 50 distinct keys, more than --max-groups 10; nothing written");
        Path bounds = tmp.resolve("bounds.json");
        Files.writeString(bounds, "[[0, 1], [0, 1]]");
        refused(gradients("--dgsm-bound", "uniform", "--input-bounds", bounds.toString()), "--input-bounds "
                + bounds + ": expecting 3 pairs [a, b] (the model's input width) but got 2");
        Run ok = gradients("--bootstrap", "20", "--seed", "3", "--group-by", "label", "--dgsm-bound", "normal",
                "--sample-rows", "7");
        assertEquals(0, ok.status(), ok.err());
        com.fasterxml.jackson.databind.JsonNode s = summary(tmp.resolve("out"));
        assertEquals(50, s.get("groups").size());
        assertEquals(7, s.at("/sample/rows").asInt());
        assertEquals(3, s.at("/bootstrap/seed").asInt());
        assertEquals("normal", s.at("/dgsm/poincare").asText());
    }

    @Test
    void failFastExitsThree() throws Exception {
        StructType schema = new StructType().add("id", DataTypes.LongType)
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType, true));
        input = parquet("bad", List.of(RowFactory.create(7L, java.util.Arrays.asList(1.0, null, 3.0))), schema, 1);
        Run r = gradients("--mode", "failfast");
        assertEquals(3, r.status(), r.err());
        assertTrue(r.err().contains("netsense gradients: bad row id=7: feature 1 is null (--mode failfast)"), r.err());
        assertFalse(Files.exists(tmp.resolve("out")));
    }

    @Test
    void helpListsEveryOption() {
        Run r = run("gradients", "--help");
        assertEquals(0, r.status());
        for (String option : List.of("--model", "--input", "--output", "--features", "--feature-cols", "--id-col",
                "--keep-cols", "--output-index", "--mode", "--overwrite", "--master")) {
            assertTrue(r.out().contains(option), option);
        }
        assertEquals(0, run("--help").status());
        assertEquals(0, run("generate", "--help").status());
        assertEquals(0, run("demo", "--help").status());
    }

    @Test
    void everyCommandTellsItsVersion() {
        for (String command : List.of("gradients", "train", "generate", "demo", "bench", "model")) {
            Run r = run(command, "--version");
            assertEquals(0, r.status(), command);
            assertTrue(r.out().startsWith("netsense "), command + " --version: " + r.out());
        }
        assertTrue(run("-V").out().startsWith("netsense "));
    }

    @Test
    void demoRunsEndToEnd() throws Exception {
        Run r = run("demo", "--rows", "2000", "--partitions", "2", "--output", tmp.resolve("demo").toString());
        assertEquals(0, r.status(), r.err());
        for (String name : DemoCommand.EXAMPLES) {
            Path out = tmp.resolve("demo").resolve(name);
            assertTrue(Files.exists(out.resolve("summary.json")), name);
            assertEquals(2003, summary(out).at("/rows/input").asLong());
            assertEquals(3, summary(out).at("/rows/rejected").asLong());
            assertEquals(3, spark.read().parquet(out.resolve("rejected").toString()).count());
        }
        assertTrue(r.out().contains("2,003 in, 2,000 ok, 3 rejected (NaN or infinite entry: 1, null features: 1,"
                + " wrong length: 1)"), r.out());
        assertTrue(r.out().contains("netsense demo: done in"), r.out());
    }

    @Test
    void generateIsIndependentOfPartitions() {
        Path a = tmp.resolve("g1");
        Path b = tmp.resolve("g5");
        assertEquals(0, run("generate", "--rows", "500", "--dims", "3", "--output", a.toString(), "--partitions", "1",
                "--dist", "normal").status());
        assertEquals(0, run("generate", "--rows", "500", "--dims", "3", "--output", b.toString(), "--partitions", "5",
                "--dist", "normal").status());
        List<Row> ra = spark.read().parquet(a.toString()).orderBy("id").collectAsList();
        List<Row> rb = spark.read().parquet(b.toString()).orderBy("id").collectAsList();
        assertEquals(ra, rb);
        assertEquals(500, ra.size());
        double sum = 0;
        double sq = 0;
        for (Row r : ra) {
            for (Object v : r.getList(1)) {
                double d = (Double) v;
                sum += d;
                sq += d * d;
            }
        }
        // 1500 standard normal draws: mean within 4σ/√n of 0, variance near 1
        assertTrue(Math.abs(sum / 1500) < 4 / Math.sqrt(1500), "mean " + sum / 1500);
        assertTrue(Math.abs(sq / 1500 - 1) < 0.15, "variance " + sq / 1500);
    }
}
