package netsense.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import netsense.core.BootstrapSummary;
import netsense.core.BottomKSample;
import netsense.core.GradientSummary;
import netsense.io.SummaryJson;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The driver's side of the global-sensitivity figures gathered in the job's one pass
 * ({@link JobTally}): the bootstrap's intervals with the Poincaré constants of the whole input,
 * the groups ordered by key, and the sample written to {@code sample/}.
 */
final class GlobalPass {
    private GlobalPass() {}

    /** summary.json's and the report's global figures from the merged tally. */
    static SummaryJson.Global figures(GlobalOptions options, double[][] inputBounds, String groupCol, JobTally tally,
                                      Integer sampleRows) {
        List<List<BootstrapSummary.DimensionIntervals>> intervals = null;
        SummaryJson.Global base = new SummaryJson.Global(options.dgsmBound(), inputBounds, options.bootstrap(),
                options.confidence(), options.seed(), null, groupCol, List.of(), sampleRows);
        if (tally.bootstraps() != null) {
            intervals = new ArrayList<>();
            for (int o = 0; o < tally.bootstraps().size(); o++) {
                double[] constants = base.constants(tally.summaries().get(o)); // those of the whole input
                intervals.add(tally.bootstraps().get(o).intervals(options.confidence(), constants));
            }
        }
        List<SummaryJson.Group> groups = new ArrayList<>();
        for (Map.Entry<Object, GradientSummary[]> e : tally.groups()) {
            Object key = e.getKey() instanceof org.apache.spark.unsafe.types.UTF8String s ? s.toString() : e.getKey();
            groups.add(new SummaryJson.Group(key, List.of(e.getValue())));
        }
        return new SummaryJson.Global(options.dgsmBound(), inputBounds, options.bootstrap(), options.confidence(),
                options.seed(), intervals, groupCol, groups, sampleRows);
    }

    /**
     * The schema of {@code sample/}: the carried columns, {@code features} (x), and the
     * {@code output} and vector columns of {@code gradients/}.
     */
    static StructType sampleSchema(StructType projected, int carried, StructType gradientSchema) {
        List<StructField> fields = new ArrayList<>();
        for (int i = 0; i < carried; i++) {
            fields.add(projected.fields()[i]);
        }
        fields.add(DataTypes.createStructField("features", DataTypes.createArrayType(DataTypes.DoubleType, false),
                false));
        fields.add(gradientSchema.fields()[carried]);
        fields.add(gradientSchema.fields()[carried + 1]);
        return DataTypes.createStructType(fields);
    }

    /**
     * Writes the sample's rows, in the sample's (hash) order, as one Parquet file under
     * {@code path} (by the driver: {@link DriverParquet}).
     */
    static void writeSample(SparkSession spark, BottomKSample sample, StructType projected, int carried,
                           StructType gradientSchema, boolean allOutputs, int n1, String path)
            throws java.io.IOException {
        StructType schema = sampleSchema(projected, carried, gradientSchema);
        List<BottomKSample.Row> rows = sample.rows();
        int outputs = rows.isEmpty() ? 1 : rows.get(0).outputs().length;
        List<InternalRow> compact = InternalRows.sampleRows(rows, schema, carried, allOutputs ? outputs : 1, n1);
        // the numbers plainly encoded, as in gradients/: a dictionary of distinct doubles only costs
        DriverParquet.write(spark, schema, compact, path, GradientJob.plainEncoded(schema, carried));
    }
}
