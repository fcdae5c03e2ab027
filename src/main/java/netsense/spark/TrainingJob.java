package netsense.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import netsense.core.Activation;
import netsense.core.GradientSource;
import netsense.core.HighamExample;
import netsense.core.LocalGradients;
import netsense.core.Loss;
import netsense.core.Network;
import netsense.core.Optimizer;
import netsense.core.Trainer;
import netsense.io.Format;
import netsense.io.InvalidSetupException;
import netsense.io.ModelWriter;
import netsense.io.TrainingJson;
import netsense.io.TrainingReportHtml;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The training job (SPEC, "Training"): Parquet rows (or the Higham example's ten points) →
 * {@code model.json}, {@code report.html} and {@code training.json} (written last) in an output
 * folder, through {@link OutputCommit} as the gradient job's.
 *
 * <p>Up to {@code localRows} rows are collected to the driver and every step runs there
 * ({@link LocalGradients}: no Spark job per step); beyond, the rows stay cached on the executors
 * and each step is one aggregation ({@link ClusterGradients}). One run per learning rate, each
 * from the same initial weights and batch order; the model written is the run with the lowest
 * final cost.
 */
public final class TrainingJob {
    private static final Logger LOG = LogManager.getLogger(TrainingJob.class);
    static final String LAST_FILE = "training.json";
    /** Cells per side of the classified plane in the report. */
    static final int REGION_CELLS = 80;

    /**
     * What to train. {@code input} null means the built-in example ({@code example}). The
     * activations are the model's, a2..aL; with cross-entropy the output layer is softmax and its
     * entry is ignored. {@code steps} or {@code epochs} (one of them; steps win); {@code targetCost}
     * NaN for none.
     */
    public record Options(String input, String featuresCol, String labelCol, int[] layers, Activation[] activations,
                          Loss loss, Optimizer.Kind optimizer, List<Double> learningRates, int batchSize, Long steps,
                          Double epochs, double targetCost, double initScale, long seed, long localRows,
                          String output, boolean overwrite, String example) {
        public Options {
            Objects.requireNonNull(output, "output");
            Objects.requireNonNull(loss, "loss");
            Objects.requireNonNull(optimizer, "optimizer");
            learningRates = List.copyOf(learningRates);
            if (learningRates.isEmpty()) {
                throw new IllegalArgumentException("no learning rate");
            }
        }
    }

    /** A finished job: every run, the one whose model was written, and where. */
    public record Result(String output, List<Trainer.Run> runs, int best, Network model, long rows, String where,
                         double seconds) {
        public Trainer.Run bestRun() {
            return runs.get(best);
        }
    }

    private final SparkSession spark;
    private final Options options;
    private final PrintStream console;

    /**
     * @param spark   null for the example (no Spark needed: the files go through Hadoop's local file system)
     * @param console where the cost decay is printed as it comes; null for silence
     */
    public TrainingJob(SparkSession spark, Options options, PrintStream console) {
        this.spark = spark;
        this.options = Objects.requireNonNull(options, "options");
        this.console = console;
        if (spark == null && options.input() != null) {
            throw new IllegalArgumentException("reading an input needs a Spark session");
        }
    }

    public Result execute() throws IOException {
        long start = System.nanoTime();
        Configuration hadoop = spark != null ? spark.sparkContext().hadoopConfiguration() : new Configuration();
        Path out = new Path(options.output());
        FileSystem fs = out.getFileSystem(hadoop);
        out = fs.makeQualified(out);
        if (options.input() != null) {
            OutputCommit.refuseOverlap(hadoop, out, options.output(), options.input(), options.input());
        }
        Network modelShape = Trainer.initial(options.layers(), modelActivations(), options.initScale(), options.seed());
        Network initial = options.loss().trainingNetwork(modelShape);
        try (OutputCommit commit = new OutputCommit(fs, out, options.overwrite(), LAST_FILE)) {
            Data data = load(initial);
            List<Trainer.Run> runs = new ArrayList<>();
            try {
                for (double rate : options.learningRates()) {
                    GradientSource source = data.source(initial, options);
                    long steps = options.steps() != null ? options.steps()
                            : Math.round(options.epochs() * source.stepsPerEpoch());
                    if (console != null) {
                        console.printf(Locale.ROOT, "training %s %s, %s loss, %s, η = %s, batch %s, %s steps on %s rows"
                                        + " (%s)%n", modelShape.shape(), ids(modelShape), options.loss().id(),
                                options.optimizer().id(), Format.sig3(rate), batchLabel(data.rows),
                                Format.count(steps), Format.count(data.rows), data.where);
                    }
                    Trainer.Settings settings = new Trainer.Settings(options.optimizer(), rate, steps,
                            options.targetCost());
                    runs.add(new Trainer(initial).run(source, initial.parameters(), settings, this::progress));
                }
            } finally {
                data.close();
            }
            int best = best(runs);
            if (runs.get(best).diverged()) {
                throw new IllegalStateException("training diverged (the cost stopped being finite at step "
                        + Format.count(runs.get(best).divergedAt()) + "); lower the learning rate");
            }
            Network trained = initial.withParameters(runs.get(best).theta());
            Network model = options.loss().modelNetwork(trained);
            Path staging = commit.staging();
            fs.mkdirs(staging);
            try (OutputStream o = fs.create(new Path(staging, "model.json"), true)) {
                ModelWriter.write(model, o);
            }
            TrainingReportHtml.Regions regions = data.regions(initial, runs.get(best).theta());
            String html = TrainingReportHtml.render(facts(model, data), runs, best, options.targetCost(), regions);
            try (OutputStream o = fs.create(new Path(staging, "report.html"), true)) {
                o.write(html.getBytes(StandardCharsets.UTF_8));
            }
            TrainingJson.Facts facts = new TrainingJson.Facts(settings(), model, data.rows, data.where);
            commit.commit(o -> TrainingJson.write(o, facts, runs, best));
            return new Result(out.toString(), List.copyOf(runs), best, model, data.rows, data.where,
                    (System.nanoTime() - start) / 1e9);
        }
    }

    /** The lowest final cost among the runs that did not diverge (the first run when all did). */
    static int best(List<Trainer.Run> runs) {
        int best = 0;
        for (int i = 1; i < runs.size(); i++) {
            Trainer.Run r = runs.get(i);
            Trainer.Run b = runs.get(best);
            if (!r.diverged() && (b.diverged() || r.finalCost() < b.finalCost())) {
                best = i;
            }
        }
        return best;
    }

    private Activation[] modelActivations() {
        if (options.activations().length != options.layers().length - 1) {
            throw new InvalidSetupException(options.activations().length + " activations for "
                    + (options.layers().length - 1) + " layers");
        }
        return options.activations();
    }

    private static String ids(Network net) {
        return Arrays.toString(Arrays.stream(net.activations()).map(Activation::id).toArray());
    }

    private String batchLabel(long rows) {
        int b = options.batchSize();
        return b <= 0 || b >= rows ? "full (" + Format.count(rows) + ")" : Format.count(b);
    }

    /** The cost decay on the console: the first step and every power of ten (the report has every point). */
    private void progress(Trainer.Point p) {
        if (console == null) {
            return;
        }
        long s = p.step();
        boolean decade = s == 0 || Math.pow(10, Math.round(Math.log10(s))) == s;
        if (decade) {
            console.printf(Locale.ROOT, "  step %,13d   cost %-10s %8.2f s%n", s, Format.sig3(p.cost()), p.seconds());
        }
    }

    private Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("example", options.example());
        m.put("input", options.input());
        m.put("features", options.input() == null ? null : options.featuresCol());
        m.put("label", options.input() == null ? null : options.labelCol());
        m.put("layers", Arrays.stream(options.layers()).boxed().toList());
        m.put("loss", options.loss().id());
        m.put("optimizer", options.optimizer().id());
        m.put("learning_rates", options.learningRates());
        m.put("batch_size", options.batchSize());
        m.put("steps", options.steps());
        m.put("epochs", options.epochs());
        m.put("target_cost", Double.isNaN(options.targetCost()) ? null : options.targetCost());
        m.put("init_scale", options.initScale());
        m.put("seed", options.seed());
        m.put("local_rows", options.localRows() == Long.MAX_VALUE ? null : options.localRows());
        return m;
    }

    private TrainingReportHtml.Facts facts(Network model, Data data) {
        List<String> lines = new ArrayList<>();
        lines.add("Model " + model.shape() + " " + ids(model) + ", " + Format.count(model.parameterCount())
                + " parameters; loss " + options.loss().id() + ", optimizer " + options.optimizer().id()
                + ", batch " + batchLabel(data.rows) + ", initial weights " + options.initScale() + " × N(0, 1), seed "
                + options.seed() + ".");
        lines.add("Data: " + (options.input() == null ? "the " + options.example() + " example" : options.input())
                + ", " + Format.count(data.rows) + " rows, trained " + ("local".equals(data.where)
                ? "in the driver" : "on the cluster, one aggregation per step") + ".");
        if (options.loss() == Loss.CROSS_ENTROPY && model.activation(model.depth()) == Activation.IDENTITY) {
            lines.add("The model's outputs are the logits: the class probabilities are their softmax.");
        }
        return new TrainingReportHtml.Facts(model.shape() + (options.example() != null ? " (" + options.example()
                + " example)" : ""), lines);
    }

    /** The rows, in the driver or cached on the executors. */
    private final class Data implements AutoCloseable {
        final long rows;
        final String where;
        final double[] x;
        final double[] y;
        final JavaRDD<ClusterGradients.Block> cached;

        Data(long rows, double[] x, double[] y, JavaRDD<ClusterGradients.Block> cached) {
            this.rows = rows;
            this.x = x;
            this.y = y;
            this.cached = cached;
            this.where = cached == null ? "local" : "spark";
        }

        GradientSource source(Network net, Options o) {
            if (cached == null) {
                return new LocalGradients(net, o.loss(), x, y, (int) rows, o.batchSize(), o.seed());
            }
            return new ClusterGradients(JavaSparkContext.fromSparkContext(spark.sparkContext()), cached, net, o.loss(),
                    rows, o.batchSize(), o.seed());
        }

        /** The classified plane, for two inputs with the rows in the driver; else null. */
        TrainingReportHtml.Regions regions(Network net, double[] theta) {
            if (cached != null || net.inputWidth() != 2) {
                return null;
            }
            int n = (int) Math.min(rows, 10_000);
            double[] px = new double[n];
            double[] py = new double[n];
            double x0 = 0;
            double x1 = 1;
            double y0 = 0;
            double y1 = 1;
            for (int i = 0; i < n; i++) {
                px[i] = x[2 * i];
                py[i] = x[2 * i + 1];
                x0 = Math.min(x0, px[i]);
                x1 = Math.max(x1, px[i]);
                y0 = Math.min(y0, py[i]);
                y1 = Math.max(y1, py[i]);
            }
            int cells = REGION_CELLS;
            double[] grid = new double[2 * cells * cells];
            for (int iy = 0; iy < cells; iy++) {
                for (int ix = 0; ix < cells; ix++) {
                    grid[2 * (iy * cells + ix)] = x0 + (ix + 0.5) * (x1 - x0) / cells;
                    grid[2 * (iy * cells + ix) + 1] = y0 + (iy + 0.5) * (y1 - y0) / cells;
                }
            }
            LocalGradients local = new LocalGradients(net, options.loss(), x, y, (int) rows, 0, 0);
            int nL = net.outputWidth();
            double[] out = local.outputs(theta, grid, cells * cells);
            int[] classes = new int[cells * cells];
            for (int i = 0; i < classes.length; i++) {
                classes[i] = argmax(out, i * nL, nL);
            }
            int lw = options.loss().labelWidth(nL);
            int[] pc = new int[n];
            for (int i = 0; i < n; i++) {
                pc[i] = options.loss() == Loss.CROSS_ENTROPY ? (int) y[i] : argmax(y, i * lw, lw);
            }
            return new TrainingReportHtml.Regions(x0, x1, y0, y1, cells, classes, px, py, pc);
        }

        @Override
        public void close() {
            if (cached != null) {
                cached.unpersist(false);
            }
        }
    }

    /** The largest of n values from off; with one value, whether it is above one half. */
    static int argmax(double[] v, int off, int n) {
        if (n == 1) {
            return v[off] > 0.5 ? 1 : 0;
        }
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (v[off + i] > v[off + best]) {
                best = i;
            }
        }
        return best;
    }

    private Data load(Network net) {
        if (options.input() == null) {
            return new Data(HighamExample.rows(), HighamExample.features(), HighamExample.labels(), null);
        }
        Dataset<Row> input;
        try {
            input = spark.read().parquet(options.input());
        } catch (RuntimeException e) {
            throw new InvalidSetupException("cannot read the input " + options.input() + " as Parquet: "
                    + JobPlan.firstLine(String.valueOf(e.getMessage())));
        }
        FeatureSource features = FeatureSource.resolve(input.schema(), options.featuresCol(), null);
        features.requireDeclaredWidth(net);
        Column label = TrainingRows.label(input, options.labelCol(), options.loss(), net.outputWidth());
        Dataset<Row> selected = input.select(features.asDoubleArray(), label);
        long rows = selected.count();
        if (rows == 0) {
            throw new InvalidSetupException("the input " + options.input() + " has no rows to train on");
        }
        int n1 = net.inputWidth();
        int lw = options.loss().labelWidth(net.outputWidth());
        JavaRDD<ClusterGradients.Block> blocks = TrainingRows.blocks(selected, options.loss(), n1, net.outputWidth());
        try {
            if (rows <= options.localRows()) {
                LOG.info("{} rows: collected to the driver, steps run there", rows);
                double[][] xy = TrainingRows.collect(blocks, rows, n1, lw);
                return new Data(rows, xy[0], xy[1], null);
            }
            LOG.info("{} rows (more than --local-rows {}): cached on the executors, one aggregation per step", rows,
                    options.localRows());
            blocks.persist(StorageLevel.MEMORY_AND_DISK());
            blocks.count();
            return new Data(rows, null, null, blocks);
        } catch (Exception e) { // a failed task arrives as a SparkException, which Scala throws unchecked
            TrainingRows.BadTrainingRow bad = TrainingRows.BadTrainingRow.findIn(e);
            if (bad != null) {
                throw new InvalidSetupException(bad.getMessage());
            }
            throw e;
        }
    }
}
