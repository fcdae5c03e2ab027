package netsense.spark;

import static org.apache.spark.sql.functions.col;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import netsense.core.BlockKernel;
import netsense.core.GradientKernel;
import netsense.core.GradientSummary;
import netsense.core.InvalidModelException;
import netsense.core.Network;
import netsense.io.FeatureSource;
import netsense.io.InvalidSetupException;
import netsense.io.ModelReader;
import netsense.io.ReportHtml;
import netsense.io.SummaryJson;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The gradient job: model file + Parquet rows → {@code gradients/}, {@code rejected/} and
 * {@code summary.json} and {@code report.html} in an output folder.
 *
 * <p>{@link #execute()} first checks everything that can be checked without touching the
 * rows (options, model, schema, the first rows' width, the output folder) and refuses with an
 * {@link InvalidSetupException} before anything is written. The work then goes to a staging
 * folder beside the output, which is renamed into place only when complete: the output is
 * whole or absent. One pass over the input writes the gradients and gathers the statistics;
 * the input is read a second time only when there are bad rows to write to {@code rejected/}.
 */
public final class GradientJob {
    private static final Logger LOG = LogManager.getLogger(GradientJob.class);

    /** Columns the job adds; carried columns may not use these names. */
    static final List<String> GRADIENT_COLUMNS = List.of("output", "gradient", "grad_l1", "grad_l2", "grad_linf");
    static final String ERROR_COLUMN = "error";
    static final String FEATURES_ALIAS = "__netsense_x";

    /** Test-only Spark setting: milliseconds to pause after each block (fault-tolerance tests). */
    static final String TEST_BLOCK_DELAY = "spark.netsense.testing.blockDelayMillis";

    /** Benchmark-only Spark setting: run the "copy job" (everything but the gradient math). */
    static final String BENCH_COPY_ONLY = "spark.netsense.bench.copyOnly";

    /** Rows per kernel block: measured best (jobs/bench -p rows=...); a block's layers stay in L2. */
    public static final int DEFAULT_BLOCK_ROWS = 256;

    /**
     * What the job is asked to do. {@code idCol} null means "id when the input has it";
     * {@code outputIndex} null means "0 when the model has one output".
     */
    public record Options(String model, String input, String output, String featuresCol, List<String> featureCols,
                          String idCol, List<String> keepCols, Integer outputIndex, Mode mode, boolean overwrite,
                          int blockRows, BlockKernel.Precision precision) {
        public Options {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(input, "input");
            Objects.requireNonNull(output, "output");
            featuresCol = featuresCol == null ? "features" : featuresCol;
            featureCols = featureCols == null ? List.of() : List.copyOf(featureCols);
            keepCols = keepCols == null ? List.of() : List.copyOf(keepCols);
            mode = mode == null ? Mode.PERMISSIVE : mode;
            blockRows = blockRows <= 0 ? DEFAULT_BLOCK_ROWS : blockRows;
            precision = precision == null ? BlockKernel.Precision.FLOAT64 : precision;
        }

        /** As the canonical constructor, in float64. */
        public Options(String model, String input, String output, String featuresCol, List<String> featureCols,
                       String idCol, List<String> keepCols, Integer outputIndex, Mode mode, boolean overwrite,
                       int blockRows) {
            this(model, input, output, featuresCol, featureCols, idCol, keepCols, outputIndex, mode, overwrite,
                    blockRows, null);
        }

        /** The defaults for everything but the three paths. */
        public static Options of(String model, String input, String output) {
            return new Options(model, input, output, null, null, null, null, null, null, false, 0, null);
        }
    }

    /** What a finished run reports. */
    public record Result(String output, SummaryJson.Rows rows, Map<String, Long> rejectedByKind, Network network,
                         int outputIndex, GradientSummary summary, List<String> dimensionNames, Mode mode,
                         BlockKernel.Precision precision, double seconds, String master, String sparkVersion) {
        public double rowsPerSecond() {
            return seconds > 0 ? rows.input() / seconds : Double.NaN;
        }
    }

    private final SparkSession spark;
    private final Options options;

    public GradientJob(SparkSession spark, Options options) {
        this.spark = Objects.requireNonNull(spark, "spark");
        this.options = Objects.requireNonNull(options, "options");
    }

    /** Validates, runs and returns the result; see the class comment for what is refused. */
    public Result execute() throws IOException {
        long start = System.nanoTime();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        Network net = readModel(hadoop, options.model());
        int outputIndex = chooseOutputIndex(net, options.outputIndex());
        Dataset<Row> input = readInput(options.input());
        StructType schema = input.schema();
        String idCol = chooseIdColumn(schema);
        List<String> carried = carriedColumns(schema, idCol);
        FeatureSource features = FeatureSource.resolve(schema, options.featuresCol(), options.featureCols());
        for (String raw : features.rawColumns()) {
            if (carried.contains(raw)) {
                throw new InvalidSetupException("column \"" + raw + "\" is both a feature and a carried column");
            }
        }
        Path output = new Path(options.output());
        FileSystem fs = output.getFileSystem(hadoop);
        output = fs.makeQualified(output);
        if (output.getParent() == null) {
            throw new InvalidSetupException("the output " + options.output() + " is a file system's root; name a folder"
                    + " inside it (the output is staged beside its folder and renamed into place)");
        }
        for (String[] other : new String[][] {{"input", options.input()}, {"model", options.model()}}) {
            Path p = new Path(other[1]);
            String inside = p.getFileSystem(hadoop).makeQualified(p).toString();
            String folder = output.toString();
            if (inside.equals(folder) || inside.startsWith(folder + "/")) {
                throw new InvalidSetupException("the " + other[0] + " " + other[1] + " is inside the output folder "
                        + options.output() + ", which the job replaces; write the output elsewhere");
            }
        }
        if (fs.exists(output) && !options.overwrite()) {
            throw new InvalidSetupException("the output folder " + options.output()
                    + " exists; choose another or pass --overwrite to replace it");
        }
        checkWidth(input, features, net);
        Path staging = new Path(output.getParent(), "." + output.getName() + ".netsense-" + UUID.randomUUID());
        LOG.info("kernel ({}): {}", options.precision().id(), GradientKernel.backend());
        LOG.info("model {} {}, output index {}; input {}; features {} ({}); staging in {}", net.shape(),
                java.util.Arrays.toString(net.activations()), outputIndex, options.input(), features.rawColumns(),
                features.kind(), staging);
        try {
            return run(net, outputIndex, input, carried, idCol, features, fs, staging, output, start);
        } finally {
            if (fs.exists(staging)) {
                fs.delete(staging, true);
            }
        }
    }

    private Result run(Network net, int outputIndex, Dataset<Row> input, List<String> carried, String idCol,
                       FeatureSource features, FileSystem fs, Path staging, Path output, long start)
            throws IOException {
        int n1 = net.inputWidth();
        List<Column> projection = new ArrayList<>();
        for (String c : carried) {
            projection.add(col(FeatureSource.quote(c)));
        }
        for (String c : features.rawColumns()) {
            projection.add(col(FeatureSource.quote(c)));
        }
        projection.add(features.asDoubleArray().as(FEATURES_ALIAS));
        Dataset<Row> rows = input.select(projection.toArray(new Column[0]));
        StructType projected = rows.schema();

        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<Network> shared = jsc.broadcast(net);
        TallyAccumulator tally = new TallyAccumulator(n1);
        spark.sparkContext().register(tally, "netsense tally");
        int idIndex = idCol == null ? -1 : carried.indexOf(idCol);
        int raw = features.rawColumns().size();

        GradientRowsFunction gradientPass = new GradientRowsFunction(shared, outputIndex, options.mode(),
                GradientRowsFunction.Emit.GRADIENTS, options.blockRows(), carried.size(), raw, idIndex, idCol, tally)
                .withPrecision(options.precision())
                .withBlockDelay(Long.parseLong(spark.conf().get(TEST_BLOCK_DELAY, "0")))
                .copyOnly(Boolean.parseBoolean(spark.conf().get(BENCH_COPY_ONLY, "false")));
        StructType gradientSchema = gradientSchema(projected, carried.size());
        LOG.info("phase 1: gradients of {} → {}", options.input(), options.output());
        // The statistics are right under task retries, speculation and lost executors only
        // because the tally is added in THIS stage, the result stage of the write: Spark merges
        // a result task's accumulator updates once per partition, from its successful attempt
        // (failed, killed and commit-denied attempts count nothing). A shuffle between
        // mapPartitions and the write (repartition, coalesce with shuffle, a sort), or reading
        // the tally from any other stage, moves the updates into a map stage, whose tasks Spark
        // may rerun or run twice successfully — and the counts would then be doubled.
        // TaskRetriesTest checks failed and speculated attempts of this stage against a clean run.
        try {
            rows.mapPartitions(gradientPass, Encoders.row(gradientSchema))
                    .write().parquet(new Path(staging, "gradients").toString());
        } catch (Exception e) { // a failed task arrives as a SparkException, which Scala throws unchecked
            BadRowException bad = badRow(e);
            if (bad != null) {
                throw bad;
            }
            throw e;
        }
        JobTally counts = tally.value();
        StructType rejectedSchema = rejectedSchema(projected, carried.size() + raw);
        String rejectedPath = new Path(staging, "rejected").toString();
        if (options.mode() == Mode.PERMISSIVE && counts.rejected() > 0) {
            LOG.info("phase 2: {} rejected rows → rejected/", counts.rejected());
            GradientRowsFunction rejectedPass = new GradientRowsFunction(shared, outputIndex, Mode.PERMISSIVE,
                    GradientRowsFunction.Emit.REJECTED, options.blockRows(), carried.size(), raw, idIndex, idCol,
                    null).withPrecision(options.precision());
            rows.mapPartitions(rejectedPass, Encoders.row(rejectedSchema)).write().parquet(rejectedPath);
        } else {
            spark.createDataFrame(List.of(), rejectedSchema).coalesce(1).write().parquet(rejectedPath);
        }
        shared.destroy();

        SummaryJson.Rows counted = new SummaryJson.Rows(counts.input(), counts.ok(), counts.rejected());
        if (counted.input() != counted.ok() + counted.rejected()) {
            throw new IllegalStateException("rows do not add up: " + counted);
        }
        List<String> names = features.dimensionNames(n1);
        LOG.info("writing report.html and summary.json");
        ReportHtml.Run facts = new ReportHtml.Run(net.shape(),
                java.util.Arrays.stream(net.activations()).map(a -> a.id()).toList(), outputIndex,
                net.parameterCount(), counted, counts.rejectedByKind(), options.mode().id(),
                (System.nanoTime() - start) / 1e9, spark.sparkContext().master(), spark.version(), options.input(),
                output.toString());
        try (OutputStream out = fs.create(new Path(staging, "report.html"), true)) {
            out.write(ReportHtml.render(facts, counts.summary(), names).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        Path summaryTmp = new Path(staging, "summary.json.tmp");
        try (OutputStream out = fs.create(summaryTmp, true)) {
            SummaryJson.write(out, counted, net, outputIndex, counts.summary(), names);
        }
        rename(fs, summaryTmp, new Path(staging, "summary.json"));
        if (fs.exists(output)) {
            fs.delete(output, true); // only reached with --overwrite, once the new output is complete
        }
        rename(fs, staging, output);
        double seconds = (System.nanoTime() - start) / 1e9;
        LOG.info("done: {} rows, {} ok, {} rejected in {} s", counted.input(), counted.ok(), counted.rejected(),
                String.format("%.1f", seconds));
        return new Result(output.toString(), counted, counts.rejectedByKind(), net, outputIndex, counts.summary(),
                names, options.mode(), options.precision(), seconds, spark.sparkContext().master(), spark.version());
    }

    private static void rename(FileSystem fs, Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) {
            throw new IOException("could not rename " + from + " to " + to);
        }
    }

    static StructType gradientSchema(StructType projected, int carried) {
        List<StructField> fields = new ArrayList<>();
        for (int i = 0; i < carried; i++) {
            fields.add(projected.fields()[i]);
        }
        fields.add(DataTypes.createStructField("output", DataTypes.DoubleType, false));
        fields.add(DataTypes.createStructField("gradient",
                DataTypes.createArrayType(DataTypes.DoubleType, false), false));
        fields.add(DataTypes.createStructField("grad_l1", DataTypes.DoubleType, false));
        fields.add(DataTypes.createStructField("grad_l2", DataTypes.DoubleType, false));
        fields.add(DataTypes.createStructField("grad_linf", DataTypes.DoubleType, false));
        return DataTypes.createStructType(fields);
    }

    static StructType rejectedSchema(StructType projected, int kept) {
        List<StructField> fields = new ArrayList<>();
        for (int i = 0; i < kept; i++) {
            fields.add(projected.fields()[i]);
        }
        fields.add(DataTypes.createStructField(ERROR_COLUMN, DataTypes.StringType, false));
        return DataTypes.createStructType(fields);
    }

    private static BadRowException badRow(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BadRowException b) {
                return b;
            }
            String m = t.getMessage();
            int at = m == null ? -1 : m.indexOf("BadRowException: ");
            if (at >= 0) {
                String rest = m.substring(at + "BadRowException: ".length());
                int end = rest.indexOf('\n');
                return new BadRowException(end < 0 ? rest : rest.substring(0, end));
            }
        }
        return null;
    }

    static Network readModel(Configuration hadoop, String model) throws IOException {
        Path path = new Path(model);
        FileSystem fs = path.getFileSystem(hadoop);
        FileStatus status;
        try {
            status = fs.getFileStatus(path);
        } catch (FileNotFoundException e) {
            throw new InvalidSetupException("model file " + model + " does not exist");
        }
        if (status.isDirectory()) {
            throw new InvalidSetupException("model file " + model + " is a folder");
        }
        try (InputStream in = fs.open(path)) {
            ModelReader.checkSize(status.getLen());
            return ModelReader.read(in);
        } catch (InvalidModelException e) {
            throw new InvalidSetupException("model " + model + ": " + e.getMessage(), e);
        }
    }

    static int chooseOutputIndex(Network net, Integer requested) {
        int n = net.outputWidth();
        if (requested == null) {
            if (n > 1) {
                throw new InvalidSetupException("the model has " + n + " outputs; choose one with --output-index K"
                        + " (0.." + (n - 1) + ")");
            }
            return 0;
        }
        if (requested < 0 || requested >= n) {
            throw new InvalidSetupException("--output-index " + requested + " is not in 0.." + (n - 1)
                    + " (the model has " + n + (n == 1 ? " output)" : " outputs)"));
        }
        return requested;
    }

    private Dataset<Row> readInput(String path) {
        try {
            return spark.read().parquet(path);
        } catch (Exception e) { // Scala's AnalysisException is checked in Java's eyes
            if (e instanceof AnalysisException) {
                throw new InvalidSetupException("cannot read the input " + path + ": " + firstLine(e.getMessage()), e);
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e);
        }
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }

    private String chooseIdColumn(StructType schema) {
        Set<String> names = new HashSet<>(List.of(schema.fieldNames()));
        if (options.idCol() != null) {
            if (!names.contains(options.idCol())) {
                throw new InvalidSetupException("the input has no id column \"" + options.idCol() + "\" (its columns: "
                        + String.join(", ", schema.fieldNames()) + ")");
            }
            return options.idCol();
        }
        return names.contains("id") && options.featureCols().stream().noneMatch("id"::equals) ? "id" : null;
    }

    private List<String> carriedColumns(StructType schema, String idCol) {
        Set<String> names = new HashSet<>(List.of(schema.fieldNames()));
        LinkedHashSet<String> carried = new LinkedHashSet<>();
        if (idCol != null) {
            carried.add(idCol);
        }
        for (String k : options.keepCols()) {
            if (!names.contains(k)) {
                throw new InvalidSetupException("the input has no column \"" + k + "\" to keep (its columns: "
                        + String.join(", ", schema.fieldNames()) + ")");
            }
            carried.add(k);
        }
        for (String c : carried) {
            if (GRADIENT_COLUMNS.contains(c) || ERROR_COLUMN.equals(c)) {
                throw new InvalidSetupException("carried column \"" + c + "\" would clash with the output column of"
                        + " the same name");
            }
        }
        return new ArrayList<>(carried);
    }

    /** Refuses a systematic width mismatch: from the schema when it says, else from the first rows. */
    private static void checkWidth(Dataset<Row> input, FeatureSource features, Network net) {
        int n1 = net.inputWidth();
        int declared = features.declaredWidth();
        if (declared >= 0) {
            if (declared != n1) {
                throw new InvalidSetupException("the input has " + declared + " features per row, the model takes "
                        + n1 + " (model shape " + net.shape() + ")");
            }
            return;
        }
        List<Row> first = input.select(functions.size(features.asDoubleArray()).as("n"))
                .where(col("n").geq(0)).limit(16).collectAsList();
        if (first.isEmpty()) {
            return;
        }
        Set<Integer> widths = new HashSet<>();
        for (Row r : first) {
            widths.add(r.getInt(0));
        }
        if (!widths.contains(n1)) {
            throw new InvalidSetupException("the input's features have " + widths.stream().sorted().toList()
                    + " entries in its first rows, the model takes " + n1 + " (model shape " + net.shape() + ")");
        }
    }
}
