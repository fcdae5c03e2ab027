package netsense.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import netsense.core.Network;
import netsense.io.ModelReader;
import netsense.spark.GradientJob;
import netsense.spark.SyntheticInputs;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code demo}: the whole job, in local mode, on the bundled example networks and generated
 * inputs with a few bad rows mixed in, so that every part of the output has something in it.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Runs the gradient job on the bundled example networks (the 2-2-3-1 sigmoid network of"
                + " Higham & Higham's shape, and a 16-32-32-1 tanh network) over generated inputs with a few bad"
                + " rows mixed in.")
final class DemoCommand implements NetsenseCommand {
    /** The bundled examples, resources under /examples. */
    static final List<String> EXAMPLES = List.of("higham-2-2-3-1", "wide-16-32-32-1");

    @Option(names = "--rows", paramLabel = "N", defaultValue = "1000000",
            description = "Rows per example (default: ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--output", paramLabel = "DIR", defaultValue = "demo-output",
            description = "Where models, inputs and outputs go; replaced on every run (default: ${DEFAULT-VALUE}).")
    String output;

    @Option(names = "--partitions", paramLabel = "P", defaultValue = "4",
            description = "Input files per example (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Mixin
    SparkOptions spark;

    @Override
    public List<String> validate() {
        List<String> problems = new ArrayList<>();
        if (rows < 0) {
            problems.add("--rows must be 0 or more, got " + rows);
        }
        if (partitions < 1) {
            problems.add("--partitions must be 1 or more, got " + partitions);
        }
        if (GradientsCommand.isLocal(output) && Files.isRegularFile(Path.of(output))) {
            problems.add("--output " + output + " is a file; the demo writes a folder there");
        }
        return problems;
    }

    @Override
    public Integer call() throws IOException {
        long start = System.nanoTime();
        SparkSession session = spark.open("netsense demo");
        Path root = Path.of(output).toAbsolutePath();
        Files.createDirectories(root.resolve("models"));
        for (String name : EXAMPLES) {
            Path model = root.resolve("models").resolve(name + ".json");
            try (InputStream in = DemoCommand.class.getResourceAsStream("/examples/" + name + ".json")) {
                Files.copy(in, model, StandardCopyOption.REPLACE_EXISTING);
            }
            Network net = ModelReader.read(model);
            String inputs = root.resolve("inputs").resolve(name).toString();
            withBadRows(session, SyntheticInputs.generate(session, rows, net.inputWidth(), partitions, 1,
                    SyntheticInputs.Distribution.UNIFORM), rows, net.inputWidth())
                    .write().mode("overwrite").parquet(inputs);
            GradientJob.Options options = GradientJob.Options.builder(model.toString(), inputs,
                    root.resolve(name).toString()).overwrite(true).build();
            GradientJob.Result result = new GradientJob(session, options).execute();
            System.out.println();
            RunReport.print(System.out, "netsense demo " + name, result);
        }
        System.out.printf(Locale.ROOT, "%nnetsense demo: done in %.1f s; models, inputs and outputs under %s%n",
                (System.nanoTime() - start) / 1e9, root);
        return ExitCode.OK;
    }

    /** Three bad rows after the good ones: a NaN entry, null features and a row of the wrong length. */
    static Dataset<Row> withBadRows(SparkSession spark, Dataset<Row> good, long firstId, int width) {
        double[] nan = new double[width];
        Arrays.fill(nan, 0.5);
        nan[0] = Double.NaN;
        List<Row> bad = new ArrayList<>();
        bad.add(RowFactory.create(firstId, nan));
        bad.add(RowFactory.create(firstId + 1, null));
        bad.add(RowFactory.create(firstId + 2, new double[width + 1]));
        StructType nullable = new StructType().add("id", DataTypes.LongType, false)
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType, true), true);
        return good.union(spark.createDataFrame(bad, nullable).coalesce(1));
    }
}
