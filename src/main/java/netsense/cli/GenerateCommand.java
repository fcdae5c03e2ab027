package netsense.cli;

import java.util.concurrent.Callable;
import netsense.io.InvalidSetupException;
import netsense.spark.SyntheticInputs;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code generate}: synthetic inputs (SPEC, "Other commands"). */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Writes synthetic input rows (id BIGINT, features ARRAY<DOUBLE>) as Parquet.",
            "Row i, entry j depends only on (seed, i, j): the data do not depend on --partitions."})
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--rows", required = true, paramLabel = "N", description = "number of rows")
    long rows;

    @Option(names = "--dims", required = true, paramLabel = "D", description = "entries per row")
    int dims;

    @Option(names = "--output", required = true, paramLabel = "PATH", description = "Parquet folder to write")
    String output;

    @Option(names = "--partitions", paramLabel = "P", defaultValue = "0",
            description = "output files (default: the session's default parallelism)")
    int partitions;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--dist", paramLabel = "uniform|normal", defaultValue = "uniform",
            description = "uniform on [0,1) or standard normal (default: ${DEFAULT-VALUE})")
    String dist;

    @Option(names = "--overwrite", description = "replace an existing output folder")
    boolean overwrite;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: local[*] where no cluster is given)")
    String master;

    @Override
    public Integer call() {
        java.util.List<String> problems = new java.util.ArrayList<>();
        if (rows < 0) {
            problems.add("--rows must be 0 or more, got " + rows);
        }
        if (dims < 1) {
            problems.add("--dims must be at least 1, got " + dims);
        }
        if (partitions < 0) {
            problems.add("--partitions must be 1 or more, got " + partitions);
        }
        if (!dist.equals("uniform") && !dist.equals("normal")) {
            problems.add("--dist must be uniform or normal, got " + dist);
        }
        if (GradientsCommand.isLocal(output) && java.nio.file.Files.exists(java.nio.file.Path.of(output)) && !overwrite) {
            problems.add("the output folder " + output + " exists; choose another or pass --overwrite to replace it");
        }
        if (!problems.isEmpty()) {
            throw new InvalidSetupException(String.join("; ", problems));
        }
        long start = System.nanoTime();
        SparkSession spark = Sessions.open("netsense generate", master);
        int p = partitions > 0 ? partitions : spark.sparkContext().defaultParallelism();
        SyntheticInputs.generate(spark, rows, dims, p, seed, SyntheticInputs.Distribution.fromId(dist))
                .write().mode(overwrite ? "overwrite" : "errorifexists").parquet(output);
        System.out.printf(java.util.Locale.ROOT, "netsense generate: %s rows x %d dims (%s) in %d files -> %s (%.1f s)%n",
                RunReport.count(rows), dims, dist, p, output, (System.nanoTime() - start) / 1e9);
        return ExitCode.OK;
    }
}
