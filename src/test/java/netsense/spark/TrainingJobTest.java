package netsense.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import netsense.core.Activation;
import netsense.core.Loss;
import netsense.core.Network;
import netsense.core.Optimizer;
import netsense.io.InvalidSetupException;
import netsense.io.ModelReader;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The training job on Spark: the cluster path against the driver's, partitions, outputs, refusals. */
class TrainingJobTest extends SparkTestBase {
    private static final int ROWS = 1000;

    /** Rows of 3 features; mse labels (2 numbers) and a class index, from a fixed rule plus noise. */
    private Path input(int partitions) {
        Random rnd = new Random(1);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            double[] x = {rnd.nextDouble(), rnd.nextDouble(), rnd.nextDouble()};
            double s = x[0] + 2 * x[1] - x[2];
            rows.add(RowFactory.create((long) i, x, new double[] {Math.sin(s), s * s / 4 + 0.01 * rnd.nextGaussian()},
                    s > 1 ? 1 : 0));
        }
        StructType schema = new StructType().add("id", DataTypes.LongType)
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType, false))
                .add("label", DataTypes.createArrayType(DataTypes.DoubleType, false))
                .add("class", DataTypes.IntegerType);
        Path p = tmp.resolve("in-" + partitions);
        spark.createDataFrame(rows, schema).repartition(partitions).sortWithinPartitions("id").write()
                .parquet(p.toString());
        return p;
    }

    private static TrainingJob.Options options(Path input, Path out, Loss loss, int batch, long steps, long localRows,
                                               double target) {
        Activation[] acts = {Activation.TANH, loss == Loss.MSE ? Activation.SIGMOID : Activation.IDENTITY};
        return new TrainingJob.Options(input.toString(), "features", loss == Loss.MSE ? "label" : "class",
                new int[] {3, 5, 2}, acts, loss, Optimizer.Kind.MOMENTUM, List.of(0.5), batch, steps, null, target, 0.5,
                7, localRows, out.toString(), false, null);
    }

    private TrainingJob.Result train(Path input, String out, int batch, long steps, long localRows) throws Exception {
        return new TrainingJob(spark, options(input, tmp.resolve(out), Loss.MSE, batch, steps, localRows, Double.NaN),
                null).execute();
    }

    /** Full-batch steps on the executors: the same weights from 1 and 7 partitions, and as in the driver. */
    @Test
    void fullBatchStepsDoNotDependOnPartitionsOrOnWhereTheyRun() throws Exception {
        Path one = input(1);
        Path seven = input(7);
        TrainingJob.Result a = train(one, "a", 0, 5, 0);
        TrainingJob.Result b;
        spark.conf().set("spark.sql.files.maxPartitionBytes", "4096"); // one partition per file, at least
        try {
            assertTrue(spark.read().parquet(seven.toString()).rdd().getNumPartitions() >= 7);
            b = train(seven, "b", 0, 5, 0);
        } finally {
            spark.conf().unset("spark.sql.files.maxPartitionBytes");
        }
        TrainingJob.Result local = train(seven, "c", 0, 5, 1_000_000);
        assertEquals("spark", a.where());
        assertEquals("local", local.where());
        assertArrayEquals(a.bestRun().theta(), b.bestRun().theta(), 1e-12);
        assertArrayEquals(a.bestRun().theta(), local.bestRun().theta(), 1e-12);
        assertEquals(a.bestRun().finalCost(), b.bestRun().finalCost(), 1e-12);
        assertTrue(a.bestRun().finalCost() < a.bestRun().curve().get(0).cost(), "the cost falls");
        // mini-batches on the executors: a sample keyed by the row, not by the partition
        TrainingJob.Result c = train(one, "d", 100, 5, 0);
        TrainingJob.Result d = train(seven, "e", 100, 5, 0); // read in 2 partitions (local[2])
        assertArrayEquals(c.bestRun().theta(), d.bestRun().theta(), 1e-12);
    }

    @Test
    void writesAModelTheGradientJobReadsAndTheReport() throws Exception {
        Path in = input(3);
        Path out = tmp.resolve("out");
        TrainingJob.Result r = new TrainingJob(spark, options(in, out, Loss.MSE, 32, 300, 1_000_000, 0.05), null)
                .execute();
        Network model = ModelReader.read(out.resolve("model.json"));
        assertArrayEquals(r.bestRun().theta(), model.parameters(), 0.0);
        JsonNode json = new ObjectMapper().readTree(out.resolve("training.json").toFile());
        assertEquals(300, json.get("steps").asLong());
        assertEquals(r.bestRun().finalCost(), json.get("final_cost").asDouble(), 0.0);
        assertEquals(ROWS, json.get("rows").asLong());
        JsonNode curve = json.get("curve");
        assertEquals(0, curve.get(0).get("step").asLong());
        assertEquals(300, curve.get(curve.size() - 1).get("step").asLong());
        assertEquals(2, curve.get(3).get("gradient_norms").size());
        assertTrue(json.get("target").isNull() || json.get("target").get("step").asLong() <= 300);
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("id=\"cost-steps\"") && html.contains("id=\"cost-seconds\"")
                && html.contains("id=\"gradient-norms\""));
        // the gradient job runs on the model
        GradientJob.Result g = new GradientJob(spark, GradientJob.Options.builder(out.resolve("model.json").toString(),
                in.toString(), tmp.resolve("grads").toString()).outputIndex(0).build()).execute();
        assertEquals(ROWS, g.rows().ok());
        // an existing output is refused, and left as it was
        InvalidSetupException e = assertThrows(InvalidSetupException.class, () -> new TrainingJob(spark,
                options(in, out, Loss.MSE, 32, 3, 1_000_000, Double.NaN), null).execute());
        assertTrue(e.getMessage().contains("exists"), e.getMessage());
        assertEquals(300, new ObjectMapper().readTree(out.resolve("training.json").toFile()).get("steps").asLong());
    }

    @Test
    void crossEntropyOnClassIndices() throws Exception {
        Path in = input(2);
        TrainingJob.Result r = new TrainingJob(spark,
                options(in, tmp.resolve("ce"), Loss.CROSS_ENTROPY, 0, 200, 1_000_000, Double.NaN), null).execute();
        assertTrue(r.bestRun().finalCost() < 0.5 * Math.log(2), "below chance: " + r.bestRun().finalCost());
        Network model = ModelReader.read(tmp.resolve("ce").resolve("model.json"));
        assertEquals(2, model.outputWidth());
    }

    @Test
    void badRowsAndLabelsAreRefused() throws Exception {
        StructType schema = new StructType().add("features", DataTypes.createArrayType(DataTypes.DoubleType, true))
                .add("label", DataTypes.createArrayType(DataTypes.DoubleType, true)).add("name", DataTypes.StringType);
        Path bad = tmp.resolve("bad");
        spark.createDataFrame(List.of(RowFactory.create(new double[] {0, 1, 2}, new double[] {1, 0}, "a"),
                RowFactory.create(new double[] {0, Double.NaN, 2}, new double[] {1, 0}, "b")), schema)
                .coalesce(1).write().parquet(bad.toString());
        InvalidSetupException e = assertThrows(InvalidSetupException.class, () -> new TrainingJob(spark,
                options(bad, tmp.resolve("o1"), Loss.MSE, 1, 3, 10, Double.NaN), null).execute());
        assertEquals("input row 1 (0-based, in the input's order): feature 1 is NaN", e.getMessage());
        TrainingJob.Options noLabel = new TrainingJob.Options(bad.toString(), "features", "name", new int[] {3, 2},
                new Activation[] {Activation.SIGMOID}, Loss.MSE, Optimizer.Kind.SGD, List.of(0.1), 1, 3L, null,
                Double.NaN, 0.5, 0, 10, tmp.resolve("o2").toString(), false, null);
        e = assertThrows(InvalidSetupException.class, () -> new TrainingJob(spark, noLabel, null).execute());
        assertEquals("label column \"name\" has type string; mse takes an array of 2 numbers (the network's outputs)",
                e.getMessage());
        assertTrue(!Files.exists(tmp.resolve("o1")) && !Files.exists(tmp.resolve("o2")), "nothing written");
    }
}
