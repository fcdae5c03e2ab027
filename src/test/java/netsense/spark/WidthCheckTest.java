package netsense.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import netsense.io.InvalidSetupException;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The input's width checked before any work: from a file's footer when it can tell, else from the first rows. */
class WidthCheckTest extends SparkTestBase {
    static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.LongType, false)
            .add("features", DataTypes.createArrayType(DataTypes.DoubleType, true), true);

    static List<Row> rows(int count, int width) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            List<Double> x = new ArrayList<>();
            for (int j = 0; j < width; j++) {
                x.add(0.1 * (i + j));
            }
            rows.add(RowFactory.create((long) i, x));
        }
        return rows;
    }

    @Test
    void theFooterCountsRowsAndListElementsWithNullAndEmptyListsAsOne() {
        List<Row> rows = List.of(
                RowFactory.create(1L, Arrays.asList(1.0, 2.0, 3.0)),
                RowFactory.create(2L, Arrays.asList(1.0, null, 3.0)),
                RowFactory.create(3L, null),
                RowFactory.create(4L, List.of()));
        Path in = parquet("in", rows, SCHEMA, 1);
        String file = spark.read().parquet(in.toString()).inputFiles()[0];
        var hadoop = spark.sparkContext().hadoopConfiguration();
        assertArrayEquals(new long[] {4, 8}, InputFiles.rowsAndLeafValues(hadoop, file, "features"));
        assertArrayEquals(new long[] {4, 8}, InputFiles.rowsAndLeafValues(hadoop, file, "FEATURES"));
        assertArrayEquals(new long[] {4, 4}, InputFiles.rowsAndLeafValues(hadoop, file, "id"));
        assertNull(InputFiles.rowsAndLeafValues(hadoop, file, "nothing"));
        assertNull(InputFiles.rowsAndLeafValues(hadoop, in.resolve("no-such-file").toString(), "features"));
    }

    /** Spark jobs started while {@code body} runs. */
    static int jobsDuring(Runnable body) throws java.util.concurrent.TimeoutException {
        AtomicInteger jobs = new AtomicInteger();
        SparkListener listener = new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart start) {
                jobs.incrementAndGet();
            }
        };
        spark.sparkContext().addSparkListener(listener);
        try {
            body.run();
            spark.sparkContext().listenerBus().waitUntilEmpty();
        } finally {
            spark.sparkContext().removeSparkListener(listener);
        }
        return jobs.get();
    }

    JobPlan plan(Path in, int... widths) throws Exception {
        GradientJob.Options options = GradientJob.Options.builder(
                model("m", randomNetwork(3, widths)).toString(), in.toString(), tmp.resolve("out").toString()).build();
        try (SessionSettings settings = new SessionSettings(spark)) {
            return JobPlan.resolve(spark, options, settings);
        }
    }

    @Test
    void aFooterThatAgreesSparesTheSparkJob() throws Exception {
        JobPlan plan = plan(parquet("in", rows(50, 4), SCHEMA, 2), 4, 3, 1);
        assertEquals(0, jobsDuring(plan::checkWidth), "the footer says 4 values a row: no job needed");
    }

    @Test
    void aSystematicMismatchIsRefusedFromTheFirstRows() throws Exception {
        JobPlan plan = plan(parquet("in", rows(50, 3), SCHEMA, 2), 4, 3, 1);
        InvalidSetupException e = assertThrows(InvalidSetupException.class, plan::checkWidth);
        assertTrue(e.getMessage().contains("the input's features have 3 entries in its first rows, the model takes 4"),
                e.getMessage());
    }

    @Test
    void aFooterThatDisagreesFallsBackToTheFirstRows() throws Exception {
        List<Row> rows = rows(40, 4); // good rows first, then bad ones: the average is off, the first rows fine
        rows.addAll(rows(10, 7));
        JobPlan plan = plan(parquet("in", rows, SCHEMA, 1), 4, 3, 1);
        assertEquals(1, jobsDuring(plan::checkWidth), "the footer cannot tell: one job reads the first rows");
    }

    /**
     * Planning reads the input's schema from its first file's footer — the schema Spark's own
     * inference gives, nullability and all — without the Spark job that inference runs; and the
     * width check reuses that footer.
     */
    @Test
    void theSchemaComesFromTheFooterWithoutASparkJob() throws Exception {
        Path in = parquet("in", rows(50, 4), SCHEMA, 3);
        JobPlan[] plan = new JobPlan[1];
        assertEquals(0, jobsDuring(() -> {
            try {
                plan[0] = plan(in, 4, 3, 1);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            plan[0].checkWidth();
        }), "planning and the width check start no Spark job");
        assertEquals(spark.read().parquet(in.toString()).schema(), plan[0].input().schema());
        assertTrue(plan[0].firstFooter() != null);
    }

    /** Partition folders (k=v): Spark's inference, which adds their columns. */
    @Test
    void partitionFoldersAreLeftToSparksInference() throws Exception {
        Path in = tmp.resolve("parted");
        spark.createDataFrame(rows(20, 4), SCHEMA).withColumn("part", org.apache.spark.sql.functions.expr("id % 2"))
                .write().partitionBy("part").parquet(in.toString());
        JobPlan plan = plan(in, 4, 3, 1);
        assertNull(plan.firstFooter());
        assertEquals(spark.read().parquet(in.toString()).schema(), plan.input().schema());
        assertTrue(List.of(plan.input().schema().fieldNames()).contains("part"));
    }
}
