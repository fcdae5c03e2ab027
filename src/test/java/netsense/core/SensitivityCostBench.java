package netsense.core;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Random;

/**
 * CPU time of the global-sensitivity summaries, one thread: the per-dimension quantile
 * histograms per value, the bootstrap per row (B = 200, n1 = 16 by default), and the summary's
 * added cost of inputs and quantiles per row. Not a test; run its main with the test classpath:
 * {@code java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes:<deps>
 * netsense.core.SensitivityCostBench [B] [n1]}.
 */
public final class SensitivityCostBench {
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private SensitivityCostBench() {}

    public static void main(String[] args) {
        int replicates = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int n1 = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int block = 1024;
        Random rnd = new Random(1);
        double[] g = new double[block * n1];
        double[] x = new double[block * n1];
        double[] y = new double[block];
        long[] keys = new long[block];
        for (int k = 0; k < g.length; k++) {
            g[k] = rnd.nextGaussian() * Math.exp(rnd.nextGaussian());
            x[k] = rnd.nextDouble();
        }
        for (int r = 0; r < block; r++) {
            y[r] = rnd.nextGaussian();
        }
        System.out.println("backend: " + GradientKernel.backend());
        for (int round = 0; round < 3; round++) {
            long rows = 4_000_000;
            DimensionQuantiles q = new DimensionQuantiles(n1);
            long t0 = CPU.getCurrentThreadCpuTime();
            for (long done = 0; done < rows; done += block) {
                q.addBlock(g, 0, block);
            }
            long t1 = CPU.getCurrentThreadCpuTime();
            System.out.printf("quantile histograms: %.2f ns per value (%d dims, %d buckets held)%n",
                    (t1 - t0) / (double) (rows * n1), n1, q.bucketsHeld());
            DimensionQuantiles bare = new DimensionQuantiles(n1, false);
            t0 = CPU.getCurrentThreadCpuTime();
            for (long done = 0; done < rows; done += block) {
                bare.addBlock(g, 0, block);
            }
            t1 = CPU.getCurrentThreadCpuTime();
            System.out.printf("quantile histograms without extremes (as GradientSummary has them): %.2f ns per value%n",
                    (t1 - t0) / (double) (rows * n1));

            long bootRows = 200_000;
            BootstrapSummary b = new BootstrapSummary(replicates, n1, 42);
            t0 = CPU.getCurrentThreadCpuTime();
            for (long done = 0; done < bootRows; done += block) {
                for (int r = 0; r < block; r++) {
                    keys[r] = done + r;
                }
                b.addBlock(keys, 0, y, 0, g, 0, block);
            }
            t1 = CPU.getCurrentThreadCpuTime();
            System.out.printf("bootstrap B = %d, n1 = %d: %.0f ns per row (%.2f ns per replicate × dimension)%n",
                    replicates, n1, (t1 - t0) / (double) bootRows, (t1 - t0) / (double) bootRows / replicates / n1);

            double[] w = new double[replicates];
            double check = 0;
            t0 = CPU.getCurrentThreadCpuTime();
            for (long r = 0; r < bootRows; r++) {
                BootstrapSummary.drawWeights(42, r, replicates, w, 0, 1.0);
                check += w[(int) (r % replicates)];
            }
            t1 = CPU.getCurrentThreadCpuTime();
            System.out.printf("  of which the weights: %.0f ns per row (mean weight %.3f)%n",
                    (t1 - t0) / (double) bootRows, check / bootRows);

            long sumRows = 2_000_000;
            double[] norms = new double[3 * block];
            GradientSummary plain = new GradientSummary(n1);
            t0 = CPU.getCurrentThreadCpuTime();
            for (long done = 0; done < sumRows; done += block) {
                plain.addBlock(y, 0, g, 0, block, norms);
            }
            t1 = CPU.getCurrentThreadCpuTime();
            GradientSummary withInputs = new GradientSummary(n1);
            long t2 = CPU.getCurrentThreadCpuTime();
            for (long done = 0; done < sumRows; done += block) {
                withInputs.addBlock(y, 0, g, 0, block, norms, x, 0);
            }
            long t3 = CPU.getCurrentThreadCpuTime();
            System.out.printf("GradientSummary per row: %.0f ns (quantiles fed), %.0f ns with inputs%n",
                    (t1 - t0) / (double) sumRows, (t3 - t2) / (double) sumRows);
        }
    }
}
