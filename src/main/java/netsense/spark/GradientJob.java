package netsense.spark;

import static org.apache.spark.sql.functions.col;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
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

    static final String READER_BATCH = "spark.sql.parquet.columnarReaderBatchSize";
    static final String IGNORE_CORRUPT = "spark.sql.files.ignoreCorruptFiles";
    static final String FILE_ALIAS = "__netsense_file";

    /**
     * What the job is asked to do; {@link #builder} names what differs from the defaults.
     * {@code idCol} null means "id when the input has it"; {@code outputIndex} null means "0
     * when the model has one output"; {@code blockRows} 0 means "sized by bytes".
     */
    public record Options(String model, String input, String output, String featuresCol, List<String> featureCols,
                          String idCol, List<String> keepCols, Integer outputIndex, Mode mode, boolean overwrite,
                          int blockRows, BlockKernel.Precision precision, boolean ignoreCorruptFiles,
                          KernelFactory kernels) {
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
        }

        /** As the canonical constructor, with netsense's kernel and failing on corrupt input files. */
        public Options(String model, String input, String output, String featuresCol, List<String> featureCols,
                       String idCol, List<String> keepCols, Integer outputIndex, Mode mode, boolean overwrite,
                       int blockRows) {
            this(model, input, output, featuresCol, featureCols, idCol, keepCols, outputIndex, mode, overwrite,
                    blockRows, null, false, null);
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

        public Options build() {
            return new Options(model, input, output, featuresCol, featureCols, idCol, keepCols, outputIndex, mode,
                    overwrite, blockRows, precision, ignoreCorruptFiles, kernels);
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
    /** Chosen in {@link #execute()}: rows per block, and whether corrupt files are skipped. */
    private int blockRows;
    private boolean ignoreCorrupt;

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
        blockRows = blockRows(net, options.blockRows(), taskHeapBytes());
        ignoreCorrupt = options.ignoreCorruptFiles() || Boolean.parseBoolean(spark.conf().get(IGNORE_CORRUPT, "false"));
        // session settings for this job alone, restored after it
        Map<String, String> saved = new LinkedHashMap<>();
        int batch = readerBatchRows(net.inputWidth());
        String given = spark.conf().get(READER_BATCH, null);
        if (given == null || Integer.parseInt(given.trim()) > batch) {
            setForThisJob(saved, READER_BATCH, String.valueOf(batch));
        }
        if (ignoreCorrupt) {
            setForThisJob(saved, IGNORE_CORRUPT, "true");
        }
        try {
            return execute(start, hadoop, net, outputIndex);
        } finally {
            saved.forEach((k, v) -> {
                if (v == null) {
                    spark.conf().unset(k);
                } else {
                    spark.conf().set(k, v);
                }
            });
        }
    }

    private void setForThisJob(Map<String, String> saved, String key, String value) {
        saved.put(key, spark.conf().get(key, null));
        spark.conf().set(key, value);
    }

    private Result execute(long start, Configuration hadoop, Network net, int outputIndex) throws IOException {
        Dataset<Row> input = readInput(hadoop, options.input());
        StructType schema = input.schema();
        String featuresCol = inputName(schema, options.featuresCol());
        List<String> featureCols = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String c : options.featureCols()) {
            String name = inputName(schema, c);
            if (!seen.add(key(name))) {
                throw new InvalidSetupException("--feature-cols names the column \"" + name + "\" twice");
            }
            featureCols.add(name);
        }
        String idCol = chooseIdColumn(schema, featureCols);
        List<String> carried = carriedColumns(schema, idCol);
        FeatureSource features = FeatureSource.resolve(schema, featuresCol, featureCols);
        Set<String> carriedKeys = new HashSet<>();
        carried.forEach(c -> carriedKeys.add(key(c)));
        for (String raw : features.rawColumns()) {
            if (carriedKeys.contains(key(raw))) {
                throw new InvalidSetupException("column \"" + raw + "\" is both a feature and a carried column");
            }
            if (key(raw).equals(key(ERROR_COLUMN))) {
                throw new InvalidSetupException("feature column \"" + raw + "\" would clash with the column \""
                        + ERROR_COLUMN + "\" of rejected/" + (raw.equals(ERROR_COLUMN) ? "" : caseNote()));
            }
        }
        Path output = new Path(options.output());
        FileSystem fs = output.getFileSystem(hadoop);
        output = fs.makeQualified(output);
        OutputCommit.refuseOverlap(hadoop, output, options.output(), options.input(), options.model());
        try (OutputCommit commit = new OutputCommit(fs, output, options.overwrite())) {
            checkWidth(input, features, net);
            LOG.info("kernel ({}): {}", options.precision().id(), GradientKernel.backend());
            LOG.info("model {} {}, output index {}; input {}; features {} ({}); staging in {}", net.shape(),
                    java.util.Arrays.toString(net.activations()), outputIndex, options.input(),
                    features.rawColumns(), features.kind(), commit.staging());
            return run(net, outputIndex, input, carried, idCol, features, fs, commit, start);
        }
    }

    private Result run(Network net, int outputIndex, Dataset<Row> input, List<String> carried, String idCol,
                       FeatureSource features, FileSystem fs, OutputCommit commit, long start)
            throws IOException {
        Path staging = commit.staging();
        Path output = commit.output();
        int n1 = net.inputWidth();
        List<Column> projection = new ArrayList<>();
        for (String c : carried) {
            projection.add(col(FeatureSource.quote(c)));
        }
        for (String c : features.rawColumns()) {
            projection.add(col(FeatureSource.quote(c)));
        }
        projection.add(features.asDoubleArray().as(FEATURES_ALIAS));
        if (ignoreCorrupt) { // rows read per file, to tell which files Spark skipped (skippedFiles)
            projection.add(functions.input_file_name().as(FILE_ALIAS));
        }
        Dataset<Row> rows = input.select(projection.toArray(new Column[0]));
        StructType projected = rows.schema();

        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<Network> shared = jsc.broadcast(net);
        TallyAccumulator tally = new TallyAccumulator(n1);
        spark.sparkContext().register(tally, "netsense tally");
        int raw = features.rawColumns().size();
        RowLayout layout = new RowLayout(projected, carried.size(), raw, idCol == null ? -1 : carried.indexOf(idCol),
                idCol, ignoreCorrupt);
        GradientPass.Settings settings =
                new GradientPass.Settings(outputIndex, options.mode(), blockRows, options.precision());
        JavaRDD<InternalRow> internal = InternalRows.of(rows).toJavaRDD();

        StructType gradientSchema = gradientSchema(projected, carried.size());
        GradientPass gradientPass = new GradientPass(shared, options.kernels(), settings, layout, gradientSchema, tally);
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
            InternalRows.toDataFrame(spark, internal.mapPartitions(gradientPass).rdd(), gradientSchema)
                    .write().parquet(new Path(staging, "gradients").toString());
        } catch (Exception e) { // a failed task arrives as a SparkException, which Scala throws unchecked
            BadRowException bad = BadRowException.findIn(e);
            if (bad != null) {
                throw bad;
            }
            throw e;
        }
        JobTally counts = tally.value();
        StructType rejectedSchema = rejectedSchema(projected, carried.size() + raw);
        String rejectedPath = new Path(staging, "rejected").toString();
        if (options.mode() == Mode.PERMISSIVE && counts.rejected() > 0) {
            boolean results = counts.rejectedByKind().containsKey(RowFault.Kind.NON_FINITE_RESULT.label());
            LOG.info("phase 2: {} rejected rows → rejected/{}", counts.rejected(),
                    results ? "" : " (all bad on their face: no gradient computed)");
            RejectedPass rejectedPass = new RejectedPass(shared, options.kernels(), settings, layout, rejectedSchema,
                    results);
            InternalRows.toDataFrame(spark, internal.mapPartitions(rejectedPass).rdd(), rejectedSchema)
                    .write().parquet(rejectedPath);
        } else {
            spark.createDataFrame(List.of(), rejectedSchema).coalesce(1).write().parquet(rejectedPath);
        }
        shared.destroy();

        SummaryJson.Rows counted = new SummaryJson.Rows(counts.input(), counts.ok(), counts.rejected());
        if (counted.input() != counted.ok() + counted.rejected()) {
            throw new IllegalStateException("rows do not add up: " + counted);
        }
        List<String> names = features.dimensionNames(n1);
        List<String> skipped = ignoreCorrupt ? InputFiles.skipped(spark, input, counts.rowsByFile()) : List.of();
        LOG.info("writing report.html and summary.json");
        ReportHtml.Run facts = new ReportHtml.Run(net.shape(),
                java.util.Arrays.stream(net.activations()).map(a -> a.id()).toList(), outputIndex,
                net.parameterCount(), counted, counts.rejectedByKind(), options.mode().id(),
                (System.nanoTime() - start) / 1e9, spark.sparkContext().master(), spark.version(), options.input(),
                output.toString());
        try (OutputStream out = fs.create(new Path(staging, "report.html"), true)) {
            out.write(ReportHtml.render(facts, counts.summary(), names, skipped)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        SummaryJson.Precision precision =
                new SummaryJson.Precision(options.precision().id(), counts.rowsRecomputedFloat64());
        commit.commit(out -> SummaryJson.write(out, counted, precision, net, outputIndex, counts.summary(), names,
                skipped));
        double seconds = (System.nanoTime() - start) / 1e9;
        LOG.info("done: {} rows, {} ok, {} rejected in {} s", counted.input(), counted.ok(), counted.rejected(),
                String.format("%.1f", seconds));
        return new Result(output.toString(), counted, counts.rejectedByKind(), net, outputIndex, counts.summary(),
                names, options.mode(), options.precision(), seconds, spark.sparkContext().master(), spark.version());
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

    /**
     * Bytes a block holds per row: the kernel's workspaces (the input, two of the widest layer,
     * the activations and slopes of the other layers), the block's inputs and gradients, and the
     * gradient arrays of the rows it emits — float64 throughout (float32 needs less).
     */
    static long bytesPerBlockRow(Network net) {
        int[] widths = net.widths();
        long n1 = net.inputWidth();
        long widest = 0;
        long rest = 0;
        for (int l = 0; l < widths.length; l++) {
            widest = Math.max(widest, widths[l]);
            rest += l == 0 ? 0 : widths[l];
        }
        return 8 * (4 * n1 + 2 * widest + 2 * rest + 6);
    }

    /**
     * Rows per block: {@code requested} when it fits, else refused; 0 asks for
     * {@link #DEFAULT_BLOCK_ROWS}, or fewer so that the block stays within {@link #BLOCK_BYTES}
     * and a quarter of one task's share of the heap.
     *
     * @param taskHeap bytes of heap per concurrent task (an executor's heap over its cores)
     * @throws InvalidSetupException when {@code requested} exceeds an array's index or that quarter
     */
    static int blockRows(Network net, int requested, long taskHeap) {
        long widest = java.util.Arrays.stream(net.widths()).max().orElse(1);
        long maxByIndex = Integer.MAX_VALUE / widest;
        long perRow = bytesPerBlockRow(net);
        long limit = taskHeap / 4;
        if (requested > 0) {
            if (requested > maxByIndex) {
                throw new InvalidSetupException(String.format(Locale.ROOT, "--block-rows %d × %d entries (the widest"
                        + " layer) is more than a Java array holds (%,d entries); use at most %,d", requested, widest,
                        Integer.MAX_VALUE, maxByIndex));
            }
            if (requested * perRow > limit) {
                throw new InvalidSetupException(String.format(Locale.ROOT, "--block-rows %d needs %,d MB per task"
                        + " for its buffers (%,d KB a row), more than a quarter of a task's share of the heap"
                        + " (%,d MB); use at most %,d, or raise --driver-memory (local mode) or --executor-memory",
                        requested, requested * perRow >> 20, perRow >> 10, taskHeap >> 20,
                        Math.max(1, limit / perRow)));
            }
            return requested;
        }
        long rows = Math.min(BLOCK_BYTES, limit) / perRow;
        return (int) Math.max(1, Math.min(Math.min(rows, DEFAULT_BLOCK_ROWS), maxByIndex));
    }

    /** Rows per batch of the vectorized Parquet reader: Spark's 4096, or fewer to stay within {@link #READER_BATCH_BYTES}. */
    static int readerBatchRows(int width) {
        return (int) Math.max(1, Math.min(4096, READER_BATCH_BYTES / (8L * Math.max(1, width))));
    }

    /**
     * The heap one task may use: in local mode the driver's heap over the local threads, on a
     * cluster {@code spark.executor.memory} over {@code spark.executor.cores}.
     */
    private long taskHeapBytes() {
        String master = spark.sparkContext().master();
        if (master.equals("local") || master.startsWith("local[")) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("local\\[(\\*|\\d+)(,\\d+)?]").matcher(master);
            int threads = !m.matches() ? 1 : m.group(1).equals("*") ? Runtime.getRuntime().availableProcessors()
                    : Integer.parseInt(m.group(1));
            return Runtime.getRuntime().maxMemory() / Math.max(1, threads);
        }
        long executor = spark.sparkContext().executorMemory() * (1L << 20);
        return executor / Math.max(1, spark.sparkContext().getConf().getInt("spark.executor.cores", 1));
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
        return chooseOutputIndex(net, requested, "--output-index");
    }

    /** As the command line's, with the option named as the caller's users know it ({@code setOutputIndex}). */
    static int chooseOutputIndex(Network net, Integer requested, String option) {
        int n = net.outputWidth();
        if (requested == null) {
            if (n > 1) {
                throw new InvalidSetupException("the model has " + n + " outputs; choose one with " + option + " K"
                        + " (0.." + (n - 1) + ")");
            }
            return 0;
        }
        if (requested < 0 || requested >= n) {
            throw new InvalidSetupException(option + " " + requested + " is not in 0.." + (n - 1)
                    + " (the model has " + n + (n == 1 ? " output)" : " outputs)"));
        }
        return requested;
    }

    private Dataset<Row> readInput(Configuration hadoop, String path) throws IOException {
        try {
            return spark.read().parquet(path);
        } catch (Exception e) { // Scala's AnalysisException is checked in Java's eyes
            String message = String.valueOf(e.getMessage());
            boolean noSchema = e instanceof AnalysisException && message.contains("UNABLE_TO_INFER_SCHEMA");
            if (noSchema || ignoreCorrupt && message.contains("FAILED_READ_FILE")) {
                List<Path> files = InputFiles.dataFiles(hadoop, path);
                if (files.isEmpty()) {
                    throw new InvalidSetupException("the input " + path + " holds no Parquet files", e);
                }
                if (ignoreCorrupt) { // the file Spark read the schema from is corrupt: take another's
                    StructType schema = InputFiles.firstReadableSchema(spark, files);
                    if (schema == null) {
                        throw new InvalidSetupException("none of the " + files.size() + " files of the input " + path
                                + " can be read as Parquet (--ignore-corrupt-files)", e);
                    }
                    return spark.read().schema(schema).parquet(path);
                }
            }
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

    private String chooseIdColumn(StructType schema, List<String> featureCols) {
        Set<String> names = new HashSet<>(List.of(schema.fieldNames()));
        if (options.idCol() != null) {
            String id = inputName(schema, options.idCol());
            if (!names.contains(id)) {
                throw new InvalidSetupException("the input has no id column \"" + options.idCol() + "\" (its columns: "
                        + String.join(", ", schema.fieldNames()) + ")");
            }
            return id;
        }
        String id = inputName(schema, "id");
        return names.contains(id) && featureCols.stream().noneMatch(id::equals) ? id : null;
    }

    /** Whether Spark tells column names apart by case (spark.sql.caseSensitive; not by default). */
    private boolean caseSensitive() {
        return Boolean.parseBoolean(spark.conf().get("spark.sql.caseSensitive", "false"));
    }

    /** A column name as Spark compares names. */
    private String key(String name) {
        return caseSensitive() ? name : name.toLowerCase(Locale.ROOT);
    }

    private String caseNote() {
        return caseSensitive() ? "" : " (column names are case-insensitive)";
    }

    /** The input's own name of a column, resolved as Spark resolves it; the name itself when there is none. */
    private String inputName(StructType schema, String name) {
        if (name == null) {
            return null;
        }
        for (String f : schema.fieldNames()) {
            if (f.equals(name)) {
                return f;
            }
        }
        if (!caseSensitive()) {
            for (String f : schema.fieldNames()) {
                if (f.equalsIgnoreCase(name)) {
                    return f;
                }
            }
        }
        return name;
    }

    private List<String> carriedColumns(StructType schema, String idCol) {
        Set<String> names = new HashSet<>(List.of(schema.fieldNames()));
        LinkedHashSet<String> carried = new LinkedHashSet<>();
        if (idCol != null) {
            carried.add(idCol);
        }
        for (String given : options.keepCols()) {
            String k = inputName(schema, given);
            if (!names.contains(k)) {
                throw new InvalidSetupException("the input has no column \"" + k + "\" to keep (its columns: "
                        + String.join(", ", schema.fieldNames()) + ")");
            }
            carried.add(k);
        }
        List<String> taken = new ArrayList<>(GRADIENT_COLUMNS);
        taken.add(ERROR_COLUMN);
        for (String c : carried) {
            for (String out : taken) {
                if (key(c).equals(key(out))) {
                    throw new InvalidSetupException("carried column \"" + c + "\" would clash with the output column \""
                            + out + "\"" + (c.equals(out) ? "" : caseNote()));
                }
            }
        }
        return new ArrayList<>(carried);
    }

    /** Refuses a systematic width mismatch: from the schema when it says, else from the first rows. */
    private static void checkWidth(Dataset<Row> input, FeatureSource features, Network net) {
        int n1 = net.inputWidth();
        if (features.declaredWidth() >= 0) {
            features.requireDeclaredWidth(net);
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
