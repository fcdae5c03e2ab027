package netsense.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.sql.Date;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * DriverParquet (Spark's Parquet writer driven by the driver, no job) against a Spark write of
 * the same rows: what Spark reads back — schema, nullability, values, order — and the files.
 * A Spark upgrade that changes the file format's writer API fails here.
 */
class DriverParquetTest extends SparkTestBase {
    private static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.LongType, true)
            .add("tag", DataTypes.StringType, true)
            .add("day", DataTypes.DateType, true)
            .add("features", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
            .add("output", DataTypes.DoubleType, false)
            .add("gradient", DataTypes.createArrayType(DataTypes.FloatType, false), false);

    private static List<Row> rows() {
        return List.of(
                RowFactory.create(7L, "a", Date.valueOf("2024-02-29"), new double[] {1.5, -0.0}, 0.25,
                        new float[] {1f, 2f}),
                RowFactory.create(null, null, null, new double[] {Double.MIN_VALUE, 1e308}, -3.0, new float[] {0f, -1f}),
                RowFactory.create(-1L, "ü€", Date.valueOf("1900-01-01"), new double[] {2, 3}, 1.0, new float[] {5f, 6f}));
    }

    private static List<InternalRow> internal(List<Row> rows) {
        var encoder = org.apache.spark.sql.catalyst.encoders.RowEncoder.encoderFor(SCHEMA);
        var toInternal = org.apache.spark.sql.catalyst.encoders.ExpressionEncoder.apply(encoder).createSerializer();
        UnsafeProjection compact = UnsafeProjection.create(SCHEMA);
        return rows.stream().map(r -> (InternalRow) compact.apply(toInternal.apply(r)).copy()).toList();
    }

    @Test
    void readsBackAsASparkWriteOfTheSameRows() throws IOException {
        String ours = tmp.resolve("ours").toString();
        DriverParquet.write(spark, SCHEMA, internal(rows()), ours);
        String theirs = tmp.resolve("theirs").toString();
        spark.createDataFrame(rows(), SCHEMA).coalesce(1).write().parquet(theirs);

        Dataset<Row> a = spark.read().parquet(ours);
        Dataset<Row> b = spark.read().parquet(theirs);
        assertEquals(b.schema(), a.schema());
        assertEquals(SCHEMA.fieldNames().length, a.schema().size());
        assertEquals(b.collectAsList().toString(), a.collectAsList().toString());
        assertEquals(3, a.count());
        assertTrue(Files.exists(tmp.resolve("ours/_SUCCESS")));
        assertEquals(parquetFiles("theirs"), parquetFiles("ours"), "one file of the session's codec");
    }

    @Test
    void anEmptyOutputHasTheSchemaAndNoRows() throws IOException {
        String ours = tmp.resolve("empty").toString();
        DriverParquet.write(spark, SCHEMA, List.of(), ours);
        String theirs = tmp.resolve("theirs-empty").toString();
        spark.createDataFrame(List.of(), SCHEMA).coalesce(1).write().parquet(theirs);
        Dataset<Row> a = spark.read().parquet(ours);
        assertEquals(spark.read().parquet(theirs).schema(), a.schema());
        assertEquals(0, a.count());
    }

    @Test
    void theSessionsCodecIsUsed() throws IOException {
        String before = spark.conf().get("spark.sql.parquet.compression.codec");
        spark.conf().set("spark.sql.parquet.compression.codec", "zstd");
        try {
            DriverParquet.write(spark, SCHEMA, internal(rows()), tmp.resolve("zstd").toString());
        } finally {
            spark.conf().set("spark.sql.parquet.compression.codec", before);
        }
        assertEquals(List.of(".zstd.parquet"), parquetFiles("zstd"));
        assertEquals(3, spark.read().parquet(tmp.resolve("zstd").toString()).count());
    }

    /**
     * The write's options reach the writer as a Spark write's do: dictionary encoding off for the
     * numbers (GradientJob.plainEncoded) and on, by default, for the rest — column by column the
     * same encodings as Spark's write of the same rows with the same options.
     */
    @Test
    void theWritesOptionsAreHonoured() throws IOException {
        List<Row> many = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) { // few distinct values: a dictionary where one is allowed
            many.add(rows().get(i % 3));
        }
        java.util.Map<String, String> plain = GradientJob.plainEncoded(SCHEMA, 3);
        DriverParquet.write(spark, SCHEMA, internal(many), tmp.resolve("plain").toString(), plain);
        spark.createDataFrame(many, SCHEMA).coalesce(1).write().options(plain)
                .parquet(tmp.resolve("plain-spark").toString());
        List<String> ours = encodings("plain");
        assertEquals(encodings("plain-spark"), ours);
        for (String column : ours) {
            boolean dictionary = column.contains("DICTIONARY");
            boolean number = column.startsWith("[features") || column.startsWith("[output")
                    || column.startsWith("[gradient");
            assertEquals(!number, dictionary, column);
        }
        assertEquals(300, spark.read().parquet(tmp.resolve("plain").toString()).count());
    }

    /** Each column chunk's path and encodings, of the folder's one data file. */
    private List<String> encodings(String dir) throws IOException {
        java.nio.file.Path file;
        try (Stream<java.nio.file.Path> files = Files.list(tmp.resolve(dir))) {
            file = files.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
        }
        try (org.apache.parquet.hadoop.ParquetFileReader reader = org.apache.parquet.hadoop.ParquetFileReader.open(
                org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toString()),
                        spark.sparkContext().hadoopConfiguration()))) {
            List<String> out = new java.util.ArrayList<>();
            for (var block : reader.getFooter().getBlocks()) {
                for (var c : block.getColumns()) {
                    out.add(c.getPath() + " " + new java.util.TreeSet<>(c.getEncodings()));
                }
            }
            return out;
        }
    }

    @Test
    void anExistingFolderIsRefused() throws IOException {
        Files.createDirectories(tmp.resolve("there"));
        assertThrows(IOException.class,
                () -> DriverParquet.write(spark, SCHEMA, List.of(), tmp.resolve("there").toString()));
        try (Stream<java.nio.file.Path> files = Files.list(tmp.resolve("there"))) {
            assertEquals(0, files.count(), "nothing written into it");
        }
    }

    /** The data files' endings (codec and format), sorted. */
    private List<String> parquetFiles(String dir) throws IOException {
        try (Stream<java.nio.file.Path> files = Files.list(tmp.resolve(dir))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("part-"))
                    .map(n -> n.substring(n.indexOf('.'))).sorted().toList();
        }
    }
}
