package netsense.bench;

import java.util.Arrays;
import java.util.List;
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
    private netsense.core.Attribution attribution; // ig50, smoothgrad20
    private long[] keys;
    private double[] deltas;
    private double[] x;
    private double[] outputs;
    private double[] gradients;

    @Setup
    public void setUp() {
        if (!List.of("gradient", "ig50", "smoothgrad20").contains(method)) {
            throw new IllegalArgumentException("unknown method " + method + " (gradient, ig50, smoothgrad20)");
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
        deltas = new double[rows];
        keys = new long[rows];
        for (int r = 0; r < rows; r++) {
            keys[r] = r;
        }
        double[] noise = new double[widths[0]];
        Arrays.fill(noise, 0.15);
        netsense.core.Attribution.Settings settings = switch (method) {
            case "ig50" -> new netsense.core.Attribution.Settings(netsense.core.Attribution.Method.INTEGRATED_GRADIENTS,
                    50, netsense.core.Quadrature.GAUSS_LEGENDRE, 1, null, 0);
            case "smoothgrad20" -> new netsense.core.Attribution.Settings(netsense.core.Attribution.Method.SMOOTHGRAD,
                    50, netsense.core.Quadrature.GAUSS_LEGENDRE, 20, noise, 0);
            default -> null;
        };
        attribution = settings == null ? null
                : new netsense.core.Attribution(kernel, widths[0], 1, false, settings);
    }

    /** One block; the score is blocks per second. */
    @Benchmark
    public double[] block() {
        if (attribution != null) { // rows' attributions: 52 (ig50) or 21 (smoothgrad20) evaluations a row
            attribution.compute(x, 0, rows, keys, null, 0, 0, outputs, gradients, deltas);
        } else {
            kernel.compute(x, 0, rows, outputs, 0, gradients, 0);
        }
        return gradients;
    }

    /** The block measured. */
    static int blockRows(int[] widths, int rows) {
        return rows;
    }

}
