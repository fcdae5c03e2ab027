package netsense.spark;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import netsense.core.BlockKernel;
import netsense.core.Network;
import netsense.io.InvalidSetupException;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The job's gradients as a Spark ML {@link Transformer}: {@code transform(df)} returns df's
 * columns plus {@code output DOUBLE, gradient ARRAY<DOUBLE>, grad_l1, grad_l2, grad_linf DOUBLE}
 * and {@code error STRING} — null on good rows; on a bad row the reason, as in the job's
 * {@code rejected/} ("feature 1 is NaN", "features have 4 entries, expected 3", ...), with the
 * other five null. Rows are never dropped.
 *
 * <pre>{@code
 * Dataset<Row> g = new InputGradients().setModelPath("hdfs:///models/net.json").transform(df);
 * }</pre>
 *
 * <p>Params: {@code modelPath} (required; read through Hadoop's FileSystem, as the job reads
 * it), {@code featuresCol} ({@code "features"}: an array of numbers or an ML vector),
 * {@code outputIndex} (0 when the model has one output, required otherwise), {@code method}
 * ({@code "gradient"}, the only one so far). A wrong model, column or index is refused by
 * {@link #transformSchema} with the command line's messages. The features' width is checked
 * against the model where the schema declares it; {@code transform} is lazy and reads no row,
 * so rows of another width come back with the reason in {@code error}.
 *
 * <p>The model is read once per path on the driver and kept by this instance; each
 * {@code transform} broadcasts it, and each partition streams through the kernel in blocks,
 * as the job's do. Saved and loaded with the pipeline that holds it ({@link #write()},
 * {@link #read()}, {@link #load(String)}); the model file is referred to by its path.
 */
public final class InputGradients extends Transformer implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    /** The methods (SPEC, "Attribution methods and all outputs"). */
    public static final List<String> METHODS = java.util.Arrays.stream(netsense.core.Attribution.Method.values())
            .map(netsense.core.Attribution.Method::id).toList();

    private final String uid;
    private final Param<String> modelPath;
    private final Param<String> featuresCol;
    private final IntParam outputIndex;
    private final Param<String> method;
    private final IntParam steps;
    private final Param<String> quadrature;
    private final Param<String> baseline;
    private final IntParam samples;
    private final org.apache.spark.ml.param.DoubleParam noiseStd;
    private final org.apache.spark.ml.param.DoubleParam noiseRel;
    private final org.apache.spark.ml.param.LongParam seed;
    private final org.apache.spark.ml.param.BooleanParam allOutputs;
    private final Param<String> idCol;
    private transient String cachedPath;
    private transient Network cachedNetwork;

    public InputGradients() {
        this(Identifiable$.MODULE$.randomUID("inputGradients"));
    }

    public InputGradients(String uid) {
        this.uid = uid;
        this.modelPath = new Param<>(this, "modelPath", "the model file (read through Hadoop's FileSystem)");
        this.featuresCol = new Param<>(this, "featuresCol",
                "the features column: an array of numbers or a Spark ML vector");
        this.outputIndex = new IntParam(this, "outputIndex",
                "which output neuron (0-based); 0 when the model has one output, required otherwise",
                ParamValidators.gtEq(0));
        this.method = new Param<>(this, "method", "what each row's vector is: " + String.join(", ", METHODS));
        this.steps = new IntParam(this, "steps", "integrated gradients' quadrature points", ParamValidators.gtEq(1));
        this.quadrature = new Param<>(this, "quadrature", "integrated gradients' rule: gausslegendre, riemann-left,"
                + " riemann-right, riemann-middle, riemann-trapezoid");
        this.baseline = new Param<>(this, "baseline", "integrated gradients' baseline: zero, mean (the input's column"
                + " means, from a first pass) or a per-row array column");
        this.samples = new IntParam(this, "samples", "SmoothGrad's noisy copies per row", ParamValidators.gtEq(1));
        this.noiseStd = new org.apache.spark.ml.param.DoubleParam(this, "noiseStd",
                "SmoothGrad's noise, absolute (instead of noiseRel)", ParamValidators.gtEq(0));
        this.noiseRel = new org.apache.spark.ml.param.DoubleParam(this, "noiseRel",
                "SmoothGrad's noise relative to each dimension's std over the input (a first pass); 0.15 by default",
                ParamValidators.gtEq(0));
        this.seed = new org.apache.spark.ml.param.LongParam(this, "seed", "SmoothGrad's noise seed");
        this.allOutputs = new org.apache.spark.ml.param.BooleanParam(this, "allOutputs",
                "every output's vector at once (array columns) instead of one output's");
        this.idCol = new Param<>(this, "idCol", "the column keying each row's noise (integral or string);"
                + " without it, a hash of the features");
        setDefault(featuresCol, "features");
        setDefault(method, "gradient");
        setDefault(steps, MethodOptions.DEFAULT_STEPS);
        setDefault(quadrature, "gausslegendre");
        setDefault(baseline, "zero");
        setDefault(samples, MethodOptions.DEFAULT_SAMPLES);
        setDefault(seed, 0L);
        setDefault(allOutputs, false);
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> modelPath() {
        return modelPath;
    }

    public Param<String> featuresCol() {
        return featuresCol;
    }

    public IntParam outputIndex() {
        return outputIndex;
    }

    public Param<String> method() {
        return method;
    }

    public IntParam steps() {
        return steps;
    }

    public Param<String> quadrature() {
        return quadrature;
    }

    public Param<String> baseline() {
        return baseline;
    }

    public IntParam samples() {
        return samples;
    }

    public org.apache.spark.ml.param.DoubleParam noiseStd() {
        return noiseStd;
    }

    public org.apache.spark.ml.param.DoubleParam noiseRel() {
        return noiseRel;
    }

    public org.apache.spark.ml.param.LongParam seed() {
        return seed;
    }

    public org.apache.spark.ml.param.BooleanParam allOutputs() {
        return allOutputs;
    }

    public Param<String> idCol() {
        return idCol;
    }

    public InputGradients setModelPath(String value) {
        set(modelPath, value);
        return this;
    }

    public InputGradients setFeaturesCol(String value) {
        set(featuresCol, value);
        return this;
    }

    public InputGradients setOutputIndex(int value) {
        set(outputIndex, value);
        return this;
    }

    public InputGradients setMethod(String value) {
        set(method, value);
        return this;
    }

    public InputGradients setSteps(int value) {
        set(steps, value);
        return this;
    }

    public InputGradients setQuadrature(String value) {
        set(quadrature, value);
        return this;
    }

    public InputGradients setBaseline(String value) {
        set(baseline, value);
        return this;
    }

    public InputGradients setSamples(int value) {
        set(samples, value);
        return this;
    }

    public InputGradients setNoiseStd(double value) {
        set(noiseStd, value);
        return this;
    }

    public InputGradients setNoiseRel(double value) {
        set(noiseRel, value);
        return this;
    }

    public InputGradients setSeed(long value) {
        set(seed, value);
        return this;
    }

    public InputGradients setAllOutputs(boolean value) {
        set(allOutputs, value);
        return this;
    }

    public InputGradients setIdCol(String value) {
        set(idCol, value);
        return this;
    }

    /** The method and its settings as these params say. */
    MethodOptions methodOptions() {
        netsense.core.Attribution.Method m;
        netsense.core.Quadrature q;
        try {
            m = netsense.core.Attribution.Method.fromId(getMethod());
            q = netsense.core.Quadrature.fromId($(quadrature));
        } catch (IllegalArgumentException e) {
            throw new InvalidSetupException(e.getMessage());
        }
        return new MethodOptions(m, (Integer) $(steps), q, $(baseline), (Integer) $(samples),
                isDefined(noiseStd) ? (Double) $(noiseStd) : null, isDefined(noiseRel) ? (Double) $(noiseRel) : null,
                (Long) $(seed));
    }

    public String getModelPath() {
        return isDefined(modelPath) ? $(modelPath) : null;
    }

    public String getFeaturesCol() {
        return $(featuresCol);
    }

    /** The output index set, or null when it is left to the model (0 for one output). */
    public Integer getOutputIndex() {
        return isDefined(outputIndex) ? (Integer) $(outputIndex) : null;
    }

    public String getMethod() {
        return $(method);
    }

    @Override
    public InputGradients copy(ParamMap extra) {
        return (InputGradients) defaultCopy(extra);
    }

    /** What {@link #transform} will do, checked against a schema: the model, its index, the features, the method. */
    private record Plan(Network network, int outputIndex, FeatureSource features, MethodOptions method, boolean all,
                        String baselineCol, int idColumn) {}

    private Plan plan(StructType schema, Configuration hadoop) {
        if (!METHODS.contains(getMethod())) {
            throw new InvalidSetupException("method \"" + getMethod() + "\" is not supported; supported: "
                    + String.join(", ", METHODS));
        }
        MethodOptions options = methodOptions();
        options.validate();
        if (getModelPath() == null) {
            throw new InvalidSetupException("no model: set the model file with setModelPath");
        }
        Network net = network(hadoop);
        boolean all = (Boolean) $(allOutputs);
        if (all && getOutputIndex() != null) {
            throw new InvalidSetupException("outputIndex is one output's index; allOutputs asks for every output, not both");
        }
        int k = all ? 0 : JobPlan.chooseOutputIndex(net, getOutputIndex(), "outputIndex");
        String baselineCol = options.baselineColumn();
        if (baselineCol != null && !List.of(schema.fieldNames()).contains(baselineCol)) {
            throw new InvalidSetupException("baseline \"" + baselineCol + "\": the input has no such column, and the"
                    + " baseline is zero, mean or a column");
        }
        int idColumn = -1;
        if (isDefined(idCol)) {
            idColumn = List.of(schema.fieldNames()).indexOf($(idCol));
            if (idColumn < 0) {
                throw new InvalidSetupException("the input has no id column \"" + $(idCol) + "\"");
            }
        }
        FeatureSource features = FeatureSource.resolve(schema, getFeaturesCol(), List.of());
        features.requireDeclaredWidth(net);
        List<String> added = new java.util.ArrayList<>();
        GradientJob.resultFields(options, all, DataTypes.DoubleType, true).forEach(f -> added.add(f.name()));
        added.add(GradientJob.ERROR_COLUMN);
        added.add(GradientJob.FEATURES_ALIAS);
        added.add(GradientJob.BASELINE_ALIAS);
        for (String name : schema.fieldNames()) {
            // as Spark compares column names: without regard to case by default
            if (added.stream().anyMatch(a -> a.equalsIgnoreCase(name))) {
                throw new InvalidSetupException("the input has a column \"" + name + "\", which " + getClass()
                        .getSimpleName() + " adds; rename or drop it first");
            }
        }
        return new Plan(net, k, features, options, all, baselineCol, idColumn);
    }

    /** The model, read once per path (the driver's copy). */
    private synchronized Network network(Configuration hadoop) {
        String path = getModelPath();
        if (cachedNetwork == null || !path.equals(cachedPath)) {
            try {
                cachedNetwork = JobPlan.readModel(hadoop, path);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the model " + path + ": " + e.getMessage(), e);
            }
            cachedPath = path;
        }
        return cachedNetwork;
    }

    private static Configuration hadoopConfiguration() {
        return SparkSession.getActiveSession().isDefined()
                ? SparkSession.getActiveSession().get().sparkContext().hadoopConfiguration()
                : new Configuration();
    }

    @Override
    public StructType transformSchema(StructType schema) {
        Plan plan = plan(schema, hadoopConfiguration());
        return outputSchema(schema, plan.method(), plan.all());
    }

    static StructType outputSchema(StructType schema) {
        return outputSchema(schema, MethodOptions.gradient(), false);
    }

    static StructType outputSchema(StructType schema, MethodOptions method, boolean all) {
        List<StructField> fields = new ArrayList<>(List.of(schema.fields()));
        fields.addAll(GradientJob.resultFields(method, all, DataTypes.DoubleType, true));
        fields.add(DataTypes.createStructField(GradientJob.ERROR_COLUMN, DataTypes.StringType, true));
        return DataTypes.createStructType(fields);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        SparkSession spark = dataset.sparkSession();
        StructType schema = dataset.schema();
        Plan plan = plan(schema, spark.sparkContext().hadoopConfiguration());
        transformSchema(schema, true); // Spark ML's schema logging
        Dataset<Row> df = dataset.toDF();
        List<Column> columns = new ArrayList<>();
        for (String name : schema.fieldNames()) {
            columns.add(col(FeatureSource.quote(name)));
        }
        columns.add(plan.features().asDoubleArray().as(GradientJob.FEATURES_ALIAS));
        if (plan.baselineCol() != null) {
            columns.add(col(FeatureSource.quote(plan.baselineCol()))
                    .cast(DataTypes.createArrayType(DataTypes.DoubleType)).as(GradientJob.BASELINE_ALIAS));
        }
        Dataset<Row> rows = df.select(columns.toArray(new Column[0]));
        int n1 = plan.network().inputWidth();
        netsense.core.ColumnMoments moments = plan.method().needsInputMoments() // an eager first pass
                ? InputMomentsPass.of(InternalRows.of(rows).toJavaRDD(), schema.size(), n1) : null;
        MethodPlan method = MethodPlan.resolve(plan.method(), plan.all(), n1, moments);
        Broadcast<Network> shared = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(plan.network());
        int outputs = method.outputsPerRow(plan.network().outputWidth());
        InputGradientsFunction f = new InputGradientsFunction(shared, plan.outputIndex(),
                JobPlan.blockRows(plan.network(), 0, Long.MAX_VALUE, outputs), // 256 rows, fewer for wide ones
                BlockKernel.Precision.FLOAT64, schema.size(), method, plan.idColumn());
        return rows.mapPartitions(f, Encoders.row(outputSchema(schema, plan.method(), plan.all())));
    }

    /** A reader for {@link #load}: what {@code PipelineModel.load} calls (Scala's companion {@code read}). */
    public static MLReader<InputGradients> read() {
        return new DefaultParamsReader<>();
    }

    public static InputGradients load(String path) {
        return read().load(path);
    }
}
