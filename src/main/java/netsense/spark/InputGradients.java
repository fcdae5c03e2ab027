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

    /** The methods implemented so far. */
    public static final List<String> METHODS = List.of("gradient");

    private final String uid;
    private final Param<String> modelPath;
    private final Param<String> featuresCol;
    private final IntParam outputIndex;
    private final Param<String> method;
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
        setDefault(featuresCol, "features");
        setDefault(method, "gradient");
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

    /** What {@link #transform} will do, checked against a schema: the model, its index, the features. */
    private record Plan(Network network, int outputIndex, FeatureSource features) {}

    private Plan plan(StructType schema, Configuration hadoop) {
        if (!METHODS.contains(getMethod())) {
            throw new InvalidSetupException("method \"" + getMethod() + "\" is not supported; supported: "
                    + String.join(", ", METHODS));
        }
        if (getModelPath() == null) {
            throw new InvalidSetupException("no model: set the model file with setModelPath");
        }
        Network net = network(hadoop);
        int k = JobPlan.chooseOutputIndex(net, getOutputIndex(), "outputIndex");
        FeatureSource features = FeatureSource.resolve(schema, getFeaturesCol(), List.of());
        features.requireDeclaredWidth(net);
        List<String> added = new java.util.ArrayList<>(GradientJob.GRADIENT_COLUMNS);
        added.add(GradientJob.ERROR_COLUMN);
        added.add(GradientJob.FEATURES_ALIAS);
        for (String name : schema.fieldNames()) {
            // as Spark compares column names: without regard to case by default
            if (added.stream().anyMatch(a -> a.equalsIgnoreCase(name))) {
                throw new InvalidSetupException("the input has a column \"" + name + "\", which " + getClass()
                        .getSimpleName() + " adds; rename or drop it first");
            }
        }
        return new Plan(net, k, features);
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
        plan(schema, hadoopConfiguration());
        return outputSchema(schema);
    }

    static StructType outputSchema(StructType schema) {
        List<StructField> fields = new ArrayList<>(List.of(schema.fields()));
        List<String> names = GradientJob.GRADIENT_COLUMNS;
        fields.add(DataTypes.createStructField(names.get(0), DataTypes.DoubleType, true));
        fields.add(DataTypes.createStructField(names.get(1), DataTypes.createArrayType(DataTypes.DoubleType, false),
                true));
        for (String norm : names.subList(2, names.size())) {
            fields.add(DataTypes.createStructField(norm, DataTypes.DoubleType, true));
        }
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
        Broadcast<Network> shared = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(plan.network());
        InputGradientsFunction f = new InputGradientsFunction(shared, plan.outputIndex(),
                JobPlan.blockRows(plan.network(), 0, Long.MAX_VALUE), // 256 rows, fewer for wide ones
                BlockKernel.Precision.FLOAT64, schema.size());
        return df.select(columns.toArray(new Column[0])).mapPartitions(f, Encoders.row(outputSchema(schema)));
    }

    /** A reader for {@link #load}: what {@code PipelineModel.load} calls (Scala's companion {@code read}). */
    public static MLReader<InputGradients> read() {
        return new DefaultParamsReader<>();
    }

    public static InputGradients load(String path) {
        return read().load(path);
    }
}
