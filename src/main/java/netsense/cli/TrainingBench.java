package netsense.cli;

import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import netsense.core.Activation;
import netsense.core.HighamExample;
import netsense.core.LocalGradients;
import netsense.core.Loss;
import netsense.core.Network;
import netsense.core.Optimizer;
import netsense.core.Trainer;
import netsense.spark.TrainingJob;
import org.apache.spark.sql.SparkSession;

/** The training benchmarks of {@code bench --kind train_sgd | train_full}; each prints its own figures. */
final class TrainingBench {
    static final long SGD_STEPS = 1_000_000;
    static final long EPOCHS = 5;

    private TrainingBench() {}

    /** 10⁶ SGD steps on the Higham example after a warm-up run; returns the seconds of the timed run. */
    static double sgd() {
        Network net = Trainer.initial(HighamExample.WIDTHS, HighamExample.activations(), 0.5, 0);
        double seconds = 0;
        for (int round = 0; round < 2; round++) {  // the first run warms the JIT
            LocalGradients data = new LocalGradients(net, Loss.MSE, HighamExample.features(), HighamExample.labels(),
                    HighamExample.rows(), 1, 0);
            long start = System.nanoTime();
            new Trainer(net).run(data, net.parameters(), new Trainer.Settings(Optimizer.Kind.SGD,
                    HighamExample.LEARNING_RATE, SGD_STEPS, Double.NaN), null);
            seconds = (System.nanoTime() - start) / 1e9;
        }
        System.out.printf(Locale.ROOT, "bench train_sgd steps=%d seconds=%.3f steps_per_second=%.0f%n", SGD_STEPS,
                seconds, SGD_STEPS / seconds);
        return seconds;
    }

    /**
     * Full-batch epochs of a tanh network of this shape on the input (label: the mean of the
     * features), on the executors and then in the driver; returns the executors' seconds per epoch.
     */
    static double fullBatch(SparkSession spark, int[] widths, Path input, Path root)
            throws IOException {
        Path labelled = root.resolve(input.getFileName() + "-labelled");
        if (!Files.exists(labelled.resolve("_SUCCESS"))) {
            spark.read().parquet(input.toString())
                    .withColumn("label", array(aggregate(col("features"), lit(0.0), (a, x) -> a.plus(x))
                            .divide(widths[0])))
                    .write().mode("overwrite").parquet(labelled.toString());
        }
        Activation[] acts = new Activation[widths.length - 1];
        java.util.Arrays.fill(acts, Activation.TANH);
        acts[acts.length - 1] = Activation.IDENTITY;
        double spark1 = 0;
        for (long localRows : new long[] {0, Integer.MAX_VALUE / 2}) {
            TrainingJob.Options o = new TrainingJob.Options(labelled.toString(), "features", "label", widths, acts,
                    Loss.MSE, Optimizer.Kind.SGD, List.of(0.05), 0, EPOCHS, null, Double.NaN, 0.5, 0, localRows,
                    root.resolve("out-train").toString(), true, null);
            TrainingJob.Result r = new TrainingJob(spark, o, null).execute();
            double perEpoch = r.bestRun().seconds() / EPOCHS;
            System.out.printf(Locale.ROOT, "bench train_full where=%s rows=%d epochs=%d seconds_per_epoch=%.3f"
                    + " epochs_per_second=%.3f job_seconds=%.1f%n", r.where(), r.rows(), EPOCHS, perEpoch, 1 / perEpoch,
                    r.seconds());
            if (localRows == 0) {
                spark1 = perEpoch;
            }
        }
        return spark1;
    }
}
