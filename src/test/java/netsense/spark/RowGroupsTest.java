package netsense.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import netsense.io.ModelWriter;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The output's Parquet row groups ({@code parquet.block.size}), which each task's writer holds
 * in memory whole: sized from the heap a task may use, with the user's own size kept within it.
 */
class RowGroupsTest {
    static final long MB = 1L << 20;

    @TempDir
    static Path dir;

    @AfterAll
    static void restoreSharedSession() {
        SparkTestBase.stopSession(); // the next test class starts the shared local[2] session again
    }

    @Test
    void rowGroupsAreASixteenthOfTheTaskHeap() {
        assertEquals(32 * MB, JobPlan.rowGroupBytes(512 * MB, 0)); // two tasks in a 1 GiB heap
        assertEquals(64 * MB, JobPlan.rowGroupBytes(1024 * MB, 0));
        // at most parquet-mr's 128 MB, at least the floor
        assertEquals(128 * MB, JobPlan.rowGroupBytes(2048 * MB, 0));
        assertEquals(128 * MB, JobPlan.rowGroupBytes(64L << 30, 0));
        assertEquals(GradientJob.MIN_ROW_GROUP_BYTES, JobPlan.rowGroupBytes(64 * MB, 0));
        assertEquals(GradientJob.MIN_ROW_GROUP_BYTES, JobPlan.rowGroupBytes(0, 0));
        // the user's size stands up to the sixteenth: smaller ones, below the floor too, and above 128 MB
        assertEquals(4 * MB, JobPlan.rowGroupBytes(512 * MB, 4 * MB));
        assertEquals(MB, JobPlan.rowGroupBytes(16 * MB, MB));
        assertEquals(256 * MB, JobPlan.rowGroupBytes(8L << 30, 256 * MB));
        // and is lowered to it above
        assertEquals(32 * MB, JobPlan.rowGroupBytes(512 * MB, 128 * MB));
        assertEquals(GradientJob.MIN_ROW_GROUP_BYTES, JobPlan.rowGroupBytes(16 * MB, 1L << 30));
    }

    @Test
    void theWriterOfGradientsGetsTheRowGroupSize() throws Exception {
        // enough local threads that a task's share of this JVM's heap gives the smallest row groups
        long heap = Runtime.getRuntime().maxMemory();
        int threads = (int) (heap / (16 * GradientJob.MIN_ROW_GROUP_BYTES)) + 1;
        long rowGroup = JobPlan.rowGroupBytes(heap / threads, 0);
        assertEquals(GradientJob.MIN_ROW_GROUP_BYTES, rowGroup);
        // the user's 1 GiB (spark-submit --conf spark.hadoop.parquet.block.size=...) does not fit
        SparkSession spark = SparkTestBase.exclusiveSession("local[" + threads + "]",
                Map.of("spark.hadoop." + JobPlan.ROW_GROUP, String.valueOf(1L << 30)));
        Path model = dir.resolve("m.json");
        ModelWriter.write(SparkTestBase.randomNetwork(1, 784, 4, 1), model);
        // 784 features: 6.3 KB of gradient a row, about 31 MB of output in one task
        Path input = dir.resolve("in");
        SyntheticInputs.generate(spark, 5000, 784, 1, 1, SyntheticInputs.Distribution.UNIFORM)
                .write().parquet(input.toString());

        assertRowGroups(run(spark, model, input, "lowered"), rowGroup);
        spark.sparkContext().hadoopConfiguration().unset(JobPlan.ROW_GROUP);
        assertRowGroups(run(spark, model, input, "sized"), rowGroup);
        assertFalse(spark.conf().contains(JobPlan.ROW_GROUP), "the session's setting is put back after the job");
        // a smaller size of the user's stands
        spark.conf().set(JobPlan.ROW_GROUP, String.valueOf(2 * MB));
        try {
            assertRowGroups(run(spark, model, input, "given"), 2 * MB);
        } finally {
            spark.conf().unset(JobPlan.ROW_GROUP);
        }
    }

    private static Path run(SparkSession spark, Path model, Path input, String name) throws Exception {
        Path out = dir.resolve(name);
        GradientJob.Result r = new GradientJob(spark, GradientJob.Options.of(model.toString(), input.toString(),
                out.toString())).execute();
        assertEquals(5000, r.rows().ok());
        return out.resolve("gradients");
    }

    /** Several row groups in gradients/, each within {@code bytes} and, but a file's last, over half of it. */
    private static void assertRowGroups(Path gradients, long bytes) throws Exception {
        Configuration conf = new Configuration();
        List<Long> sizes = new ArrayList<>();
        for (FileStatus f : FileSystem.getLocal(conf).listStatus(new org.apache.hadoop.fs.Path(gradients.toString()))) {
            if (!f.getPath().getName().endsWith(".parquet")) {
                continue;
            }
            try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(f.getPath(), conf))) {
                List<BlockMetaData> groups = r.getRowGroups();
                for (int i = 0; i < groups.size(); i++) {
                    long size = groups.get(i).getCompressedSize();
                    sizes.add(size);
                    assertTrue(size <= bytes, f.getPath().getName() + ": row group of " + size + " bytes");
                    assertTrue(i == groups.size() - 1 || size > bytes / 2,
                            f.getPath().getName() + ": row group of " + size + " bytes");
                }
            }
        }
        assertTrue(sizes.size() >= 3, "row groups " + sizes);
    }
}
