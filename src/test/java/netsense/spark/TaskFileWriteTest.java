package netsense.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.junit.jupiter.api.Test;

/**
 * TaskFileWrite against Spark's own write of the same RDD of rows (a DataFrame over it,
 * {@code write().format(...).save}): the files — names but for the job's id, one per task and
 * none for an empty task but the first, rolled at maxRecordsPerFile, _SUCCESS — their footers
 * and the rows read back; a failed task leaves no file. A Spark upgrade that changes the commit
 * protocol's API or the files a write makes fails here.
 */
class TaskFileWriteTest extends SparkTestBase {
    private static final Map<String, String> OPTIONS = GradientJob.plainEncoded(ResultParquetFormatTest.RESULTS, 8);

    /** The rows as Spark's compact rows, in {@code partitions} slices (the first of them empty when rows are few). */
    private JavaRDD<InternalRow> internal(List<Row> rows, int partitions) {
        var encoder = org.apache.spark.sql.catalyst.encoders.RowEncoder.encoderFor(ResultParquetFormatTest.RESULTS);
        var toInternal = org.apache.spark.sql.catalyst.encoders.ExpressionEncoder.apply(encoder).createSerializer();
        UnsafeProjection compact = UnsafeProjection.create(ResultParquetFormatTest.RESULTS);
        List<InternalRow> list = rows.stream().map(r -> (InternalRow) compact.apply(toInternal.apply(r)).copy()).toList();
        return JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(list, partitions);
    }

    private void sparkWrite(JavaRDD<InternalRow> rows, Map<String, String> options, String dir) {
        InternalRows.toDataFrame(spark, rows.rdd(), ResultParquetFormatTest.RESULTS).write()
                .format(ResultParquetFormat.class.getName()).options(options).save(tmp.resolve(dir).toString());
    }

    private void ourWrite(JavaRDD<InternalRow> rows, Map<String, String> options, String dir) throws IOException {
        TaskFileWrite.write(spark, rows, ResultParquetFormatTest.RESULTS, new ResultParquetFormat(), options,
                tmp.resolve(dir).toString());
    }

    /** The folder's file names, the write's id (a UUID) taken out. */
    private List<String> names(String dir) throws IOException {
        try (Stream<java.nio.file.Path> files = Files.list(tmp.resolve(dir))) {
            return files.map(p -> p.getFileName().toString().replaceAll("[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", "ID"))
                    .filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }

    /** The names with the codec taken out (the session's). */
    private List<String> withoutCodec(String dir) throws IOException {
        return names(dir).stream().map(n -> n.replaceAll("\\.[a-z0-9]+\\.parquet$", ".parquet")).toList();
    }

    private ParquetMetadata footer(String dir, String name) throws IOException {
        java.nio.file.Path file;
        try (Stream<java.nio.file.Path> files = Files.list(tmp.resolve(dir))) {
            String prefix = name.substring(0, name.indexOf("ID"));
            String suffix = name.substring(name.indexOf("ID") + 2);
            file = files.filter(p -> p.getFileName().toString().startsWith(prefix)
                    && p.getFileName().toString().contains(suffix)).findFirst().orElseThrow();
        }
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(file.toString()), spark.sparkContext().hadoopConfiguration()))) {
            return reader.getFooter();
        }
    }

    private void assertSameFolders(String theirs, String ours) throws IOException {
        List<String> names = names(theirs);
        assertEquals(names, names(ours), "the same files");
        assertTrue(names.contains("_SUCCESS"), names.toString());
        for (String name : names) {
            if (name.endsWith(".parquet")) {
                ParquetMetadata a = footer(ours, name);
                ParquetMetadata b = footer(theirs, name);
                assertEquals(b.getFileMetaData().getSchema(), a.getFileMetaData().getSchema(), name);
                assertEquals(new TreeMap<>(b.getFileMetaData().getKeyValueMetaData()),
                        new TreeMap<>(a.getFileMetaData().getKeyValueMetaData()), name);
                assertEquals(ResultParquetFormatTest.chunks(b), ResultParquetFormatTest.chunks(a), name);
            }
        }
        Dataset<Row> back = spark.read().parquet(tmp.resolve(ours).toString());
        assertEquals(spark.read().parquet(tmp.resolve(theirs).toString()).schema(), back.schema());
        assertEquals(ResultParquetFormatTest.show(spark.read().parquet(tmp.resolve(theirs).toString()).collectAsList()),
                ResultParquetFormatTest.show(back.collectAsList()));
    }

    @Test
    void writesTheFilesSparksWriteMakes() throws IOException {
        List<Row> rows = ResultParquetFormatTest.rows(3000);
        JavaRDD<InternalRow> rdd = internal(rows, 3);
        sparkWrite(rdd, OPTIONS, "theirs");
        ourWrite(rdd, OPTIONS, "ours");

        assertSameFolders("theirs", "ours");
        assertEquals(List.of("_SUCCESS", "part-00000-ID-c000.parquet", "part-00001-ID-c000.parquet",
                "part-00002-ID-c000.parquet"), withoutCodec("ours"));
        List<String> written = ResultParquetFormatTest.show(rows).stream().sorted().toList();
        List<String> read = ResultParquetFormatTest.show(spark.read().parquet(tmp.resolve("ours").toString())
                .collectAsList()).stream().sorted().toList();
        assertTrue(written.equals(read), "the rows written are the rows read back");
    }

    private static final java.util.Queue<String> DESCRIPTIONS = new java.util.concurrent.ConcurrentLinkedQueue<>();

    private static Iterator<InternalRow> recordingTheJobsDescription(Iterator<InternalRow> rows) {
        DESCRIPTIONS.add(String.valueOf(org.apache.spark.TaskContext.get().getLocalProperty("spark.job.description")));
        return rows;
    }

    @Test
    void theJobIsDescribedAsAskedAndTheDescriptionBeforeComesBack() throws IOException {
        DESCRIPTIONS.clear();
        spark.sparkContext().setJobDescription("the caller's");
        try {
            TaskFileWrite.write(spark, internal(ResultParquetFormatTest.rows(20), 2)
                            .mapPartitions(TaskFileWriteTest::recordingTheJobsDescription),
                    ResultParquetFormatTest.RESULTS, new ResultParquetFormat(), OPTIONS,
                    tmp.resolve("described").toString(), "netsense gradients: in → out");
            assertEquals(List.of("netsense gradients: in → out", "netsense gradients: in → out"),
                    List.copyOf(DESCRIPTIONS));
            assertEquals("the caller's", spark.sparkContext().getLocalProperty("spark.job.description"));
        } finally {
            spark.sparkContext().setJobDescription(null);
        }
    }

    @Test
    void anEmptyTaskWritesNoFileButTheFirst() throws IOException {
        JavaRDD<InternalRow> rdd = internal(ResultParquetFormatTest.rows(2), 4); // slices: 0, 1, 0, 1 rows
        sparkWrite(rdd, OPTIONS, "theirs");
        ourWrite(rdd, OPTIONS, "ours");

        assertSameFolders("theirs", "ours");
        assertEquals(List.of("_SUCCESS", "part-00000-ID-c000.parquet", "part-00001-ID-c000.parquet",
                "part-00003-ID-c000.parquet"), withoutCodec("ours"));

        JavaRDD<InternalRow> none = internal(List.of(), 2);
        ourWrite(none, OPTIONS, "empty");
        assertEquals(List.of("_SUCCESS", "part-00000-ID-c000.parquet"), withoutCodec("empty"));
        assertEquals(ResultParquetFormatTest.RESULTS.fieldNames().length,
                spark.read().parquet(tmp.resolve("empty").toString()).schema().size(), "the schema, no rows");

        JavaRDD<InternalRow> noPartitions = JavaSparkContext.fromSparkContext(spark.sparkContext()).emptyRDD();
        assertEquals(0, noPartitions.getNumPartitions());
        ourWrite(noPartitions, OPTIONS, "no-partitions");
        assertEquals(List.of("_SUCCESS", "part-00000-ID-c000.parquet"), withoutCodec("no-partitions"));
        assertEquals(0, spark.read().parquet(tmp.resolve("no-partitions").toString()).count());
    }

    @Test
    void filesRollOverAtMaxRecordsPerFile() throws IOException {
        JavaRDD<InternalRow> rdd = internal(ResultParquetFormatTest.rows(10), 1);
        Map<String, String> options = new java.util.HashMap<>(OPTIONS);
        options.put("MaxRecordsPerFile", "4"); // option names ignore case
        sparkWrite(rdd, options, "theirs");
        ourWrite(rdd, options, "ours");

        assertSameFolders("theirs", "ours");
        assertEquals(List.of("_SUCCESS", "part-00000-ID-c000.parquet", "part-00000-ID-c001.parquet",
                "part-00000-ID-c002.parquet"), withoutCodec("ours"));
        assertEquals(List.of(4L, 4L, 2L), List.of(
                footer("ours", "part-00000-ID-c000").getBlocks().get(0).getRowCount(),
                footer("ours", "part-00000-ID-c001").getBlocks().get(0).getRowCount(),
                footer("ours", "part-00000-ID-c002").getBlocks().get(0).getRowCount()));
    }

    /** Task 1's rows, failing at its 150th. */
    private static Iterator<InternalRow> failingAt150InTask1(int partition, Iterator<InternalRow> rows) {
        return new Iterator<>() {
            private int n;

            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public InternalRow next() {
                if (partition == 1 && ++n == 150) {
                    throw new IllegalStateException("injected: row 150 of task 1");
                }
                return rows.next();
            }
        };
    }

    @Test
    void aFailedTaskLeavesNoFile() throws IOException {
        JavaRDD<InternalRow> rdd = internal(ResultParquetFormatTest.rows(400), 2)
                .mapPartitionsWithIndex(TaskFileWriteTest::failingAt150InTask1, false);

        Exception e = assertThrows(Exception.class, () -> ourWrite(rdd, OPTIONS, "failed"));

        assertTrue(String.valueOf(e.getMessage()).contains("injected: row 150 of task 1"), e.getMessage());
        java.nio.file.Path folder = tmp.resolve("failed");
        if (Files.exists(folder)) {
            try (Stream<java.nio.file.Path> files = Files.walk(folder)) {
                List<String> left = files.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                        .filter(n -> !n.startsWith(".")).toList();
                assertEquals(List.of(), left, "no data file and no _SUCCESS");
            }
        }
        assertFalse(Files.exists(folder.resolve("_SUCCESS")));
    }
}
