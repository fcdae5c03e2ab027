package netsense.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import netsense.core.Network;
import netsense.io.InvalidSetupException;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Issue 9, input faults: null vectors, corrupt files, case variants of column names, wide inputs. */
class InputFaultsTest extends SparkTestBase {
    static final StructType ARRAYS = new StructType().add("id", DataTypes.LongType)
            .add("features", DataTypes.createArrayType(DataTypes.DoubleType, false));

    static GradientJob.Options options(Path model, Path input, Path out, String featuresCol, Mode mode) {
        return GradientJob.Options.builder(model.toString(), input.toString(), out.toString()).featuresCol(featuresCol).mode(mode).build();
    }

    Path vectorInput() {
        StructType schema = new StructType().add("id", DataTypes.LongType).add("vec", SQLDataTypes.VectorType());
        List<Row> rows = new ArrayList<>();
        for (long i = 0; i < 20; i++) {
            rows.add(RowFactory.create(i, i % 2 == 0 ? Vectors.dense(i / 20.0, 0.5, -1) : Vectors.sparse(3,
                    new int[] {1}, new double[] {i / 10.0})));
        }
        rows.add(RowFactory.create(20L, null));
        return parquet("vec", rows, schema, 2);
    }

    @Test
    void aNullMlVectorIsABadRowInEveryMode() throws Exception {
        Path model = model("m", randomNetwork(1, 3, 4, 1));
        Path input = vectorInput();
        GradientJob.Result r = new GradientJob(spark,
                options(model, input, tmp.resolve("p"), "vec", Mode.PERMISSIVE)).execute();
        assertEquals(21, r.rows().input());
        assertEquals(20, r.rows().ok());
        assertEquals(Map.of("null features", 1L), r.rejectedByKind());
        List<Row> bad = readSorted(tmp.resolve("p").resolve("rejected"), "id");
        assertEquals(1, bad.size());
        assertEquals(20L, bad.get(0).getLong(0));
        assertTrue(bad.get(0).isNullAt(1));
        assertEquals("features are null", bad.get(0).getString(2));

        GradientJob.Result d = new GradientJob(spark,
                options(model, input, tmp.resolve("d"), "vec", Mode.DROPMALFORMED)).execute();
        assertEquals(1, d.rows().rejected());
        assertEquals(20, d.rows().ok());

        BadRowException e = assertThrows(BadRowException.class, () -> new GradientJob(spark,
                options(model, input, tmp.resolve("f"), "vec", Mode.FAILFAST)).execute());
        assertEquals("bad row id=20: features are null", e.getMessage());
        assertFalse(Files.exists(tmp.resolve("f")));
    }

    /** Three good files of ten rows and {@code bad} corrupt ones: truncated copies of a good file. */
    Path inputWithCorruptFiles(int bad) throws Exception {
        List<Row> rows = new ArrayList<>();
        for (long i = 0; i < 30; i++) {
            rows.add(RowFactory.create(i, new double[] {i / 30.0, 0.25, -0.5}));
        }
        Path input = tmp.resolve("in");
        spark.createDataFrame(rows, ARRAYS).coalesce(1).repartition(3).write().parquet(input.toString());
        List<Path> parts;
        try (Stream<Path> s = Files.list(input)) {
            parts = s.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().toList();
        }
        assertEquals(3, parts.size());
        for (int k = 0; k < bad; k++) {
            Path copy = input.resolve("part-9999" + k + "-corrupt.snappy.parquet");
            Files.copy(parts.get(0), copy);
            try (RandomAccessFile f = new RandomAccessFile(copy.toFile(), "rw")) {
                f.setLength(f.length() / 2); // the footer is gone
            }
        }
        return input;
    }

    @Test
    void aCorruptFileFailsTheRunNamingTheFile() throws Exception {
        Path input = inputWithCorruptFiles(1);
        Path model = model("m", randomNetwork(1, 3, 4, 1));
        Exception e = assertThrows(Exception.class,
                () -> new GradientJob(spark, options(model, input, tmp.resolve("out"), null, null)).execute());
        assertTrue(Failures.describe(e).contains("part-99990-corrupt.snappy.parquet"),
                Failures.describe(e));
        assertFalse(Files.exists(tmp.resolve("out")));
    }

    @Test
    void ignoreCorruptFilesSkipsAndNamesThem() throws Exception {
        Path input = inputWithCorruptFiles(2);
        Path model = model("m", randomNetwork(1, 3, 4, 1));
        Path out = tmp.resolve("out");
        GradientJob.Options o = options(model, input, out, null, null).toBuilder().ignoreCorruptFiles(true).build();
        GradientJob.Result r = new GradientJob(spark, o).execute();
        assertEquals(30, r.rows().input());
        assertEquals(30, r.rows().ok());
        JsonNode skipped = summary(out).get("skipped_files");
        assertEquals(2, skipped.size(), skipped.toString());
        assertTrue(skipped.get(0).asText().endsWith("part-99990-corrupt.snappy.parquet"), skipped.toString());
        assertTrue(skipped.get(1).asText().endsWith("part-99991-corrupt.snappy.parquet"), skipped.toString());
        String page = Files.readString(out.resolve("report.html"));
        assertTrue(page.contains("part-99990-corrupt.snappy.parquet"), "the report names the skipped files");
        // the setting does not outlive the job
        assertEquals("false", spark.conf().get("spark.sql.files.ignoreCorruptFiles", "false"));
    }

    @Test
    void noSkippedFilesIsAnEmptyList() throws Exception {
        Path input = inputWithCorruptFiles(0);
        Path out = tmp.resolve("out");
        new GradientJob(spark, options(model("m", randomNetwork(1, 3, 4, 1)), input, out, null, null).toBuilder()
                .ignoreCorruptFiles(true).build()).execute();
        assertEquals(0, summary(out).get("skipped_files").size());
    }

    @Test
    void columnNamesAreCaseInsensitiveAsInSpark() throws Exception {
        StructType schema = new StructType().add("id", DataTypes.LongType)
                .add("Features", DataTypes.createArrayType(DataTypes.DoubleType, false))
                .add("Output", DataTypes.DoubleType).add("Label", DataTypes.StringType)
                .add("Error", DataTypes.StringType).add("GRAD_L2", DataTypes.DoubleType);
        List<Row> rows = new ArrayList<>();
        for (long i = 0; i < 10; i++) {
            rows.add(RowFactory.create(i, new double[] {i, 1, 2}, 1.0 * i, "l" + i, "e", 0.0));
        }
        Path input = parquet("in", rows, schema, 1);
        Path model = model("m", randomNetwork(1, 3, 4, 1));
        Map<String, String> clashes = new TreeMap<>(Map.of(
                "Output", "carried column \"Output\" would clash with the output column \"output\" (column names"
                        + " are case-insensitive)",
                "GRAD_L2", "carried column \"GRAD_L2\" would clash with the output column \"grad_l2\" (column names"
                        + " are case-insensitive)",
                "error", "carried column \"Error\" would clash with the output column \"error\" (column names"
                        + " are case-insensitive)"));
        for (var c : clashes.entrySet()) {
            InvalidSetupException e = assertThrows(InvalidSetupException.class, () -> new GradientJob(spark,
                    GradientJob.Options.builder(model.toString(), input.toString(), tmp.resolve("x").toString()).keepCols(List.of(c.getKey())).build()).execute());
            assertEquals(c.getValue(), e.getMessage());
        }
        // resolved as Spark resolves them: ID → id, features → Features, label → Label
        Path out = tmp.resolve("out");
        GradientJob.Result r = new GradientJob(spark, GradientJob.Options.builder(model.toString(), input.toString(), out.toString()).featuresCol("features").idCol("ID").keepCols(List.of("label", "LABEL")).build()).execute();
        assertEquals(10, r.rows().ok());
        assertEquals(List.of("id", "Label", "output", "gradient", "grad_l1", "grad_l2", "grad_linf"),
                List.of(spark.read().parquet(out.resolve("gradients").toString()).columns()));
        assertEquals("Features[0]", r.dimensionNames().get(0));
        // a feature column named like the rejected rows' error column
        StructType cols = new StructType().add("a", DataTypes.DoubleType).add("ERROR", DataTypes.DoubleType)
                .add("c", DataTypes.DoubleType);
        Path colInput = parquet("cols", List.of(RowFactory.create(1.0, 2.0, 3.0)), cols, 1);
        InvalidSetupException e = assertThrows(InvalidSetupException.class, () -> new GradientJob(spark,
                GradientJob.Options.builder(model.toString(), colInput.toString(), tmp.resolve("y").toString()).featureCols(List.of("a", "ERROR", "c")).build()).execute());
        assertEquals("feature column \"ERROR\" would clash with the column \"error\" of rejected/ (column names"
                + " are case-insensitive)", e.getMessage());
        InvalidSetupException twice = assertThrows(InvalidSetupException.class, () -> new GradientJob(spark,
                GradientJob.Options.builder(model.toString(), colInput.toString(), tmp.resolve("y").toString()).featureCols(List.of("a", "A", "c")).build()).execute());
        assertEquals("--feature-cols names the column \"a\" twice", twice.getMessage());
    }

    @Test
    void blocksAreSizedByBytes() {
        Network narrow = randomNetwork(1, 16, 32, 32, 1);
        long heap = 1L << 30;
        assertEquals(256, JobPlan.blockRows(narrow, 0, heap));
        Network wide = randomNetwork(1, 100_000, 4, 1);
        int rows = JobPlan.blockRows(wide, 0, heap);
        assertTrue(rows >= 1 && rows <= 16, "rows " + rows);
        assertTrue((long) rows * JobPlan.bytesPerBlockRow(wide) <= GradientJob.BLOCK_BYTES);
        assertEquals(4096, JobPlan.readerBatchRows(16));
        int batch = JobPlan.readerBatchRows(100_000);
        assertTrue(batch >= 1 && batch * 100_000L * 8 <= GradientJob.READER_BATCH_BYTES, "batch " + batch);
        // an explicit size is kept when it fits, refused when it does not
        assertEquals(16, JobPlan.blockRows(wide, 16, heap));
        InvalidSetupException e = assertThrows(InvalidSetupException.class,
                () -> JobPlan.blockRows(wide, 10_000, heap));
        assertTrue(e.getMessage().startsWith("--block-rows 10000 needs "), e.getMessage());
        InvalidSetupException big = assertThrows(InvalidSetupException.class,
                () -> JobPlan.blockRows(randomNetwork(1, 3, 2, 1), 1_000_000_000, Long.MAX_VALUE));
        assertTrue(big.getMessage().startsWith("--block-rows 1000000000 × 3 entries (the widest layer) is more than"),
                big.getMessage());
    }

    @Test
    void aHundredThousandDimensionsRunInDefaultMemory() throws Exception {
        int n1 = 100_000;
        Network net = randomNetwork(4, n1, 4, 1);
        Path model = model("wide", net);
        // 40 rows in two files read at once: blocks of at most 13 rows, reader batches of at most 41
        // (blocks of 256 rows held 5 buffers of 205 MB per task: two tasks ran a 3 GB heap out of memory)
        java.util.Random rnd = new java.util.Random(5);
        List<Row> rows = new ArrayList<>();
        for (long i = 0; i < 40; i++) {
            double[] x = new double[n1];
            for (int j = 0; j < n1; j++) {
                x[j] = rnd.nextDouble();
            }
            rows.add(RowFactory.create(i, x));
        }
        Path input = parquet("wide-in", rows, ARRAYS, 2);
        Path out = tmp.resolve("wide-out");
        GradientJob.Result r = new GradientJob(spark, options(model, input, out, null, null)).execute();
        assertEquals(40, r.rows().ok());
        assertEquals(n1, summary(out).get("dimensions").size());
    }

    @Test
    void wideGenerationGivesTheSameDataAsNarrow() {
        List<Row> narrow = SyntheticInputs.generate(spark, 40, 5, 2, 7, SyntheticInputs.Distribution.NORMAL)
                .orderBy("id").collectAsList();
        List<Row> wide = SyntheticInputs.generateAsLambda(spark, 40, 5, 2, 7, SyntheticInputs.Distribution.NORMAL)
                .orderBy("id").collectAsList();
        assertEquals(narrow, wide);
    }

    @Test
    void runningOutOfMemoryInATaskIsAFailureNamingTheSettings() {
        Network net = randomNetwork(1, 100_000, 1);
        var shared = org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(net);
        // 21,000 rows × 100,000 features: 16.8 GB per buffer, more than any test heap
        org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
                .add("features", org.apache.spark.sql.types.DataTypes.createArrayType(
                        org.apache.spark.sql.types.DataTypes.DoubleType));
        GradientPass f = new GradientPass(shared, KernelFactory.NETSENSE,
                new GradientPass.Settings(0, Mode.PERMISSIVE, 21_000, netsense.core.BlockKernel.Precision.FLOAT64),
                new RowLayout(schema, 0, 0, -1, null, false), GradientJob.gradientSchema(schema, 0, VectorType.DOUBLE), null);
        Failures.NotEnoughMemoryException e = assertThrows(Failures.NotEnoughMemoryException.class,
                () -> f.call(java.util.Collections.emptyIterator()));
        String line = "out of memory allocating a block of 21000 rows × 100000 features: raise --driver-memory"
                + " (local mode) or --executor-memory (a cluster), or lower --block-rows";
        assertEquals(line, e.getMessage());
        assertEquals(line, Failures.describe(new IllegalStateException("job failed", e)));
        // a cluster sends the task's failure as text
        assertEquals(line, Failures.describe(new RuntimeException("Job aborted due to stage failure: Lost task 0.0:"
                + " netsense.spark.Failures$NotEnoughMemoryException: " + line + "\n\tat netsense...")));
        shared.destroy();
    }
}
