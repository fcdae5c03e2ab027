package netsense.cli;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import netsense.core.Activation;
import netsense.core.BlockGradient;
import netsense.core.Network;
import netsense.core.RandomNetworks;
import netsense.io.ModelWriter;
import netsense.spark.GradientJob;
import netsense.spark.SyntheticInputs;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench}: one run of one end-to-end benchmark job, timed inside its JVM; {@code jobs/bench
 * --rows N} starts a fresh JVM for each and prints the line that compares them.
 *
 * <ul>
 *   <li>{@code gradient}: the gradient job;
 *   <li>{@code global}: the gradient job with {@code --bootstrap 200 --group-by} a column of 10 keys
 *       ({@code id mod 10}, on a copy of the input that has it; SPEC "Global sensitivity");
 *   <li>{@code copy}: the same job — reading, checks, statistics, an output of the same size —
 *       with the features copied where the gradients go and no gradient math;
 *   <li>{@code floor}: what Spark itself needs to move the same bytes: a plain Spark SQL
 *       {@code select(...).write().parquet(...)} of the same input to an output of the same
 *       columns and size (id, the features as {@code gradient}, four doubles);
 *   <li>{@code pass}: the job's own per-row code without Spark's reading and writing
 *       ({@link netsense.spark.PassBench}), with the kernel and with the copy kernel, on one
 *       thread: nanoseconds a row, the best of {@link #PASS_RUNS};
 *   <li>{@code train_sgd}: SGD steps per second on the Higham example (batch size 1, in the driver);
 *   <li>{@code train_full}: full-batch training epochs on the rows (labels: the mean of the
 *       features), on the executors and in the driver; seconds per epoch, the data cached.
 * </ul>
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Runs one end-to-end benchmark job on generated input (made on first use and kept) and"
                + " prints its time.", "jobs/bench --rows N runs each kind in a fresh JVM and compares them."})
final class BenchCommand implements NetsenseCommand {
    /** The benchmark jobs (see the class comment). */
    enum Kind { GRADIENT, GLOBAL, COPY, FLOOR, PASS, TRAIN_SGD, TRAIN_FULL }

    /** The pass kind's timed runs of each kernel; the best counts (the first ones compile). */
    static final int PASS_RUNS = 5;

    /** The global kind's replicates and the keys of its group column. */
    static final int GLOBAL_REPLICATES = 200;
    static final int GLOBAL_KEYS = 10;

    @Option(names = "--kind", paramLabel = "K", defaultValue = "gradient", converter = EnumIds.BenchKinds.class,
            completionCandidates = EnumIds.BenchKinds.class,
            description = "One of ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Kind kind;

    @Option(names = "--rows", paramLabel = "N", defaultValue = "2000000", description = "Rows (default: ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--shape", paramLabel = "A-B-C", defaultValue = "16-32-32-1",
            description = "Network shape, layer widths joined by '-' (default: ${DEFAULT-VALUE}).")
    String shape;

    @Option(names = "--work", paramLabel = "DIR", defaultValue = "target/bench",
            description = "Inputs (kept and reused) and outputs (default: ${DEFAULT-VALUE}).")
    String work;

    @Option(names = "--partitions", paramLabel = "P", defaultValue = "0",
            description = "Input files when the input is made (default: 4 per core).")
    int partitions;

    @Mixin
    SparkOptions spark;

    @Override
    public List<String> validate() {
        List<String> problems = new ArrayList<>();
        if (widths(shape) == null) {
            problems.add("--shape takes two or more layer widths of 1 or more joined by '-', like 16-32-32-1; got "
                    + shape);
        }
        if (rows < 0) {
            problems.add("--rows must be 0 or more, got " + rows);
        }
        if (partitions < 0) {
            problems.add("--partitions must be 1 or more (or 0: 4 per core), got " + partitions);
        }
        return problems;
    }

    /** The layer widths of a shape like 16-32-32-1, or null when it is not one. */
    static int[] widths(String shape) {
        try {
            int[] widths = Arrays.stream(shape.split("-", -1)).mapToInt(Integer::parseInt).toArray();
            return widths.length >= 2 && Arrays.stream(widths).allMatch(w -> w >= 1) ? widths : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public Integer call() throws IOException {
        int[] widths = widths(shape);
        String id = EnumIds.lowerCase(kind);
        SparkSession session = spark.open("netsense bench " + id);
        Path root = Path.of(work).toAbsolutePath();
        Files.createDirectories(root);
        if (kind == Kind.PASS) {
            double seconds = pass(session, widths);
            System.out.printf(Locale.ROOT, "bench kind=%s shape=%s rows=%d seconds=%.2f%n", id, shape, rows, seconds);
            return ExitCode.OK;
        }
        Path input = root.resolve("input-" + widths[0] + "d-" + rows);
        if (!Files.exists(input.resolve("_SUCCESS"))) {
            int p = partitions > 0 ? partitions : 4 * session.sparkContext().defaultParallelism();
            SyntheticInputs.generate(session, rows, widths[0], p, 1, SyntheticInputs.Distribution.UNIFORM)
                    .write().mode("overwrite").parquet(input.toString());
        }
        Path model = root.resolve("model-" + shape + ".json");
        ModelWriter.write(network(widths), model);
        Path output = root.resolve("out-" + id);
        double seconds = switch (kind) {
            case GRADIENT -> job(session, model, input, output, false);
            case GLOBAL -> global(session, model, withSegments(session, input), output);
            case COPY -> job(session, model, input, output, true);
            case FLOOR -> floor(session, input, output);
            case PASS -> throw new IllegalStateException("handled above");
            case TRAIN_SGD -> TrainingBench.sgd();
            case TRAIN_FULL -> TrainingBench.fullBatch(session, widths, input, root);
        };
        System.out.printf(Locale.ROOT, "bench kind=%s shape=%s rows=%d seconds=%.2f%n", id, shape, rows, seconds);
        return ExitCode.OK;
    }

    private static double job(SparkSession spark, Path model, Path input, Path output, boolean copyOnly)
            throws IOException {
        GradientJob.Builder options = GradientJob.Options.builder(model.toString(), input.toString(),
                output.toString()).overwrite(true);
        if (copyOnly) {
            options.kernels((net, outputIndex, maxRows, precision) -> new CopyKernel(net.inputWidth(), maxRows));
        }
        return new GradientJob(spark, options.build()).execute().seconds();
    }

    /** The input with a column {@code segment} = id mod {@link #GLOBAL_KEYS}, made once beside it. */
    static Path withSegments(SparkSession spark, Path input) {
        Path segmented = input.resolveSibling(input.getFileName() + "-segments");
        if (!Files.exists(segmented.resolve("_SUCCESS"))) {
            spark.read().parquet(input.toString())
                    .withColumn("segment", org.apache.spark.sql.functions.pmod(col("id"),
                            org.apache.spark.sql.functions.lit(GLOBAL_KEYS)).cast("int"))
                    .write().mode("overwrite").parquet(segmented.toString());
        }
        return segmented;
    }

    private static double global(SparkSession spark, Path model, Path input, Path output) throws IOException {
        GradientJob.Options options = GradientJob.Options.builder(model.toString(), input.toString(),
                output.toString()).overwrite(true).global(netsense.spark.GlobalOptions.defaults()
                .withBootstrap(GLOBAL_REPLICATES, netsense.spark.GlobalOptions.DEFAULT_CONFIDENCE, 0)
                .withGroupBy("segment", netsense.core.GroupedSummaries.DEFAULT_MAX_GROUPS)).build();
        return new GradientJob(spark, options).execute().seconds();
    }

    /** The copy job's "kernel": the features where the gradients go, 0.5 as the output, no gradient math. */
    static final class CopyKernel implements BlockGradient {
        private final int width;
        private final int maxRows;

        CopyKernel(int width, int maxRows) {
            this.width = width;
            this.maxRows = maxRows;
        }

        @Override
        public void compute(double[] x, int xOff, int rows, double[] outputs, int outOff, double[] gradients,
                            int gradOff) {
            System.arraycopy(x, xOff, gradients, gradOff, rows * width);
            java.util.Arrays.fill(outputs, outOff, outOff + rows, 0.5);
        }

        @Override
        public int maxRows() {
            return maxRows;
        }
    }

    /** Both kernels' best of {@link #PASS_RUNS} through the pass; prints the line jobs/bench --pass shows. */
    private double pass(SparkSession spark, int[] widths) {
        long start = System.nanoTime();
        Network net = network(widths);
        double[] best = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
        for (int r = 0; r < PASS_RUNS; r++) {
            best[0] = Math.min(best[0], netsense.spark.PassBench.run(spark, net, rows,
                    netsense.spark.KernelFactory.NETSENSE).nanosPerRow());
            best[1] = Math.min(best[1], netsense.spark.PassBench.run(spark, net, rows,
                    (n, outputIndex, maxRows, precision) -> new CopyKernel(n.inputWidth(), maxRows)).nanosPerRow());
        }
        System.out.printf(Locale.ROOT, "bench pass [%s] rows=%d pass=%.0fns/row copy_pass=%.0fns/row kernel=%.0fns/row"
                + " (one thread, no Parquet, best of %d)%n", shape.replace('-', ','), rows, best[0], best[1],
                best[0] - best[1], PASS_RUNS);
        return (System.nanoTime() - start) / 1e9;
    }

    /** The plain Spark SQL copy: whole-stage code generation, no per-row Java objects. */
    static double floor(SparkSession spark, Path input, Path output) {
        long start = System.nanoTime();
        Column x = col("features");
        Column first = element_at(x, 1);
        Column last = element_at(x, -1);
        spark.read().parquet(input.toString())
                .select(col("id"), first.as("output"), x.as("gradient"), first.plus(last).as("grad_l1"),
                        first.minus(last).as("grad_l2"), abs(last).as("grad_linf"))
                .write().mode("overwrite").parquet(output.toString());
        return (System.nanoTime() - start) / 1e9;
    }

    /** Hidden layers tanh, output sigmoid; weights N(0, 1/n_{l-1}), fixed seed. */
    static Network network(int[] widths) {
        return RandomNetworks.gaussian(42, widths, Activation.TANH, Activation.SIGMOID, 0);
    }
}
