package netsense.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import netsense.spark.SyntheticInputs;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code generate}: synthetic inputs (SPEC, "Other commands"). */
@Command(name = "generate", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Writes synthetic input rows (id BIGINT, features ARRAY<DOUBLE>) as Parquet.",
            "Entry j of row i depends only on (seed, i, j): the data do not depend on --partitions."})
final class GenerateCommand implements NetsenseCommand {
    @Option(names = "--rows", required = true, paramLabel = "N", description = "Number of rows.")
    long rows;

    @Option(names = "--dims", required = true, paramLabel = "D", description = "Entries per row.")
    int dims;

    @Mixin
    OutputOptions out;

    @Option(names = "--partitions", paramLabel = "P", defaultValue = "0",
            description = "Output files (default: the session's default parallelism).")
    int partitions;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--dist", paramLabel = "uniform|normal", defaultValue = "uniform",
            converter = EnumIds.Distributions.class, completionCandidates = EnumIds.Distributions.class,
            description = "Distribution of each entry: uniform on [0,1) or standard normal (default: ${DEFAULT-VALUE}).")
    SyntheticInputs.Distribution dist;

    @Mixin
    SparkOptions spark;

    @Override
    public List<String> validate() {
        List<String> problems = new ArrayList<>();
        if (rows < 0) {
            problems.add("--rows must be 0 or more, got " + rows);
        }
        if (dims < 1) {
            problems.add("--dims must be at least 1, got " + dims);
        }
        if (partitions < 0) {
            problems.add("--partitions must be 1 or more (or 0: the default parallelism), got " + partitions);
        }
        out.validate(problems);
        return problems;
    }

    @Override
    public Integer call() {
        long start = System.nanoTime();
        SparkSession session = spark.open("netsense generate");
        int p = partitions > 0 ? partitions : session.sparkContext().defaultParallelism();
        SyntheticInputs.generate(session, rows, dims, p, seed, dist)
                .write().mode(out.overwrite ? "overwrite" : "errorifexists").parquet(out.output);
        System.out.printf(Locale.ROOT, "netsense generate: %s rows x %d dims (%s) in %d files -> %s (%.1f s)%n",
                RunReport.count(rows), dims, EnumIds.lowerCase(dist), p, out.output, (System.nanoTime() - start) / 1e9);
        return ExitCode.OK;
    }
}
