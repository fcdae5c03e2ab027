package netsense.cli;

import java.io.PrintStream;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import netsense.core.BlockKernel;
import netsense.core.GradientSummary;
import netsense.io.Format;
import netsense.spark.GradientJob;

/** The short human summary printed at the end of a run. */
final class RunReport {
    static final int TOP_DIMENSIONS = 5;

    private RunReport() {}

    static void print(PrintStream out, String title, GradientJob.Result r) {
        out.println(title + ": model " + r.network().shape() + " "
                + java.util.Arrays.toString(r.network().activations()).toLowerCase(Locale.ROOT)
                + (r.vectors().allOutputs() ? ", every output" : r.network().outputWidth() > 1 ? ", output "
                        + r.outputIndex() : "")
                + (r.vectors().method().name().equals("gradient") ? "" : ", method " + r.vectors().method().name()));
        String rejected = r.rows().rejected() == 0 ? "" : " (" + r.rejectedByKind().entrySet().stream()
                .map(e -> e.getKey() + ": " + count(e.getValue())).collect(Collectors.joining(", ")) + ")";
        out.printf(Locale.ROOT, "  rows      %s in, %s ok, %s rejected%s [%s]%n", count(r.rows().input()),
                count(r.rows().ok()), count(r.rows().rejected()), rejected,
                r.mode().id() + (r.precision() == BlockKernel.Precision.FLOAT32 ? ", float32" : ""));
        out.printf(Locale.ROOT, "  time      %.1f s, %s rows/s (master %s, Spark %s)%n", r.seconds(),
                count(Math.round(r.rowsPerSecond())), r.master(), r.sparkVersion());
        GradientSummary s = r.summary();
        if (s.count() > 0) {
            out.printf(Locale.ROOT, "  output    mean %s, std %s, range [%s, %s]%n", num(s.output().mean()),
                    num(s.output().std()), num(s.output().min()), num(s.output().max()));
            boolean plain = r.vectors().method().name().equals("gradient");
            if (r.vectors().allOutputs()) {
                out.println("  (figures of output 0; every output's are in summary.json)");
            }
            out.printf(Locale.ROOT, plain ? "  |grad|_2  mean %s, p50 %s, p90 %s, p99 %s, max %s%n"
                            : "  |attr|_2  mean %s, p50 %s, p90 %s, p99 %s, max %s%n",
                    num(s.l2().spread().mean()), num(s.l2().p50()), num(s.l2().p90()), num(s.l2().p99()),
                    num(s.l2().spread().max()));
            if (r.vectors().deltas() != null) {
                netsense.core.DeltaSummary d = r.vectors().deltas().get(0);
                out.printf(Locale.ROOT, "  |delta|   mean %s, p99 %s, max %s (completeness gap)%n", num(d.meanAbs()),
                        num(d.p99Abs()), num(d.maxAbs()));
            }
            out.println(plain ? "  most sensitive inputs (by DGSM = mean g^2):"
                    : "  most attributed inputs (by mean a^2):");
            IntStream.range(0, s.dimensions()).boxed()
                    .sorted(Comparator.comparingDouble((Integer i) -> s.dimension(i).meanSquare()).reversed())
                    .limit(TOP_DIMENSIONS)
                    .forEach(i -> {
                        GradientSummary.DimensionStats d = s.dimension(i);
                        out.printf(Locale.ROOT, "    %-16s mean_sq %s  mean_abs %s  mean %s%n",
                                r.dimensionNames().get(i), num(d.meanSquare()), num(d.meanAbs()), num(d.mean()));
                    });
        }
        out.println("  outputs   " + r.output() + "  (gradients/, rejected/, summary.json)");
        out.println("  report    " + r.output() + "/report.html");
    }

    static String count(long n) {
        return Format.count(n);
    }

    static String num(Double v) {
        return Format.sig3(v);
    }
}
