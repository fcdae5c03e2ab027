package netsense.bench;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import netsense.core.Activation;
import netsense.core.BlockKernel;
import netsense.core.GradientKernel;
import netsense.core.Network;
import netsense.core.RandomNetworks;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The gradient kernel on one block of rows, one thread. Rows/s is the score times
 * {@code rows}; GFLOP/s is rows/s · 4 · weights / 1e9 (see jobs/bench, which prints both).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class KernelBenchmark {
    @Param({"2-2-3-1", "16-32-32-1", "100-256-256-1", "784-512-512-1", "1000-1000-1000-1000-1"})
    public String shape;

    @Param({"256"})
    public int rows;

    /**
     * auto: what the job runs; plain: plain Java loops; vector: the JDK Vector API; native: plus
     * native BLAS; the same with -f32 for the float32 kernel.
     */
    @Param({"auto"})
    public String impl;

    /**
     * What a row costs: gradient (one evaluation per row). Methods that evaluate several points
     * per row (integrated gradients, SmoothGrad) add their case here and in bench/torch_gradient.py
     * under the same name; bench/kernel_report.py pairs them.
     */
    @Param({"gradient"})
    public String method;

    private BlockKernel kernel;
    private double[] x;
    private double[] outputs;
    private double[] gradients;

    @Setup
    public void setUp() {
        if (!method.equals("gradient")) {
            throw new IllegalArgumentException("unknown method " + method + " (gradient)");
        }
        int[] widths = Arrays.stream(shape.split("-")).mapToInt(Integer::parseInt).toArray();
        Network net = RandomNetworks.gaussian(42, widths, Activation.TANH, Activation.SIGMOID, 0);
        rows = blockRows(widths, rows);
        kernel = impl.equals("auto") ? new GradientKernel(net, 0, rows) : GradientKernel.using(impl, net, 0, rows);
        x = new double[rows * widths[0]];
        Random rnd = new Random(1);
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextDouble();
        }
        outputs = new double[rows];
        gradients = new double[rows * widths[0]];
    }

    /** One block; the score is blocks per second. */
    @Benchmark
    public double[] block() {
        kernel.compute(x, 0, rows, outputs, 0, gradients, 0);
        return gradients;
    }

    /** The block measured. */
    static int blockRows(int[] widths, int rows) {
        return rows;
    }

}
