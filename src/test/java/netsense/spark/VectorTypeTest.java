package netsense.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import netsense.core.Network;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

/** {@code --vector-type float}: float gradients on disk, the statistics those of float64. */
class VectorTypeTest extends SparkTestBase {
    private static long bytes(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".parquet"))
                    .mapToLong(f -> f.toFile().length()).sum();
        }
    }

    @Test
    void floatGradientsAreTheDoubleOnesRoundedAndHalfTheSize() throws Exception {
        Network net = randomNetwork(5, 64, 8, 1);
        Path input = parquet("in", GradientJobTest.randomRows(3, 3000, 64), GradientJobTest.SCHEMA, 2);
        String model = model("m", net).toString();
        Path doubles = tmp.resolve("double");
        Path floats = tmp.resolve("float");
        new GradientJob(spark, GradientJob.Options.builder(model, input.toString(), doubles.toString()).build())
                .execute();
        new GradientJob(spark, GradientJob.Options.builder(model, input.toString(), floats.toString())
                .vectorType(VectorType.FLOAT).build()).execute();

        ArrayType type = (ArrayType) spark.read().parquet(floats.resolve("gradients").toString()).schema()
                .apply("gradient").dataType();
        assertEquals(DataTypes.FloatType, type.elementType());
        List<Row> d = readSorted(doubles.resolve("gradients"), "id");
        List<Row> f = readSorted(floats.resolve("gradients"), "id");
        assertEquals(d.size(), f.size());
        for (int i = 0; i < d.size(); i++) {
            double[] g = doubles(d.get(i), "gradient");
            List<Float> h = f.get(i).getList(f.get(i).fieldIndex("gradient"));
            for (int j = 0; j < g.length; j++) {
                assertEquals((float) g[j], h.get(j), 0f, "row " + i + " entry " + j);
            }
            assertEquals(d.get(i).getDouble(d.get(i).fieldIndex("grad_l2")),
                    f.get(i).getDouble(f.get(i).fieldIndex("grad_l2")), 0, "norms come from the float64 gradient");
        }
        assertEquals(summary(doubles).get("dimensions"), summary(floats).get("dimensions"),
                "the statistics are float64's");
        long doubleBytes = bytes(doubles.resolve("gradients"));
        long floatBytes = bytes(floats.resolve("gradients"));
        assertTrue(floatBytes < 0.7 * doubleBytes, "float " + floatBytes + " bytes, double " + doubleBytes);
    }

    @Test
    void gradientsAreZstdUnlessTheSessionSaysOtherwise() throws Exception {
        Path input = parquet("in", GradientJobTest.randomRows(3, 100, 4), GradientJobTest.SCHEMA, 1);
        String model = model("m", randomNetwork(5, 4, 3, 1)).toString();
        new GradientJob(spark, GradientJob.Options.builder(model, input.toString(), tmp.resolve("a").toString())
                .build()).execute();
        assertTrue(parquetNames(tmp.resolve("a/gradients")).stream().allMatch(n -> n.endsWith(".zstd.parquet")),
                parquetNames(tmp.resolve("a/gradients")).toString());
        assertEquals(false, spark.conf().contains("spark.sql.parquet.compression.codec"), "the setting is the job's");
        spark.conf().set("spark.sql.parquet.compression.codec", "snappy");
        try {
            new GradientJob(spark, GradientJob.Options.builder(model, input.toString(), tmp.resolve("b").toString())
                    .build()).execute();
        } finally {
            spark.conf().unset("spark.sql.parquet.compression.codec");
        }
        assertTrue(parquetNames(tmp.resolve("b/gradients")).stream().allMatch(n -> n.endsWith(".snappy.parquet")),
                parquetNames(tmp.resolve("b/gradients")).toString());
    }

    /**
     * Gradients, outputs and norms are written without a Parquet dictionary (continuous doubles:
     * one never pays), in both list layouts; a carried column keeps Spark's default, a dictionary
     * where it pays (a column of three strings). The network is linear, so that every row has the
     * same gradient — where Spark's default would keep a dictionary for the results too.
     */
    @Test
    void resultColumnsArePlainEncodedCarriedColumnsKeepTheirDictionary() throws Exception {
        Path rows = parquet("rows", GradientJobTest.randomRows(3, 2000, 4), GradientJobTest.SCHEMA, 1);
        Path input = tmp.resolve("in");
        spark.read().parquet(rows.toString()).withColumn("segment", org.apache.spark.sql.functions.expr(
                "cast(pmod(id, 3) as string)")).coalesce(1).write().parquet(input.toString());
        String model = model("m", netsense.core.RandomNetworks.gaussian(5, new int[] {4, 3, 1},
                netsense.core.Activation.IDENTITY, netsense.core.Activation.IDENTITY, 1)).toString();
        Path out = tmp.resolve("out");
        new GradientJob(spark, GradientJob.Options.builder(model, input.toString(), out.toString())
                .keepCols(List.of("segment")).build()).execute();
        java.util.Map<String, Boolean> dictionary = new java.util.TreeMap<>();
        for (String name : parquetNames(out.resolve("gradients"))) {
            org.apache.parquet.hadoop.util.HadoopInputFile file = org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(
                    new org.apache.hadoop.fs.Path(out.resolve("gradients").resolve(name).toString()),
                    spark.sparkContext().hadoopConfiguration());
            try (org.apache.parquet.hadoop.ParquetFileReader reader = org.apache.parquet.hadoop.ParquetFileReader.open(file)) {
                for (org.apache.parquet.hadoop.metadata.BlockMetaData block : reader.getFooter().getBlocks()) {
                    for (org.apache.parquet.hadoop.metadata.ColumnChunkMetaData c : block.getColumns()) {
                        dictionary.merge(c.getPath().toDotString(), c.hasDictionaryPage(), Boolean::logicalOr);
                    }
                }
            }
        }
        assertEquals(java.util.Map.of("id", false, "segment", true, "output", false, "gradient.list.element", false, "grad_l1", false,
                "grad_l2", false, "grad_linf", false), dictionary);
        assertEquals(java.util.Map.of("parquet.enable.dictionary#output", "false",
                "parquet.enable.dictionary#gradient.list.element.list.element", "false",
                "parquet.enable.dictionary#gradient.array.array", "false"),
                GradientJob.plainEncoded(DataTypes.createStructType(List.of(
                        DataTypes.createStructField("output", DataTypes.DoubleType, false),
                        DataTypes.createStructField("gradient", DataTypes.createArrayType(
                                DataTypes.createArrayType(DataTypes.DoubleType)), false))), 0),
                "--output-index all: arrays of arrays");
    }

    private static List<String> parquetNames(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".parquet")).toList();
        }
    }
}
