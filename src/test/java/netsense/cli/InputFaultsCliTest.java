package netsense.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import netsense.spark.SparkTestBase;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Issue 9, input faults, as the command line reports them. */
class InputFaultsCliTest extends SparkTestBase {
    static final StructType SCHEMA = new StructType().add("id", DataTypes.LongType)
            .add("features", DataTypes.createArrayType(DataTypes.DoubleType, false))
            .add("Output", DataTypes.StringType);
    Path model;
    Path input;

    @BeforeEach
    void inputs() throws Exception {
        model = model("m", randomNetwork(1, 3, 4, 1));
        List<Row> rows = new ArrayList<>();
        for (long i = 0; i < 20; i++) {
            rows.add(RowFactory.create(i, new double[] {i / 20.0, 0.5, -0.5}, "o" + i));
        }
        input = parquet("in", rows, SCHEMA, 2);
    }

    CliTest.Run gradients(String... extra) {
        List<String> args = new ArrayList<>(List.of("gradients", "--model", model.toString(), "--input",
                input.toString(), "--output", tmp.resolve("out").toString()));
        args.addAll(List.of(extra));
        return CliTest.run(args.toArray(new String[0]));
    }

    void refused(CliTest.Run r, String line) {
        assertEquals(2, r.status(), r.err());
        assertEquals("netsense gradients: " + line + "\n", r.err());
        assertFalse(Files.exists(tmp.resolve("out")), "nothing written");
    }

    static String lastLine(String err) {
        String[] lines = err.strip().split("\n");
        return lines[lines.length - 1];
    }

    @Test
    void aFolderWithoutParquetFilesIsAWrongCommand() throws Exception {
        input = tmp.resolve("empty");
        Files.createDirectories(input);
        refused(gradients(), "the input " + input + " holds no Parquet files");
        Files.writeString(input.resolve("_SUCCESS"), "");
        refused(gradients(), "the input " + input + " holds no Parquet files");
    }

    @Test
    void zeroRowsIsAValidRun() throws Exception {
        input = parquet("none", List.of(), SCHEMA, 1);
        CliTest.Run r = gradients();
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("rows      0 in, 0 ok, 0 rejected"), r.out());
        assertTrue(Files.exists(tmp.resolve("out").resolve("report.html")));
        assertTrue(summary(tmp.resolve("out")).at("/output/mean").isNull());
    }

    @Test
    void aCorruptFileEndsWithOneLineNamingIt() throws Exception {
        Path part;
        try (Stream<Path> s = Files.list(input)) {
            part = s.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().findFirst().orElseThrow();
        }
        try (RandomAccessFile f = new RandomAccessFile(part.toFile(), "rw")) {
            f.setLength(f.length() - 20);
        }
        CliTest.Run r = gradients();
        assertEquals(1, r.status(), r.err());
        String last = lastLine(r.err());
        assertTrue(last.startsWith("netsense gradients: failed: cannot read the input file "), last);
        assertTrue(last.contains(part.getFileName().toString()), last);
        assertTrue(last.endsWith("(--ignore-corrupt-files skips such files)"), last);
        assertTrue(r.err().contains("\tat "), "Spark's stack trace before it");
        assertFalse(Files.exists(tmp.resolve("out")), "nothing written");

        CliTest.Run skip = gradients("--ignore-corrupt-files");
        assertEquals(0, skip.status(), skip.err());
        assertTrue(Files.readString(tmp.resolve("out").resolve("summary.json")).contains(part.getFileName().toString()));
    }

    @Test
    void aCaseVariantOfAnOutputColumnIsRefused() {
        refused(gradients("--keep-cols", "Output"), "carried column \"Output\" would clash with the output column"
                + " \"output\" (column names are case-insensitive)");
        refused(gradients("--keep-cols", "output"), "carried column \"Output\" would clash with the output column"
                + " \"output\" (column names are case-insensitive)");
        CliTest.Run r = gradients("--id-col", "ID");
        assertEquals(0, r.status(), r.err());
    }

    @Test
    void aBlockBeyondAnIntIndexOrMemoryIsRefused() throws Exception {
        refused(gradients("--block-rows", "1000000000"), "--block-rows 1000000000 × 4 entries (the widest layer) is more"
                + " than a Java array holds (2,147,483,647 entries); use at most 536,870,911");
        model = model("wide", randomNetwork(1, 100_000, 1));
        CliTest.Run r = gradients("--block-rows", "20000");
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().startsWith("netsense gradients: --block-rows 20000 needs "), r.err());
        assertTrue(r.err().contains("--driver-memory"), r.err());
    }

    @Test
    void helpNamesTheNewOption() {
        CliTest.Run r = CliTest.run("gradients", "--help");
        assertTrue(r.out().contains("--ignore-corrupt-files"), r.out());
    }
}
