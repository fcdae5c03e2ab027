package netsense.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import netsense.core.Activation;
import netsense.core.Network;
import netsense.core.RandomNetworks;
import netsense.io.ModelWriter;
import netsense.spark.GradientJob;
import netsense.spark.SyntheticInputs;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench}: the gradient job against a copy job — the same reading, checking, statistics
 * and writing of an output of the same size, without the gradient math — on the same generated
 * input, one line per shape. What the ratio says: how much the gradient adds to the I/O.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"End-to-end benchmark: the gradient job and a copy job (same read, same-size output,",
            "no gradient math) on the same generated input; prints one line per shape."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--rows", paramLabel = "N", defaultValue = "2000000", description = "rows (default: ${DEFAULT-VALUE})")
    long rows;

    @Option(names = "--shapes", paramLabel = "A-B-C,...", defaultValue = "2-2-3-1,16-32-32-1",
            description = "network shapes, layer widths joined by '-' (default: ${DEFAULT-VALUE})")
    String shapes;

    @Option(names = "--work", paramLabel = "DIR", defaultValue = "target/bench",
            description = "inputs (kept and reused) and outputs (default: ${DEFAULT-VALUE})")
    String work;

    @Option(names = "--partitions", paramLabel = "P", defaultValue = "0",
            description = "input files (default: 4 per core)")
    int partitions;

    @Option(names = "--repeat", paramLabel = "R", defaultValue = "1",
            description = "runs of each job, alternating; the fastest counts (default: ${DEFAULT-VALUE})")
    int repeat;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: local[*])")
    String master;

    @Override
    public Integer call() throws IOException {
        SparkSession spark = Sessions.open("netsense bench", master);
        Path root = Path.of(work).toAbsolutePath();
        Files.createDirectories(root);
        int p = partitions > 0 ? partitions : 4 * spark.sparkContext().defaultParallelism();
        List<String> lines = new ArrayList<>();
        for (String shape : shapes.split(",")) {
            int[] widths = Arrays.stream(shape.split("-")).mapToInt(Integer::parseInt).toArray();
            Path input = root.resolve("input-" + widths[0] + "d-" + rows);
            if (!Files.exists(input.resolve("_SUCCESS"))) {
                SyntheticInputs.generate(spark, rows, widths[0], p, 1, SyntheticInputs.Distribution.UNIFORM)
                        .write().mode("overwrite").parquet(input.toString());
            }
            Path model = root.resolve("model-" + shape + ".json");
            ModelWriter.write(network(widths), model);
            double gradient = Double.MAX_VALUE;
            double copy = Double.MAX_VALUE;
            for (int i = 0; i < repeat; i++) {
                copy = Math.min(copy, run(spark, model, input, root.resolve("out-copy"), true));
                gradient = Math.min(gradient, run(spark, model, input, root.resolve("out-gradient"), false));
            }
            String line = String.format(Locale.ROOT, "bench [%s] rows=%d gradient=%.1fs copy=%.1fs ratio=%.2f",
                    shape.replace('-', ','), rows, gradient, copy, gradient / copy);
            System.out.println(line);
            lines.add(line);
        }
        System.out.println();
        lines.forEach(System.out::println);
        return ExitCode.OK;
    }

    private static double run(SparkSession spark, Path model, Path input, Path output, boolean copyOnly)
            throws IOException {
        spark.conf().set("spark.netsense.bench.copyOnly", String.valueOf(copyOnly));
        try {
            return new GradientJob(spark, new GradientJob.Options(model.toString(), input.toString(),
                    output.toString(), null, null, null, null, null, null, true, 0)).execute().seconds();
        } finally {
            spark.conf().unset("spark.netsense.bench.copyOnly");
        }
    }

    /** Hidden layers tanh, output sigmoid; weights N(0, 1/n_{l-1}), fixed seed. */
    static Network network(int[] widths) {
        return RandomNetworks.gaussian(42, widths, Activation.TANH, Activation.SIGMOID, 0);
    }
}
