package netsense.spark;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import netsense.core.BlockKernel;
import netsense.core.GradientKernel;
import netsense.core.GradientSummary;
import netsense.core.Network;
import netsense.io.InvalidSetupException;
import netsense.io.ReportHtml;
import netsense.io.SummaryJson;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
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
 * folder beside the output, which {@link OutputCommit} moves into place when complete,
 * summary.json last. One pass over the input writes the gradients and gathers the statistics;
 * the input is read a second time only when there are bad rows to write to {@code rejected/}.
 */
public final class GradientJob {
    private static final Logger LOG = LogManager.getLogger(GradientJob.class);

    /** Columns the job adds; carried columns may not use these names. */
    static final List<String> GRADIENT_COLUMNS = List.of("output", "gradient", "grad_l1", "grad_l2", "grad_linf");
    static final String ERROR_COLUMN = "error";
    static final String DELTA_COLUMN = "delta";
    /** Every column name the job may add, whatever the method; carried columns may not use these. */
    static final List<String> RESULT_NAMES = List.of("output", "gradient", "grad_l1", "grad_l2", "grad_linf",
            "attribution", "attr_l1", "attr_l2", "attr_linf", "delta");
    static final String FEATURES_ALIAS = "__netsense_x";

    /** Rows per kernel block: measured best (jobs/bench -p rows=...); a block's layers stay in L2. */
    public static final int DEFAULT_BLOCK_ROWS = 256;

    /**
     * The byte budget of a block's buffers (the kernel's workspaces, the block's inputs and
     * gradients, the rows it emits): blocks have {@link #DEFAULT_BLOCK_ROWS} rows where those
     * fit, fewer where rows are wide (13 rows at 100,000 features).
     */
    public static final long BLOCK_BYTES = 64L << 20;

    /**
     * The byte budget of a batch of Spark's vectorized Parquet reader (8 bytes × features ×
     * rows): its batch ({@code spark.sql.parquet.columnarReaderBatchSize}, 4096 rows by
     * default) is lowered to fit for inputs wider than 1,024 features.
     */
    public static final long READER_BATCH_BYTES = 32L << 20;

    /**
     * The smallest Parquet row group the job chooses ({@code parquet.block.size}). Each task's
     * writer holds a whole row group before writing it out, so row groups are a sixteenth of
     * one task's heap, at most parquet-mr's 128 MB and at least this.
     */
    public static final long MIN_ROW_GROUP_BYTES = 8L << 20;

    static final String FILE_ALIAS = "__netsense_file";
    static final String BASELINE_ALIAS = "__netsense_baseline";
    static final String GROUP_ALIAS = "__netsense_group";

    /**
     * What the job is asked to do; {@link #builder} names what differs from the defaults.
     * {@code idCol} null means "id when the input has it"; {@code outputIndex} null means "0
     * when the model has one output"; {@code blockRows} 0 means "sized by bytes".
     */
    public record Options(String model, String input, String output, String featuresCol, List<String> featureCols,
                          String idCol, List<String> keepCols, Integer outputIndex, Mode mode, boolean overwrite,
                          int blockRows, BlockKernel.Precision precision, boolean ignoreCorruptFiles,
                          KernelFactory kernels, VectorType vectorType, MethodOptions method, boolean allOutputs,
                          GlobalOptions global) {
        public Options {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(input, "input");
            Objects.requireNonNull(output, "output");
            featuresCol = featuresCol == null ? "features" : featuresCol;
            featureCols = featureCols == null ? List.of() : List.copyOf(featureCols);
            keepCols = keepCols == null ? List.of() : List.copyOf(keepCols);
            mode = mode == null ? Mode.PERMISSIVE : mode;
            blockRows = Math.max(0, blockRows);
            precision = precision == null ? BlockKernel.Precision.FLOAT64 : precision;
            kernels = kernels == null ? KernelFactory.NETSENSE : kernels;
            vectorType = vectorType == null ? VectorType.DOUBLE : vectorType;
            method = method == null ? MethodOptions.gradient() : method;
            global = global == null ? GlobalOptions.defaults() : global;
        }

        /** The defaults for everything but the three paths. */
        public static Options of(String model, String input, String output) {
            return builder(model, input, output).build();
        }

        public static Builder builder(String model, String input, String output) {
            return new Builder(model, input, output);
        }

        /** A builder starting from these options. */
        public Builder toBuilder() {
            Builder b = builder(model, input, output);
            b.featuresCol = featuresCol;
            b.featureCols = featureCols;
            b.idCol = idCol;
            b.keepCols = keepCols;
            b.outputIndex = outputIndex;
            b.mode = mode;
            b.overwrite = overwrite;
            b.blockRows = blockRows;
            b.precision = precision;
            b.ignoreCorruptFiles = ignoreCorruptFiles;
            b.kernels = kernels;
            b.vectorType = vectorType;
            b.method = method;
            b.allOutputs = allOutputs;
            b.global = global;
            return b;
        }
    }

    /** Options by name: {@code Options.builder(model, in, out).keepCols(List.of("tag")).overwrite(true).build()}. */
    public static final class Builder {
        private final String model;
        private final String input;
        private final String output;
        private String featuresCol;
        private List<String> featureCols;
        private String idCol;
        private List<String> keepCols;
        private Integer outputIndex;
        private Mode mode;
        private boolean overwrite;
        private int blockRows;
        private BlockKernel.Precision precision;
        private boolean ignoreCorruptFiles;
        private KernelFactory kernels;
        private VectorType vectorType;
        private MethodOptions method;
        private boolean allOutputs;
        private GlobalOptions global;

        private Builder(String model, String input, String output) {
            this.model = model;
            this.input = input;
            this.output = output;
        }

        /** The features column (array or vector); default {@code features}. */
        public Builder featuresCol(String c) {
            this.featuresCol = c;
            return this;
        }

        /** Instead of a features column: one numeric column per input dimension, in order. */
        public Builder featureCols(List<String> c) {
            this.featureCols = c;
            return this;
        }

        /** The id column carried to every output row; default {@code id} when the input has one. */
        public Builder idCol(String c) {
            this.idCol = c;
            return this;
        }

        /** Further input columns carried through. */
        public Builder keepCols(List<String> c) {
            this.keepCols = c;
            return this;
        }

        /** Which output's gradient; required when the model has several outputs. */
        public Builder outputIndex(Integer k) {
            this.outputIndex = k;
            return this;
        }

        public Builder mode(Mode m) {
            this.mode = m;
            return this;
        }

        public Builder overwrite(boolean o) {
            this.overwrite = o;
            return this;
        }

        /** Rows per kernel block; 0 (the default) sizes blocks by bytes. */
        public Builder blockRows(int n) {
            this.blockRows = n;
            return this;
        }

        public Builder precision(BlockKernel.Precision p) {
            this.precision = p;
            return this;
        }

        /** Skip input files that cannot be read as Parquet, and name them in summary.json. */
        public Builder ignoreCorruptFiles(boolean i) {
            this.ignoreCorruptFiles = i;
            return this;
        }

        /** The kernel each task runs; default netsense's own. */
        public Builder kernels(KernelFactory k) {
            this.kernels = k;
            return this;
        }

        /** The gradient column's elements: double (the default) or float (half the size; statistics stay float64). */
        public Builder vectorType(VectorType v) {
            this.vectorType = v;
            return this;
        }

        /** What each row's vector is; default the gradient. */
        public Builder method(MethodOptions m) {
            this.method = m;
            return this;
        }

        /** Every output's vector at once ({@code --output-index all}) instead of one output's. */
        public Builder allOutputs(boolean all) {
            this.allOutputs = all;
            return this;
        }

        /** The DGSM bound, bootstrap, groups and sample (SPEC, "Global sensitivity"); default {@link GlobalOptions#defaults()}. */
        public Builder global(GlobalOptions g) {
            this.global = g;
            return this;
        }

        public Options build() {
            return new Options(model, input, output, featuresCol, featureCols, idCol, keepCols, outputIndex, mode,
                    overwrite, blockRows, precision, ignoreCorruptFiles, kernels, vectorType, method, allOutputs,
                    global);
        }
    }

    /** What a finished run reports. */
    public record Result(String output, SummaryJson.Rows rows, Map<String, Long> rejectedByKind, Network network,
                         int outputIndex, GradientSummary summary, List<String> dimensionNames, Mode mode,
                         BlockKernel.Precision precision, double seconds, String master, String sparkVersion,
                         SummaryJson.Vectors vectors, SummaryJson.Global global) {
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

    /**
     * Validates ({@link JobPlan}), runs both passes into a staging folder, writes the report,
     * and commits ({@link OutputCommit}); see the class comment for what is refused.
     */
    public Result execute() throws IOException {
        long start = System.nanoTime();
        try (SessionSettings settings = new SessionSettings(spark)) {
            JobPlan plan = JobPlan.resolve(spark, options, settings);
            try (KernelWarmup warmup = plan.warmup(); OutputCommit commit = new OutputCommit(plan.fs(), plan.output(), options.overwrite())) {
                LOG.info("planned in {} s", String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9));
                plan.checkWidth();
                LOG.info("checked the input's width in {} s",
                        String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9));
                LOG.info("kernel ({}): {}", options.precision().id(), GradientKernel.backend());
                LOG.info("model {} {}, output index {}; input {}; features {} ({}); staging in {}",
                        plan.network().shape(), java.util.Arrays.toString(plan.network().activations()),
                        plan.outputIndex(), options.input(), plan.features().rawColumns(), plan.features().kind(),
                        commit.staging());
                return run(plan, commit, start);
            }
        }
    }

    private Result run(JobPlan plan, OutputCommit commit, long start) throws IOException {
        Network net = plan.network();
        int outputIndex = plan.outputIndex();
        Dataset<Row> input = plan.input();
        List<String> carried = plan.carried();
        String idCol = plan.idCol();
        FeatureSource features = plan.features();
        FileSystem fs = plan.fs();
        int blockRows = plan.blockRows();
        boolean ignoreCorrupt = plan.ignoreCorrupt();
        Path staging = commit.staging();
        Path output = commit.output();
        int n1 = net.inputWidth();
        // rejected/ holds the features as read (the raw columns); the pass reads only the array of doubles
        Dataset<Row> rows = input.select(projection(plan, true));
        Dataset<Row> passRows = input.select(projection(plan, false));
        StructType projected = rows.schema();

        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<Network> shared = jsc.broadcast(net);
        JobTally counts;
        SummaryJson.Rows counted;
        List<String> names;
        List<String> skipped;
        SummaryJson.Vectors vectors;
        SummaryJson.Global global;
        byte[] summary;
        StructType rejectedSchema;
        MethodPlan method;
        try {
            int raw = features.rawColumns().size();
            int id = idCol == null ? -1 : carried.indexOf(idCol);
            RowLayout layout = new RowLayout(projected, carried.size(), raw, id, idCol, ignoreCorrupt,
                    plan.baselineCol() != null, plan.groupCol() != null);
            RowLayout passLayout = new RowLayout(passRows.schema(), carried.size(), 0, id, idCol, ignoreCorrupt,
                    plan.baselineCol() != null, plan.groupCol() != null);
            // the scan's column batches where the projection only picks columns; else Spark's rows
            org.apache.spark.rdd.RDD<InternalRow> columnar = ColumnarInput.rowsOrNull(passRows);
            JavaRDD<InternalRow> internal = (columnar != null ? columnar : InternalRows.of(passRows)).toJavaRDD();
            LOG.info("input rows: {}", columnar != null ? "read from the scan's column batches"
                    : "Spark's rows (the projection computes columns, or the scan is not columnar)");
            MethodOptions methodOptions = options.method();
            netsense.core.ColumnMoments moments = null;
            if (methodOptions.needsInputMoments()) {
                if (plan.warmup() != null) {
                    plan.warmup().close(); // phase 0's tasks take the cores
                }
                LOG.info("phase 0: the input's column means and spreads ({})", methodOptions.method().id());
                moments = InputMomentsPass.of(internal, passLayout.features(), n1);
            }
            method = MethodPlan.resolve(methodOptions, options.allOutputs(), n1, moments);
            JobTally.Extras extras = JobTally.Extras.of(options.global());
            GradientPass.Settings settings = new GradientPass.Settings(outputIndex, options.mode(), blockRows,
                    options.precision(), method, extras);

            TallyAccumulator tally = new TallyAccumulator(n1, method.outputsPerRow(net.outputWidth()),
                    methodOptions.integrated(), extras);
            // unnamed: Spark keeps a named accumulator's value per task on the driver (a full tally each)
            spark.sparkContext().register(tally);
            StructType gradientSchema = gradientSchema(projected, carried.size(), options.vectorType(), methodOptions,
                    options.allOutputs());
            GradientPass gradientPass = new GradientPass(shared, options.kernels(), settings, passLayout, gradientSchema,
                    tally);
            int requestedSample = options.global().sampleRows();
            int sampleCap = JobTally.sampleRows(requestedSample, n1, method.outputsPerRow(net.outputWidth()));
            if (requestedSample > 0 && sampleCap < requestedSample) {
                LOG.info("sample of {} rows, not {}: a task holds at most {} MB of sample values", sampleCap,
                        requestedSample, JobTally.SAMPLE_BYTES_PER_TASK >> 20);
            }
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
                TaskFileWrite.write(spark, internal.mapPartitions(gradientPass), gradientSchema,
                        new ResultParquetFormat(), plainEncoded(gradientSchema, carried.size()),
                        new Path(staging, "gradients").toString(),
                        "netsense gradients: " + options.input() + " → " + options.output());
            } catch (Exception e) { // a failed task arrives as a SparkException, which Scala throws unchecked
                BadRowException bad = BadRowException.findIn(e);
                if (bad != null) {
                    throw bad;
                }
                throw e;
            }
            counts = tally.value();
            refuseTooManyGroups(counts);
            counted = new SummaryJson.Rows(counts.input(), counts.ok(), counts.rejected());
            if (counted.input() != counted.ok() + counted.rejected()) {
                throw new IllegalStateException("rows do not add up: " + counted);
            }
            names = features.dimensionNames(n1);
            skipped = ignoreCorrupt ? InputFiles.skipped(spark, input, counts.rowsByFile()) : List.of();
            vectors = new SummaryJson.Vectors(method.describe(), method.allOutputs(), counts.summaries(),
                    counts.deltas());
            global = GlobalPass.figures(options.global(), plan.inputBounds(), plan.groupCol(), counts,
                    counts.sample() == null ? null : counts.sample().rows().size());
            SummaryJson.Precision precision =
                    new SummaryJson.Precision(options.precision().id(), counts.rowsRecomputedFloat64());
            // renders and writes the report, which tells the run's time: after phase 2 when there is one
            SideWrites.Write report = () -> {
                ReportHtml.Run facts = new ReportHtml.Run(net.shape(),
                        java.util.Arrays.stream(net.activations()).map(a -> a.id()).toList(), outputIndex,
                        net.parameterCount(), counted, counts.rejectedByKind(), options.mode().id(),
                        (System.nanoTime() - start) / 1e9, spark.sparkContext().master(), spark.version(),
                        options.input(), output.toString());
                String html = ReportHtml.render(facts, vectors, names, skipped, global, counts.sample());
                try (OutputStream out = fs.create(new Path(staging, "report.html"), true)) {
                    out.write(html.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
            };
            boolean phase2 = options.mode() == Mode.PERMISSIVE && counts.rejected() > 0;
            rejectedSchema = rejectedSchema(projected, carried.size() + raw);
            String rejectedPath = new Path(staging, "rejected").toString();
            try (SideWrites side = new SideWrites(spark, "netsense-output")) {
                java.util.concurrent.Future<byte[]> summaryBytes = side.submit(() -> {
                    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                    SummaryJson.write(out, counted, precision, net, outputIndex, vectors, names, skipped, global);
                    return out.toByteArray();
                });
                if (!phase2) {
                    side.start(report);
                }
                if (counts.sample() != null) {
                    side.start(() -> GlobalPass.writeSample(spark, counts.sample(), projected, carried.size(),
                            gradientSchema, method.allOutputs(), n1, new Path(staging, "sample").toString()));
                }
                if (phase2) {
                    boolean results = counts.rejectedByKind().containsKey(RowFault.Kind.NON_FINITE_RESULT.label());
                    LOG.info("phase 2: {} rejected rows → rejected/{}", counts.rejected(),
                            results ? "" : " (all bad on their face: no gradient computed)");
                    RejectedPass rejectedPass = new RejectedPass(shared, options.kernels(), settings, layout,
                            rejectedSchema, results);
                    JavaRDD<InternalRow> withRaw = InternalRows.of(rows).toJavaRDD();
                    InternalRows.toDataFrame(spark, withRaw.mapPartitions(rejectedPass).rdd(), rejectedSchema)
                            .write().parquet(rejectedPath);
                    side.start(report);
                } else {
                    DriverParquet.write(spark, rejectedSchema, List.of(), rejectedPath);
                }
                LOG.info("writing report.html and summary.json");
                side.awaitAll();
                summary = summaryBytes.get();
            } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("awaited already", e); // awaitAll returned: the future is done
            }
        } finally {
            shared.destroy();
        }

        commit.commit(out -> out.write(summary));
        double seconds = (System.nanoTime() - start) / 1e9;
        LOG.info("done: {} rows, {} ok, {} rejected in {} s", counted.input(), counted.ok(), counted.rejected(),
                String.format("%.1f", seconds));
        return new Result(output.toString(), counted, counts.rejectedByKind(), net, outputIndex, counts.summary(),
                names, options.mode(), options.precision(), seconds, spark.sparkContext().master(), spark.version(),
                vectors, global);
    }

    /** More distinct group keys than --max-groups: refused (exit 2) before anything is committed. */
    private void refuseTooManyGroups(JobTally counts) {
        long keys = counts.tooManyGroups();
        if (keys >= 0) {
            GlobalOptions g = options.global();
            throw new InvalidSetupException(String.format(java.util.Locale.ROOT, "--group-by %s: the input has %s%,d"
                    + " distinct keys, more than --max-groups %,d; nothing written", g.groupBy(),
                    counts.keysUncounted() ? "more than " : "", keys, g.maxGroups()));
        }
    }

    /**
     * The columns the job reads: {@code [carried..., (raw feature columns...), features as
     * array<double>, (baseline), (group key), (file name)]} as {@link RowLayout} describes them;
     * the raw columns (the features as read) only with {@code raw}.
     */
    private Column[] projection(JobPlan plan, boolean raw) {
        List<Column> projection = new ArrayList<>();
        for (String c : plan.carried()) {
            projection.add(col(FeatureSource.quote(c)));
        }
        if (raw) {
            for (String c : plan.features().rawColumns()) {
                projection.add(col(FeatureSource.quote(c)));
            }
        }
        projection.add(plan.features().asDoubleArray().as(FEATURES_ALIAS));
        if (plan.baselineCol() != null) {
            projection.add(col(FeatureSource.quote(plan.baselineCol())).cast(DataTypes.createArrayType(DataTypes.DoubleType))
                    .as(BASELINE_ALIAS));
        }
        if (plan.groupCol() != null) {
            projection.add(col(FeatureSource.quote(plan.groupCol())).as(GROUP_ALIAS));
        }
        if (plan.ignoreCorrupt()) { // rows read per file, to tell which files Spark skipped (skippedFiles)
            projection.add(functions.input_file_name().as(FILE_ALIAS));
        }
        return projection.toArray(new Column[0]);
    }

    /** parquet-mr's switch of dictionary encoding; {@code #column.path} after it sets it for one column. */
    static final String DICTIONARY = "parquet.enable.dictionary";

    static StructType gradientSchema(StructType projected, int carried, VectorType vectorType) {
        return gradientSchema(projected, carried, vectorType, MethodOptions.gradient(), false);
    }

    static StructType gradientSchema(StructType projected, int carried, VectorType vectorType, MethodOptions method,
                                     boolean allOutputs) {
        List<StructField> fields = new ArrayList<>();
        for (int i = 0; i < carried; i++) {
            fields.add(projected.fields()[i]);
        }
        fields.addAll(resultFields(method, allOutputs, vectorType.element(), false));
        return DataTypes.createStructType(fields);
    }

    /**
     * The result columns of a row (SPEC): {@code output}, the vector ({@code gradient} or
     * {@code attribution}), its three norms, and {@code delta} for integrated gradients; each an
     * array over the outputs with {@code allOutputs}.
     */
    static List<StructField> resultFields(MethodOptions method, boolean allOutputs,
                                          org.apache.spark.sql.types.DataType element, boolean nullable) {
        List<StructField> fields = new ArrayList<>();
        org.apache.spark.sql.types.DataType scalar = allOutputs
                ? DataTypes.createArrayType(DataTypes.DoubleType, false) : DataTypes.DoubleType;
        org.apache.spark.sql.types.DataType vector = DataTypes.createArrayType(element, false);
        if (allOutputs) {
            vector = DataTypes.createArrayType(vector, false);
        }
        fields.add(DataTypes.createStructField("output", scalar, nullable));
        fields.add(DataTypes.createStructField(method.vectorColumn(), vector, nullable));
        for (String norm : List.of("l1", "l2", "linf")) {
            fields.add(DataTypes.createStructField(method.normPrefix() + "_" + norm, scalar, nullable));
        }
        if (method.integrated()) {
            fields.add(DataTypes.createStructField(DELTA_COLUMN, scalar, nullable));
        }
        return fields;
    }

    /**
     * Parquet writer options that turn dictionary encoding off for the result columns (from
     * {@code first} on): gradients, outputs and norms are continuous doubles, nearly all distinct,
     * so a dictionary never pays — parquet-mr would fill one per column chunk, find it too large
     * and fall back to plain encoding, at a tenth of the write's time. The carried columns keep
     * Spark's default.
     */
    static Map<String, String> plainEncoded(StructType schema, int first) {
        Map<String, String> options = new java.util.LinkedHashMap<>();
        for (int i = first; i < schema.fields().length; i++) {
            String path = schema.fields()[i].name();
            org.apache.spark.sql.types.DataType type = schema.fields()[i].dataType();
            String legacy = path;
            while (type instanceof org.apache.spark.sql.types.ArrayType a) { // standard and legacy list layouts
                path += ".list.element";
                legacy += ".array";
                type = a.elementType();
            }
            options.put(DICTIONARY + "#" + path, "false");
            if (!legacy.equals(path)) {
                options.put(DICTIONARY + "#" + legacy, "false");
            }
        }
        return options;
    }

    static StructType rejectedSchema(StructType projected, int kept) {
        List<StructField> fields = new ArrayList<>();
        for (int i = 0; i < kept; i++) {
            fields.add(projected.fields()[i]);
        }
        fields.add(DataTypes.createStructField(ERROR_COLUMN, DataTypes.StringType, false));
        return DataTypes.createStructType(fields);
    }

}
