package netsense.spark;

import java.util.Iterator;
import java.util.SplittableRandom;
import netsense.core.BlockKernel;
import netsense.core.Network;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * What the job's own per-row code costs, without Spark's reading and writing: rows in Spark's
 * compact form ({@code id} BIGINT, the features as {@code array<double>}), made up front, stream
 * through the pass ({@link GradientPass}: staging, the kernel, the checks and norms, every run's
 * statistics and sample, the output rows) on the calling thread, and the output rows are only
 * touched. For {@code jobs/bench --pass}: the part of the end-to-end gap that is netsense's.
 */
public final class PassBench {
    private static final int POOL = 4096;

    private PassBench() {}

    /** One timed run: nanoseconds per row, and the output rows counted (= rows). */
    public record Run(double nanosPerRow, long outputRows) {}

    /**
     * Streams {@code rows} made-up rows of {@code net}'s input width through the pass with
     * {@code kernels} (the job's default settings otherwise) and times it. Each row gets its own id,
     * so the sample's keys are distinct, as in a real input.
     */
    public static Run run(SparkSession spark, Network net, long rows, KernelFactory kernels) {
        int n1 = net.inputWidth();
        StructType projected = new StructType().add("id", DataTypes.LongType, false)
                .add("__features", DataTypes.createArrayType(DataTypes.DoubleType, false));
        RowLayout layout = new RowLayout(projected, 1, 0, 0, "id", false);
        StructType output = GradientJob.gradientSchema(projected, 1, VectorType.DOUBLE);
        GradientPass.Settings settings = new GradientPass.Settings(0, Mode.PERMISSIVE,
                JobPlan.blockRows(net, 0, Runtime.getRuntime().maxMemory() / 2), BlockKernel.Precision.FLOAT64,
                MethodPlan.resolve(MethodOptions.gradient(), false, n1, null), JobTally.Extras.of(GlobalOptions.defaults()));
        UnsafeProjection compact = UnsafeProjection.create(projected);
        SplittableRandom rnd = new SplittableRandom(1);
        UnsafeRow[] pool = new UnsafeRow[POOL];
        for (int i = 0; i < POOL; i++) {
            double[] x = new double[n1];
            for (int j = 0; j < n1; j++) {
                x[j] = rnd.nextDouble() * 2 - 1;
            }
            pool[i] = compact.apply(new GenericInternalRow(new Object[] {(long) i, UnsafeArrayData.fromPrimitiveArray(x)}))
                    .copy();
        }
        Broadcast<Network> shared = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(net);
        try {
            TallyAccumulator tally = new TallyAccumulator(n1, 1, false, settings.extras());
            GradientPass pass = new GradientPass(shared, kernels, settings, layout, output, tally);
            Iterator<InternalRow> in = new Iterator<>() {
                private long i;

                @Override
                public boolean hasNext() {
                    return i < rows;
                }

                @Override
                public InternalRow next() {
                    UnsafeRow r = pool[(int) (i % POOL)];
                    r.setLong(0, i * 0x9E3779B97F4A7C15L); // distinct keys, spread like hashes
                    i++;
                    return r;
                }
            };
            long start = System.nanoTime();
            Iterator<InternalRow> out = pass.call(in);
            long count = 0;
            long bytes = 0;
            while (out.hasNext()) {
                bytes += ((UnsafeRow) out.next()).getSizeInBytes();
                count++;
            }
            double nanos = System.nanoTime() - start;
            if (bytes <= 0 && count > 0) {
                throw new IllegalStateException("empty output rows");
            }
            return new Run(rows == 0 ? 0 : nanos / rows, count);
        } finally {
            shared.destroy();
        }
    }
}
