package netsense.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import netsense.io.ModelWriter;
import org.apache.spark.ExceptionFailure;
import org.apache.spark.TaskKilled;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The statistics count every partition exactly once when tasks are retried or speculated:
 * the partition's tally goes to the accumulator in the stage that writes gradients/, whose
 * updates Spark applies from the successful attempt of each partition only. Each run is
 * compared with a clean run on the same input: every figure of summary.json, the rejected
 * counts by kind, and every gradient row exactly once. Failures and slowness come from a
 * test-only file system ({@link FlakyFileSystem}) that the job reads and writes through.
 */
class TaskRetriesTest {
    static final int ROWS = 2400;
    static final int PARTITIONS = 8;

    @TempDir
    static Path dir;
    static Path model;
    static Path input;
    static Path clean;
    static GradientJob.Result cleanResult;

    @BeforeAll
    static void cleanRun() throws Exception {
        SparkSession spark = SparkTestBase.session();
        model = dir.resolve("m.json");
        ModelWriter.write(SparkTestBase.randomNetwork(9, 5, 8, 1), model);
        List<Row> rows = new ArrayList<>(GradientJobTest.randomRows(3, ROWS, 5));
        rows.set(10, RowFactory.create(10L, Arrays.asList(1.0, Double.NaN, 0.0, 0.0, 0.0), "t1"));
        rows.set(20, RowFactory.create(20L, null, "t2"));
        rows.set(30, RowFactory.create(30L, Arrays.asList(1.0, 2.0), "t0"));
        input = dir.resolve("in");
        spark.createDataFrame(rows, GradientJobTest.SCHEMA).repartition(PARTITIONS).write().parquet(input.toString());
        clean = dir.resolve("clean");
        cleanResult = new GradientJob(spark, GradientJob.Options.of(model.toString(), input.toString(),
                clean.toString())).execute();
        assertEquals(3, cleanResult.rows().rejected());
    }

    @AfterAll
    static void restoreSharedSession() {
        SparkTestBase.stopSession(); // the next test class starts the shared local[2] session again
    }

    /** Every task end, kept from a listener on the session's context. */
    static final class TaskEnds extends SparkListener {
        final List<SparkListenerTaskEnd> ends = new CopyOnWriteArrayList<>();

        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
            ends.add(end);
        }
    }

    static Map<String, String> flaky(String... settings) {
        Map<String, String> conf = new HashMap<>();
        conf.put("spark.hadoop.fs.flaky.impl", FlakyFileSystem.class.getName());
        conf.put("spark.hadoop.fs.flaky.impl.disable.cache", "true");
        conf.put("spark.hadoop.flaky.path", "/gradients/");
        conf.put("spark.sql.files.minPartitionNum", String.valueOf(PARTITIONS)); // one task per input file
        for (int i = 0; i < settings.length; i += 2) {
            conf.put(settings[i], settings[i + 1]);
        }
        return conf;
    }

    /** Runs the job through flaky:// on a session of its own; the task ends it saw. */
    static List<SparkListenerTaskEnd> run(String master, Map<String, String> conf, Path output) throws Exception {
        SparkSession spark = SparkTestBase.exclusiveSession(master, conf);
        TaskEnds listener = new TaskEnds();
        spark.sparkContext().addSparkListener(listener);
        GradientJob.Result result = new GradientJob(spark, GradientJob.Options.of(model.toString(),
                FlakyFileSystem.uri(input), FlakyFileSystem.uri(output))).execute();
        spark.sparkContext().listenerBus().waitUntilEmpty();
        assertEquals(cleanResult.rows(), result.rows());
        assertEquals(cleanResult.rejectedByKind(), result.rejectedByKind());
        assertSameAsClean(spark, output);
        return listener.ends;
    }

    static void assertSameAsClean(SparkSession spark, Path output) throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode expected = json.readTree(clean.resolve("summary.json").toFile());
        JsonNode actual = json.readTree(output.resolve("summary.json").toFile());
        assertEquals(expected.get("rows"), actual.get("rows"));
        GradientJobTest.assertSameNumbers(expected, actual, "", PARTITIONS);
        List<Row> a = sortedById(spark, clean.resolve("gradients"));
        List<Row> b = sortedById(spark, output.resolve("gradients"));
        assertEquals(ROWS - 3, b.size(), "every good row exactly once");
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).getLong(0), b.get(i).getLong(0), "row " + i + ": each id once, none missing");
            // the same rows in other blocks (partitions differ from the clean run's): equal to rounding
            assertEquals(a.get(i).getDouble(1), b.get(i).getDouble(1), 1e-13, "output of row " + i);
            List<Double> ga = a.get(i).getList(2);
            List<Double> gb = b.get(i).getList(2);
            for (int j = 0; j < ga.size(); j++) {
                assertEquals(ga.get(j), gb.get(j), 1e-13, "gradient of row " + i);
            }
        }
        assertEquals(3, spark.read().parquet(output.resolve("rejected").toString()).count());
    }

    static List<Row> sortedById(SparkSession spark, Path folder) {
        List<Row> rows = new ArrayList<>(spark.read().parquet(folder.toString()).collectAsList());
        rows.sort(Comparator.comparingLong(r -> r.getLong(0)));
        return rows;
    }

    @Test
    void firstAttemptsThatFailAfterTheirRowsAreNotCounted() throws Exception {
        // local[2,3]: 3 attempts per task; attempt 0 of every even partition of the write fails
        // when it closes its file: after all its rows went through and its tally was reported
        List<SparkListenerTaskEnd> ends = run("local[2,3]", flaky("spark.hadoop.flaky.fail.modulo", "2"),
                dir.resolve("failed"));
        List<SparkListenerTaskEnd> injected = ends.stream()
                .filter(e -> e.reason() instanceof ExceptionFailure f && f.toErrorString().contains("flaky: injected"))
                .toList();
        assertEquals(PARTITIONS / 2, injected.size(), "first attempts failed");
        for (SparkListenerTaskEnd e : injected) {
            assertEquals(0, e.taskInfo().attemptNumber());
            assertTrue(e.taskMetrics().inputMetrics().recordsRead() > 0, "the failed attempt had read its rows");
        }
    }

    @Test
    void speculativeCopiesAreNotCountedTwice() throws Exception {
        // two executors on two (claimed) hosts, so that Spark speculates; attempt 0 of
        // partition 0 of the write stalls before closing its file, long after its rows went through
        long t0 = System.nanoTime();
        List<SparkListenerTaskEnd> ends = run(TwoHostClusterManager.MASTER, flaky(
                "spark.hadoop.flaky.sleep.modulo", String.valueOf(Integer.MAX_VALUE),
                "spark.hadoop.flaky.sleep.millis", "20000",
                "spark.speculation", "true",
                "spark.speculation.interval", "50ms",
                "spark.speculation.quantile", "0.5",
                "spark.speculation.multiplier", "1.5",
                "spark.speculation.minTaskRuntime", "200ms",
                "spark.speculation.efficiency.enabled", "false",
                "spark.locality.wait", "0",
                "spark.executor.heartbeatInterval", "60s"), dir.resolve("speculated"));
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<SparkListenerTaskEnd> copies = ends.stream()
                .filter(e -> e.taskInfo().speculative() && e.taskInfo().successful()).toList();
        assertTrue(!copies.isEmpty(), "a speculative copy ran and succeeded");
        assertTrue(ends.stream().anyMatch(e -> e.reason() instanceof TaskKilled && e.taskInfo().attemptNumber() == 0
                        && e.taskMetrics().inputMetrics().recordsRead() > 0),
                "the stalled original, which had read its rows, was killed");
        assertTrue(seconds < 20, "the speculative copy finished the job (" + seconds + " s)");
    }
}
