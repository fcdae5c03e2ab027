package netsense.spark;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import netsense.core.Network;
import netsense.io.InvalidSetupException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.parquet.hadoop.ParquetOutputFormat;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

/**
 * What a gradient job will do, with everything checked that can be checked before a row is
 * processed: the model and the output it differentiates, the input's columns resolved as Spark
 * resolves names (what is carried, the id, the features), the output folder and its place
 * beside the input, rows per block and the session settings the job needs. Immutable; made by
 * {@link #resolve}, which refuses a wrong command with an {@link InvalidSetupException}.
 *
 * @param input   the input as read (with the job's session settings in effect)
 * @param carried the columns carried to every output row, the id first
 * @param idCol   the id column, or null
 * @param output  the output folder, qualified
 * @param baselineCol integrated gradients' per-row baseline column as the input names it, or null
 * @param groupCol    the {@code --group-by} column as the input names it, or null
 * @param inputBounds the {@code --input-bounds} [a_i, b_i] of every dimension, or null
 * @param warmup  the kernel's warm-up while the driver plans (local mode), or null; the job stops it
 * @param firstFooter the footer the input's schema was read from (no Spark job), or null when Spark inferred it
 */
record JobPlan(GradientJob.Options options, Network network, int outputIndex, Dataset<Row> input,
               List<String> carried, String idCol, FeatureSource features, FileSystem fs, Path output,
               int blockRows, boolean ignoreCorrupt, String baselineCol, String groupCol, double[][] inputBounds,
               KernelWarmup warmup, InputFiles.FirstFooter firstFooter) {
    private static final Logger LOG = LogManager.getLogger(JobPlan.class);
    static final String READER_BATCH = "spark.sql.parquet.columnarReaderBatchSize";
    /** A schema no input has: reading with it lists the input's files and folders and reads none. */
    private static final StructType LISTING_SCHEMA = new StructType().add("__netsense_listing__",
            org.apache.spark.sql.types.DataTypes.LongType);
    static final String IGNORE_CORRUPT = "spark.sql.files.ignoreCorruptFiles";
    static final String CODEC = "spark.sql.parquet.compression.codec";
    /**
     * parquet-mr's row group size. A session setting of this name reaches the Hadoop
     * configuration of every write, over the SparkContext's own (which holds
     * {@code spark.hadoop.parquet.block.size}).
     */
    static final String ROW_GROUP = ParquetOutputFormat.BLOCK_SIZE;
    /** zstd: 7 % smaller gradients than Spark's snappy (11 % in float), in the same time (README, "Performance"). */
    static final String DEFAULT_CODEC = "zstd";

    /**
     * Checks and resolves the options. Sets, through {@code settings}, what the session needs
     * for this job (the Parquet reader's batch, the writer's row group, skipping corrupt files)
     * before it reads the input's schema; the caller restores them when the job ends.
     */
    static JobPlan resolve(SparkSession spark, GradientJob.Options options, SessionSettings settings)
            throws IOException {
        Resolver resolver = new Resolver(spark, options);
        try {
            return resolver.resolve(settings);
        } catch (IOException | RuntimeException e) { // refused: no kernel to warm up
            if (resolver.warmup != null) {
                resolver.warmup.close();
            }
            throw e;
        }
    }

    /**
     * Refuses a systematic width mismatch: from the schema when it says; else from the first
     * file's footer when its values are exactly n1 a row (no Spark job); else from the first rows.
     */
    void checkWidth() {
        if (features.declaredWidth() < 0 && features.kind() == FeatureSource.Kind.ARRAY && footerAgrees()) {
            return;
        }
        checkWidth(input, features, network);
    }

    private boolean footerAgrees() {
        long[] counts;
        if (firstFooter != null) {
            counts = firstFooter.rowsAndLeafValues(features.rawColumns().get(0));
        } else {
            String[] files = input.inputFiles();
            if (files.length == 0) {
                return false;
            }
            counts = InputFiles.rowsAndLeafValues(input.sparkSession().sparkContext().hadoopConfiguration(),
                    files[0], features.rawColumns().get(0));
        }
        return counts != null && counts[1] == (long) network.inputWidth() * counts[0];
    }

    private static final class Resolver {
        private final SparkSession spark;
        private final GradientJob.Options options;
        private boolean ignoreCorrupt;
        private KernelWarmup warmup;
        private InputFiles.FirstFooter firstFooter;

        Resolver(SparkSession spark, GradientJob.Options options) {
            this.spark = spark;
            this.options = options;
        }

        JobPlan resolve(SessionSettings settings) throws IOException {
            Configuration hadoop = spark.sparkContext().hadoopConfiguration();
            Network net = readModel(hadoop, options.model());
            options.method().validate();
            options.global().validate();
            int outputIndex;
            if (options.allOutputs()) {
                if (options.outputIndex() != null) {
                    throw new InvalidSetupException("--output-index is one output's index or all, not both");
                }
                outputIndex = 0;
            } else {
                outputIndex = chooseOutputIndex(net, options.outputIndex());
            }
            long taskHeap = taskHeapBytes();
            int blockRows = blockRows(net, options.blockRows(), taskHeap,
                    options.allOutputs() ? net.outputWidth() : 1);
            ignoreCorrupt = options.ignoreCorruptFiles()
                    || Boolean.parseBoolean(spark.conf().get(IGNORE_CORRUPT, "false"));
            int batch = readerBatchRows(net.inputWidth());
            String given = spark.conf().get(READER_BATCH, null);
            if (given == null || Integer.parseInt(given.trim()) > batch) {
                settings.set(READER_BATCH, String.valueOf(batch));
            }
            setRowGroup(settings, hadoop, taskHeap);
            if (ignoreCorrupt) {
                settings.set(IGNORE_CORRUPT, "true");
            }
            if (!spark.conf().contains(CODEC)) { // the user's own choice stands
                settings.set(CODEC, DEFAULT_CODEC);
            }
            Dataset<Row> input = readInput(hadoop, options.input());
            // from here, not sooner: reading the input's footer and schema in a cold JVM is the slowest
            // part of planning, and a warm-up beside it (a core and the JIT's attention) slows it down
            if (options.kernels() == KernelFactory.NETSENSE) {
                warmup = KernelWarmup.startIfLocal(spark.sparkContext().master(), net, options.precision(), blockRows,
                        JobTally.Extras.of(options.global()));
            }
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
                if (key(raw).equals(key(GradientJob.ERROR_COLUMN))) {
                    throw new InvalidSetupException("feature column \"" + raw + "\" would clash with the column \""
                            + GradientJob.ERROR_COLUMN + "\" of rejected/"
                            + (raw.equals(GradientJob.ERROR_COLUMN) ? "" : caseNote()));
                }
            }
            Path output = new Path(options.output());
            FileSystem fs = output.getFileSystem(hadoop);
            output = fs.makeQualified(output);
            OutputCommit.refuseOverlap(hadoop, output, options.output(), options.input(), options.model());
            String baselineCol = baselineColumn(schema, net);
            String groupCol = groupColumn(schema);
            options.global().checkBootstrapMemory(net.inputWidth(), options.allOutputs() ? net.outputWidth() : 1);
            double[][] bounds = options.global().inputBounds() == null ? null
                    : readInputBounds(hadoop, options.global().inputBounds(), net.inputWidth());
            return new JobPlan(options, net, outputIndex, input, carried, idCol, features, fs, output, blockRows,
                    ignoreCorrupt, baselineCol, groupCol, bounds, warmup, firstFooter);
        }

        /** The {@code --group-by} column, checked: present, and of a type whose values are keys; null without one. */
        private String groupColumn(StructType schema) {
            String given = options.global().groupBy();
            if (given == null) {
                return null;
            }
            String name = existingColumn(schema, "--group-by " + given + ": the input has no such column", given);
            org.apache.spark.sql.types.DataType type = schema.apply(name).dataType();
            boolean key = type instanceof org.apache.spark.sql.types.StringType
                    || type instanceof org.apache.spark.sql.types.IntegralType
                    || type instanceof org.apache.spark.sql.types.BooleanType;
            if (!key) {
                throw new InvalidSetupException("--group-by column \"" + name + "\" is " + type.simpleString()
                        + "; groups are keyed by a string, integer or boolean column");
            }
            return name;
        }

        /** The input's name of column {@code given}; refused, saying {@code missing} and the columns, when there is none. */
        private String existingColumn(StructType schema, String missing, String given) {
            String name = inputName(schema, given);
            if (!List.of(schema.fieldNames()).contains(name)) {
                throw new InvalidSetupException(missing + " (its columns: " + String.join(", ", schema.fieldNames())
                        + ")");
            }
            return name;
        }

        /** Integrated gradients' per-row baseline column, checked: an array of numbers; null when there is none. */
        private String baselineColumn(StructType schema, Network net) {
            String given = options.method().baselineColumn();
            if (given == null) {
                return null;
            }
            String name = existingColumn(schema, "--baseline " + given + ": the input has no such column, and the"
                    + " baseline is zero, mean or a column", given);
            org.apache.spark.sql.types.DataType type = schema.apply(name).dataType();
            boolean numbers = type instanceof org.apache.spark.sql.types.ArrayType a
                    && a.elementType() instanceof org.apache.spark.sql.types.NumericType;
            if (!numbers) {
                throw new InvalidSetupException("--baseline column \"" + name + "\" is " + type.simpleString()
                        + "; a baseline column is an array of " + net.inputWidth() + " numbers per row");
            }
            return name;
        }

        /** The output's row group size ({@link JobPlan#rowGroupBytes}), set for the job where it differs from the writer's own. */
        private void setRowGroup(SessionSettings settings, Configuration hadoop, long taskHeap) {
            String text = spark.conf().get(ROW_GROUP, hadoop.get(ROW_GROUP));
            long given = 0;
            if (text != null) {
                try {
                    given = Long.parseLong(text.trim());
                } catch (NumberFormatException e) {
                    throw new InvalidSetupException(ROW_GROUP + " " + text + " is not a number of bytes", e);
                }
            }
            long bytes = rowGroupBytes(taskHeap, given);
            long writers = given > 0 ? given : ParquetWriter.DEFAULT_BLOCK_SIZE;
            if (bytes != writers) {
                settings.set(ROW_GROUP, String.valueOf(bytes));
                LOG.info("output row groups of {} MB, not {} MB: a task's Parquet writer holds one in memory, and a"
                        + " task has {} MB of heap ({})", bytes >> 20, writers >> 20, taskHeap >> 20, ROW_GROUP);
            }
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

        private Dataset<Row> readInput(Configuration hadoop, String path) throws IOException {
            try {
                Dataset<Row> known = readWithFooterSchema(hadoop, path);
                return known != null ? known : spark.read().parquet(path);
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

        /**
         * The input read with the schema Spark wrote in its first file's footer — what Spark's own
         * inference takes, without the Spark job it runs to read that footer; null (and Spark infers)
         * when that does not apply: schemas merged, corrupt files skipped, partition folders, no
         * readable footer or no schema of Spark's in it.
         */
        private Dataset<Row> readWithFooterSchema(Configuration hadoop, String path) {
            if (ignoreCorrupt || Boolean.parseBoolean(spark.conf().get("spark.sql.parquet.mergeSchema", "false"))) {
                return null;
            }
            try {
                Dataset<Row> listing = spark.read().schema(LISTING_SCHEMA).parquet(path); // Spark's file listing only
                if (listing.schema().size() != LISTING_SCHEMA.size()) {
                    return null; // partition columns from the folders' names
                }
                InputFiles.FirstFooter footer = InputFiles.firstFooter(hadoop, listing.inputFiles());
                StructType schema = footer == null ? null : footer.sparkSchema();
                if (schema == null) {
                    return null;
                }
                firstFooter = footer;
                return spark.read().schema(schema).parquet(path);
            } catch (Exception e) { // Spark's own read will say what is wrong
                return null;
            }
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
            List<String> taken = new ArrayList<>();
            for (org.apache.spark.sql.types.StructField f : GradientJob.resultFields(options.method(),
                    options.allOutputs(), org.apache.spark.sql.types.DataTypes.DoubleType, false)) {
                taken.add(f.name());
            }
            taken.add(GradientJob.ERROR_COLUMN);
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
    }

    /**
     * Bytes a block holds per row: the kernel's workspaces (the input, two of the widest layer,
     * the activations and slopes of the other layers), the block's inputs and gradients, and the
     * gradient arrays of the rows it emits — float64 throughout (float32 needs less).
     */
    static long bytesPerBlockRow(Network net, int outputs) {
        long extra = (long) (outputs - 1) * (3L * net.inputWidth() + 6);
        return bytesPerBlockRow(net) + 8 * extra;
    }

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
     * {@link GradientJob#DEFAULT_BLOCK_ROWS}, or fewer so that the block stays within {@link GradientJob#BLOCK_BYTES}
     * and a quarter of one task's share of the heap.
     *
     * @param taskHeap bytes of heap per concurrent task (an executor's heap over its cores)
     * @throws InvalidSetupException when {@code requested} exceeds an array's index or that quarter
     */
    static int blockRows(Network net, int requested, long taskHeap) {
        return blockRows(net, requested, taskHeap, 1);
    }

    /** As {@link #blockRows(Network, int, long)}, each row holding vectors for {@code outputs} outputs. */
    static int blockRows(Network net, int requested, long taskHeap, int outputs) {
        long widest = Math.max(java.util.Arrays.stream(net.widths()).max().orElse(1),
                (long) outputs * net.inputWidth());
        long maxByIndex = Integer.MAX_VALUE / widest;
        long perRow = bytesPerBlockRow(net, outputs);
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
        long rows = Math.min(GradientJob.BLOCK_BYTES, limit) / perRow;
        return (int) Math.max(1, Math.min(Math.min(rows, GradientJob.DEFAULT_BLOCK_ROWS), maxByIndex));
    }

    /**
     * Bytes of a row group of the job's Parquet output, which each task's writer buffers whole
     * before writing it: a sixteenth of the task's heap, at most parquet-mr's 128 MB, at least
     * {@link GradientJob#MIN_ROW_GROUP_BYTES} (and parquet-mr puts at least 100 rows in a row
     * group however small). The same task also holds a row group of its input (up to 128 MB as
     * Spark writes them), the reader's batch, the kernel's block and the statistics: with an
     * eighth, two tasks at 784 features ran a 768 MB heap out of memory. A size the user gave
     * stands up to that sixteenth, and is lowered to it above.
     *
     * @param taskHeap bytes of heap per concurrent task
     * @param given    the user's {@code parquet.block.size}, or 0 for none
     */
    static long rowGroupBytes(long taskHeap, long given) {
        long fits = Math.max(GradientJob.MIN_ROW_GROUP_BYTES, taskHeap / 16);
        return Math.min(given > 0 ? given : ParquetWriter.DEFAULT_BLOCK_SIZE, fits);
    }

    /** Rows per batch of the vectorized Parquet reader: Spark's 4096, or fewer to stay within {@link GradientJob#READER_BATCH_BYTES}. */
    static int readerBatchRows(int width) {
        return (int) Math.max(1, Math.min(4096, GradientJob.READER_BATCH_BYTES / (8L * Math.max(1, width))));
    }

    /** The model of {@code --model}: JSON, ONNX or a Spark ML folder ({@link ModelFiles}). */
    static Network readModel(Configuration hadoop, String model) throws IOException {
        return ModelFiles.load(hadoop, model, SparkSession::active).network();
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

    /**
     * The {@code --input-bounds} file: a JSON list of n1 pairs [a_i, b_i] of finite numbers with
     * a_i &lt; b_i; refused with a message naming the file and what is wrong.
     */
    static double[][] readInputBounds(Configuration hadoop, String file, int n1) throws IOException {
        Path path = new Path(file);
        com.fasterxml.jackson.databind.JsonNode root;
        try (java.io.InputStream in = path.getFileSystem(hadoop).open(path)) {
            root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(in);
        } catch (java.io.FileNotFoundException e) {
            throw new InvalidSetupException("--input-bounds " + file + " does not exist", e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidSetupException("--input-bounds " + file + " is not JSON: "
                    + firstLine(e.getOriginalMessage()), e);
        }
        String what = "--input-bounds " + file + ": ";
        if (root == null || !root.isArray()) {
            throw new InvalidSetupException(what + "expecting a JSON list of [a, b] pairs, one per input dimension");
        }
        if (root.size() != n1) {
            throw new InvalidSetupException(what + "expecting " + n1 + " pairs [a, b] (the model's input width) but got "
                    + root.size());
        }
        double[][] bounds = new double[n1][];
        for (int i = 0; i < n1; i++) {
            com.fasterxml.jackson.databind.JsonNode pair = root.get(i);
            if (!pair.isArray() || pair.size() != 2 || !pair.get(0).isNumber() || !pair.get(1).isNumber()) {
                throw new InvalidSetupException(what + "dimension " + i + " is " + pair + ", expecting [a, b] of two numbers");
            }
            double a = pair.get(0).asDouble();
            double b = pair.get(1).asDouble();
            if (!Double.isFinite(a) || !Double.isFinite(b)) {
                throw new InvalidSetupException(what + "dimension " + i + " has bounds [" + a + ", " + b
                        + "], expecting finite numbers");
            }
            if (!(a < b)) {
                throw new InvalidSetupException(what + "dimension " + i + " has bounds [" + a + ", " + b
                        + "], expecting a < b");
            }
            bounds[i] = new double[] {a, b};
        }
        return bounds;
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
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
            String found = String.join(" or ", widths.stream().sorted().map(String::valueOf).toList());
            throw new InvalidSetupException("the input's features have " + found
                    + " entries in its first rows, the model takes " + n1 + " (model shape " + net.shape() + ")");
        }
    }
}
