package netsense.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.hadoop.mapreduce.Job;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * ResultParquetFormat's column writer against Spark's own Parquet writer on the same rows:
 * the footer (schema, Spark's keys, per column chunk the encodings, value counts and
 * statistics) and what Spark reads back; row groups; the shapes left to Spark's writer.
 */
class ResultParquetFormatTest extends SparkTestBase {
    /** A result row's shape with carried columns of every type the column writer takes. */
    static final StructType RESULTS = new StructType()
            .add("id", DataTypes.LongType, true)
            .add("tag", DataTypes.StringType, true)
            .add("flag", DataTypes.BooleanType, true)
            .add("small", DataTypes.ShortType, true)
            .add("tiny", DataTypes.ByteType, true)
            .add("count", DataTypes.IntegerType, false)
            .add("weight", DataTypes.FloatType, true)
            .add("blob", DataTypes.BinaryType, true)
            .add("output", DataTypes.DoubleType, false)
            .add("gradient", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
            .add("floats", DataTypes.createArrayType(DataTypes.FloatType, false), true)
            .add("grad_l1", DataTypes.DoubleType, false);

    static List<Row> rows(int n) {
        List<Row> rows = new ArrayList<>();
        java.util.Random rnd = new java.util.Random(3);
        for (int i = 0; i < n; i++) {
            boolean nulls = i % 7 == 3;
            double[] g = new double[i % 11 == 5 ? 0 : 16]; // now and then an empty vector
            for (int k = 0; k < g.length; k++) {
                g[k] = k == 3 && i % 13 == 0 ? -0.0 : rnd.nextGaussian() * Math.pow(10, rnd.nextInt(-5, 5));
            }
            float[] f = nulls ? null : new float[] {rnd.nextFloat(), Float.NaN, -1f};
            rows.add(RowFactory.create(nulls ? null : (long) i * 31 - 500, nulls ? null : "tag-" + (i % 5) + "-ü",
                    nulls ? null : i % 2 == 0, nulls ? null : (short) (i - 300), nulls ? null : (byte) i, i,
                    nulls ? null : (float) i / 3, nulls ? null : new byte[] {(byte) i, 7}, rnd.nextDouble(), g, f,
                    i == 8 ? Double.MAX_VALUE : Math.abs(rnd.nextGaussian())));
        }
        return rows;
    }

    private Dataset<Row> frame(List<Row> rows) {
        return spark.createDataFrame(rows, RESULTS).coalesce(1);
    }

    @Test
    void writesTheFileSparksWriterWrites() throws IOException {
        List<Row> rows = rows(3000);
        String ours = tmp.resolve("ours").toString();
        String theirs = tmp.resolve("theirs").toString();
        // the job's settings: no dictionary for the result columns
        Map<String, String> options = GradientJob.plainEncoded(RESULTS, 8);
        long levelWriters = LevelWriters.installed();
        frame(rows).write().format(ResultParquetFormat.class.getName()).options(options).save(ours);
        assertTrue(LevelWriters.installed() > levelWriters, "the column writer's level writers are netsense's");
        frame(rows).write().options(options).parquet(theirs);

        ParquetMetadata a = footer("ours");
        ParquetMetadata b = footer("theirs");
        assertEquals(b.getFileMetaData().getSchema(), a.getFileMetaData().getSchema());
        assertEquals(new TreeMap<>(b.getFileMetaData().getKeyValueMetaData()),
                new TreeMap<>(a.getFileMetaData().getKeyValueMetaData()), "Spark's schema and version keys");
        assertEquals(chunks(b), chunks(a), "per column chunk: codec, encodings, values, statistics");
        assertEquals(chunkBytes("theirs", b), chunkBytes("ours", a), "per column chunk: its pages, byte for byte");

        Dataset<Row> back = spark.read().parquet(ours);
        assertEquals(spark.read().parquet(theirs).schema(), back.schema());
        assertEquals(show(spark.read().parquet(theirs).collectAsList()), show(back.collectAsList()));
        assertEquals(show(rows), show(back.collectAsList()), "the rows written, in order");
    }

    @Test
    void rowGroupsCloseAtTheirSize() throws IOException {
        List<Row> rows = rows(20_000);
        String ours = tmp.resolve("groups").toString();
        frame(rows).write().format(ResultParquetFormat.class.getName()).option("parquet.block.size", "262144")
                .save(ours);
        ParquetMetadata f = footer("groups");
        assertTrue(f.getBlocks().size() >= 4, "several row groups: " + f.getBlocks().size());
        long total = 0;
        for (BlockMetaData block : f.getBlocks()) {
            total += block.getRowCount();
            assertTrue(block.getTotalByteSize() < 2 * 262144, "a row group near its size: " + block.getTotalByteSize());
        }
        assertEquals(rows.size(), total);
        assertEquals(show(rows), show(spark.read().parquet(ours).collectAsList()));
    }

    @Test
    void theResultRowsShapeTakesTheColumnWriterOthersSparks() throws IOException {
        assertTrue(ResultParquetFormat.supports(RESULTS));
        Job job = Job.getInstance(spark.sparkContext().hadoopConfiguration());
        scala.collection.immutable.Map<String, String> none = scala.collection.immutable.Map$.MODULE$.empty();
        assertTrue(new ResultParquetFormat().prepareWrite(spark, job, none, RESULTS)
                instanceof ResultParquetFormat.Factory, "the column writer for result rows");
        for (StructType other : List.of(
                new StructType().add("d", DataTypes.createDecimalType(10, 2)),
                new StructType().add("t", DataTypes.TimestampType),
                new StructType().add("day", DataTypes.DateType),
                new StructType().add("m", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType)),
                new StructType().add("s", new StructType().add("x", DataTypes.DoubleType)),
                new StructType().add("v", DataTypes.createArrayType(DataTypes.DoubleType, true)),
                new StructType().add("vv", DataTypes.createArrayType(
                        DataTypes.createArrayType(DataTypes.DoubleType, false), false)))) {
            assertFalse(ResultParquetFormat.supports(other), other.simpleString());
            Job j = Job.getInstance(spark.sparkContext().hadoopConfiguration());
            assertFalse(new ResultParquetFormat().prepareWrite(spark, j, none, other)
                    instanceof ResultParquetFormat.Factory, other.simpleString());
        }
        Job perColumn = Job.getInstance(spark.sparkContext().hadoopConfiguration());
        perColumn.getConfiguration().set("parquet.column.statistics.enabled#tag", "false");
        assertFalse(new ResultParquetFormat().prepareWrite(spark, perColumn, none, RESULTS)
                instanceof ResultParquetFormat.Factory, "a per-column setting besides the dictionary's: Spark's writer");
        Job dictionary = Job.getInstance(spark.sparkContext().hadoopConfiguration());
        dictionary.getConfiguration().set("parquet.enable.dictionary#tag", "false");
        assertTrue(new ResultParquetFormat().prepareWrite(spark, dictionary, none, RESULTS)
                instanceof ResultParquetFormat.Factory, "the dictionary's per column: the column writer");
        Job legacy = Job.getInstance(spark.sparkContext().hadoopConfiguration());
        spark.conf().set("spark.sql.parquet.writeLegacyFormat", "true");
        try {
            assertFalse(new ResultParquetFormat().prepareWrite(spark, legacy, none, RESULTS)
                    instanceof ResultParquetFormat.Factory, "Spark's legacy list layout: Spark's writer");
        } finally {
            spark.conf().unset("spark.sql.parquet.writeLegacyFormat");
        }
        // and through Spark's writer, other shapes are written as Spark writes them
        StructType decimals = new StructType().add("id", DataTypes.LongType).add("d", DataTypes.createDecimalType(10, 2))
                .add("gradient", DataTypes.createArrayType(DataTypes.DoubleType, false));
        List<Row> rows = List.of(RowFactory.create(1L, new BigDecimal("3.25"), new double[] {1, 2}),
                RowFactory.create(2L, null, new double[] {}));
        String path = tmp.resolve("decimals").toString();
        spark.createDataFrame(rows, decimals).coalesce(1).write().format(ResultParquetFormat.class.getName()).save(path);
        assertEquals(show(rows), show(spark.read().parquet(path).collectAsList()));
    }

    @Test
    void aFailedWriteLeavesNoFooterAndClosesQuietly() throws IOException {
        Job job = Job.getInstance(spark.sparkContext().hadoopConfiguration());
        var factory = new ResultParquetFormat().prepareWrite(spark, job,
                scala.collection.immutable.Map$.MODULE$.<String, String>empty(), RESULTS);
        var task = new org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl(job.getConfiguration(),
                new org.apache.hadoop.mapreduce.TaskAttemptID("t", 0, org.apache.hadoop.mapreduce.TaskType.MAP, 0, 0));
        java.nio.file.Path file = tmp.resolve("failed.parquet");
        var writer = factory.newInstance(file.toString(), RESULTS, task);
        Object[] values = new Object[RESULTS.size()];
        values[5] = 1;
        values[8] = 0.5;
        values[9] = 0.25; // a double where the gradient's array goes
        values[11] = 1.0;
        var bad = new org.apache.spark.sql.catalyst.expressions.GenericInternalRow(values);
        org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> writer.write(bad));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> writer.write(bad),
                "no write after a failed one");
        writer.close(); // quietly: Spark closes a failed task's writers before it deletes their files
        writer.close();
        org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> ParquetFileReader.open(
                HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toString()),
                        spark.sparkContext().hadoopConfiguration())).close(), "no footer: not a Parquet file");
    }

    /** The one Parquet file a write of one partition left in {@code dir}. */
    private java.nio.file.Path partFile(String dir) throws IOException {
        try (Stream<java.nio.file.Path> files = Files.list(tmp.resolve(dir))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
        }
    }

    private ParquetMetadata footer(String dir) throws IOException {
        java.nio.file.Path file = partFile(dir);
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(file.toString()), spark.sparkContext().hadoopConfiguration()))) {
            return reader.getFooter();
        }
    }

    /** Each column chunk's bytes as stored (page headers, levels, values), row group by row group. */
    private List<String> chunkBytes(String dir, ParquetMetadata footer) throws IOException {
        java.nio.file.Path file = partFile(dir);
        byte[] all = Files.readAllBytes(file);
        List<String> out = new ArrayList<>();
        for (BlockMetaData block : footer.getBlocks()) {
            for (ColumnChunkMetaData c : block.getColumns()) {
                int from = (int) c.getStartingPos();
                out.add(c.getPath() + " " + java.util.HexFormat.of().formatHex(all, from, from + (int) c.getTotalSize()));
            }
        }
        return out;
    }

    /** Each column chunk's path, codec, encodings, value count and statistics, row group by row group. */
    static List<String> chunks(ParquetMetadata footer) {
        List<String> out = new ArrayList<>();
        for (BlockMetaData block : footer.getBlocks()) {
            out.add("rows " + block.getRowCount());
            for (ColumnChunkMetaData c : block.getColumns()) {
                out.add(c.getPath() + " " + c.getCodec() + " " + new java.util.TreeSet<>(c.getEncodings()) + " "
                        + c.getValueCount() + " " + c.getStatistics());
            }
        }
        return out;
    }

    /** Rows as text, arrays by their values. */
    static List<String> show(List<Row> rows) {
        List<String> out = new ArrayList<>();
        for (Row r : rows) {
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < r.size(); i++) {
                Object v = r.get(i);
                s.append(v instanceof double[] d ? java.util.Arrays.toString(d)
                        : v instanceof float[] f ? java.util.Arrays.toString(f)
                        : v instanceof byte[] b ? java.util.Arrays.toString(b)
                        : v instanceof scala.collection.Seq<?> q ? q.mkString("[", ", ", "]")
                        : String.valueOf(v)).append(" | ");
            }
            out.add(s.toString());
        }
        return out;
    }
}
