package netsense.bench;

import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link KernelBenchmark} and prints rows/s and GFLOP/s (4 · weights · rows/s) per shape.
 * Arguments are JMH's own (e.g. {@code -p shape=16-32-32-1 -t 2}); the defaults are one fork,
 * 3 warm-up and 5 measured iterations of 1 s.
 */
public final class KernelTable {
    private KernelTable() {}

    public static void main(String[] args) throws RunnerException, Exception {
        CommandLineOptions cli = new CommandLineOptions(args);
        Options options = new OptionsBuilder().parent(cli)
                .include(KernelBenchmark.class.getSimpleName())
                .forks(cli.getForkCount().orElse(1))
                .warmupIterations(cli.getWarmupIterations().orElse(3))
                .measurementIterations(cli.getMeasurementIterations().orElse(5))
                .warmupTime(cli.getWarmupTime().orElse(TimeValue.seconds(1)))
                .measurementTime(cli.getMeasurementTime().orElse(TimeValue.seconds(1)))
                .jvmArgsAppend("--add-modules=jdk.incubator.vector", "-Xmx4g")
                .build();
        Collection<RunResult> results = new Runner(options).run();
        int threads = options.getThreads().orElse(1);
        System.out.println();
        System.out.printf(Locale.ROOT, "netsense kernel, float64, %d thread(s), %s%n", threads,
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        System.out.printf(Locale.ROOT, "%-24s %-7s %6s %14s %12s %10s%n", "shape", "impl", "block", "rows/s",
                "± rows/s", "GFLOP/s");
        for (RunResult r : results) {
            String shape = r.getParams().getParam("shape");
            int[] widths = Arrays.stream(shape.split("-")).mapToInt(Integer::parseInt).toArray();
            int block = KernelBenchmark.blockRows(widths, Integer.parseInt(r.getParams().getParam("rows")));
            long weights = 0;
            for (int l = 1; l < widths.length; l++) {
                weights += (long) widths[l] * widths[l - 1];
            }
            double blocksPerSecond = r.getPrimaryResult().getScore();
            double error = r.getPrimaryResult().getScoreError();
            double rows = blocksPerSecond * block;
            System.out.printf(Locale.ROOT, "%-24s %-7s %6d %,14.0f %,12.0f %10.2f%n",
                    "[" + shape.replace('-', ',') + "]", r.getParams().getParam("impl"), block, rows,
                    error * block, 4.0 * weights * rows / 1e9);
        }
    }
}
