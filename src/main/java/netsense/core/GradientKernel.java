package netsense.core;

import java.util.Arrays;

/**
 * The {@link BlockKernel} in float64: workspaces of doubles, products from a {@link Backends}
 * choice (plain Java, the JDK Vector API, native BLAS dgemm for wide layers), activations on
 * the Vector API or in plain Java. Which implementations run is decided once per JVM
 * ({@link #backend()}).
 */
public final class GradientKernel extends BlockKernel {
    private final Backends.Backend backend;
    private final double[] w;
    private final double[] wt;
    private final double[] bias;
    private final double[][] work;   // numbered as BlockKernel.act / slope / back
    private double[] column;         // one point's softmax outputs, for the step through the softmax
    /** Gathers in and out of the workspaces; null without the Vector API. */
    private final VectorTranspose transpose;

    /**
     * @param outputIndex k, the output neuron (0-based) whose gradient {@link #compute} takes
     * @param maxRows     the largest block an entry will be given
     */
    public GradientKernel(Network net, int outputIndex, int maxRows) {
        this(net, outputIndex, maxRows, Backends.DEFAULT);
    }

    GradientKernel(Network net, int outputIndex, int maxRows, Backends.Backend backend) {
        super(net, outputIndex, maxRows);
        this.backend = backend;
        this.w = net.weightArray();
        this.wt = net.transposedArray();
        this.bias = net.biasArray();
        this.work = new double[workspaces()][];
        for (int i = 0; i < work.length; i++) {
            work[i] = new double[workspaceSize(i)];
        }
        this.transpose = backend.vectorActivations() ? new VectorTranspose() : null;
    }

    /**
     * A kernel on named implementations, for benchmarks and comparisons: {@code plain} (plain
     * Java), {@code vector} (JDK Vector API) or {@code native} (Vector API, native BLAS for wide
     * layers); with {@code -f32} appended, the float32 kernel on the same.
     *
     * @throws IllegalStateException when that implementation cannot run in this JVM
     */
    public static BlockKernel using(String implementation, Network net, int outputIndex, int maxRows) {
        if (implementation.endsWith("-f32")) {
            FloatBackends.Backend f = switch (implementation) {
                case "plain-f32" -> FloatBackends.PLAIN;
                case "vector-f32" -> Backends.vectorAvailable() ? FloatBackends.vector() : null;
                case "native-f32" -> FloatBackends.vectorWithNativeBlas();
                default -> throw new IllegalArgumentException("unknown implementation " + implementation);
            };
            if (f == null) {
                throw new IllegalStateException("the " + implementation + " implementation is not available here");
            }
            return new FloatGradientKernel(net, outputIndex, maxRows, f);
        }
        Backends.Backend b = switch (implementation) {
            case "plain" -> Backends.PLAIN;
            case "vector" -> Backends.vectorAvailable() ? Backends.vector() : null;
            case "native" -> Backends.vectorWithNativeBlas();
            default -> throw new IllegalArgumentException("unknown implementation " + implementation
                    + " (plain, vector or native)");
        };
        if (b == null) {
            throw new IllegalStateException("the " + implementation + " implementation is not available here");
        }
        return new GradientKernel(net, outputIndex, maxRows, b);
    }

    /** The implementations this JVM runs, in words (for logs). */
    public static String backend() {
        String why = Backends.fallbackReason();
        String kernels = Backends.DEFAULT.describe() + (why != null ? " (" + why + ")" : "") + "; "
                + FloatBackends.DEFAULT.describe(); // loads BLAS first
        String blas = NativeBlas.status();
        return kernels + "; " + (blas != null ? blas : "native BLAS: not tried (-Dnetsense.blas=off or no Vector API)");
    }

    /** Workspace {@code i} as numbered by {@link BlockKernel#act}, {@code slope}, {@code back}: for the weight gradient. */
    double[] workspace(int i) {
        return work[i];
    }

    @Override
    void loadInput(double[] x, int xOff, int rows) {
        double[] a = work[act(0)];
        int n1 = plan.inputWidth();
        if (transpose != null) {
            transpose.toFeatureMajor(x, xOff, n1, rows, a);
            return;
        }
        for (int r = 0; r < rows; r++) {
            int s = xOff + r * n1;
            for (int j = 0; j < n1; j++) {
                a[j * rows + r] = x[s + j];
            }
        }
    }

    @Override
    void fillBias(int z, int biasOff, int m, int rows) {
        double[] a = work[z];
        for (int i = 0; i < m; i++) {
            Arrays.fill(a, i * rows, (i + 1) * rows, bias[biasOff + i]);
        }
    }

    @Override
    void multiplyAdd(boolean transposed, int wOff, int m, int n, int a, int aOff, int c, int rows) {
        backend.forLayer(m, n).multiplyAdd(transposed ? wt : w, wOff, m, n, work[a], aOff, rows, work[c], 0);
    }

    /** The biases are where the product's sums start: no pass of its own. */
    @Override
    void affine(int wOff, int biasOff, int m, int n, int a, int c, int rows) {
        backend.forLayer(m, n).affine(w, wOff, m, n, work[a], 0, rows, work[c], 0, bias, biasOff);
    }

    /** The sums start from 0 and are multiplied by σ' as they are stored: no passes of their own. */
    @Override
    void product(boolean transposed, int wOff, int m, int n, int a, int aOff, int c, int s, int rows) {
        backend.forLayer(m, n).product(transposed ? wt : w, wOff, m, n, work[a], aOff, rows, work[c], 0,
                s >= 0 ? work[s] : null);
    }

    @Override
    void activate(Activation f, double alpha, int z, int d, int count, int rows) {
        backend.activate(f, alpha, work[z], work[d], 0, count);
    }

    @Override
    void softmax(int z, int m, int rows) {
        double[] a = work[z];
        for (int i = 0; i < m * rows; i++) {
            if (Double.isInfinite(a[i])) {
                a[i] = Double.NaN; // an overflow, as in Backends.Backend.activate
            }
        }
        for (int r = 0; r < rows; r++) {
            Activation.softmax(a, r, m, rows);
        }
    }

    @Override
    void zero(int buffer, int count) {
        Arrays.fill(work[buffer], 0, count, 0.0);
    }

    @Override
    void scale(int g, int s, int count) {
        double[] a = work[g];
        double[] b = work[s];
        for (int i = 0; i < count; i++) {
            a[i] *= b[i];
        }
    }

    @Override
    void seedSlopes(double[] seeds, int seedOff, int seedStride, int d, int m, int rows) {
        double[] s = work[d];
        for (int i = 0; i < m; i++) {
            int o = i * rows;
            for (int r = 0; r < rows; r++) {
                s[o + r] *= seeds[seedOff + r * seedStride + i];
            }
        }
    }

    @Override
    void softmaxSlopes(double[] seeds, int seedOff, int seedStride, int k, int si, int di, int m, int rows) {
        double[] s = work[si];
        double[] d = work[di];
        if (column == null) {
            column = new double[m]; // once: the output layer's width
        }
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < m; i++) {
                column[i] = s[i * rows + r];
            }
            softmaxStep(column, column, m, seeds, seedOff, seedStride, k, r);
            for (int i = 0; i < m; i++) {
                d[i * rows + r] = column[i];
            }
        }
    }

    @Override
    void storeOutputs(int a, int aRow, int m, int rows, double[] outputs, int outOff) {
        transposeOut(work[a], aRow * rows, m, rows, outputs, outOff, m);
    }

    @Override
    void storeGradients(int g, int rows, double[] gradients, int gradOff, int stride) {
        transposeOut(work[g], 0, plan.inputWidth(), rows, gradients, gradOff, stride);
    }

    private void transposeOut(double[] a, int aOff, int m, int rows, double[] dst, int dstOff, int stride) {
        if (transpose != null && aOff == 0) {
            transpose.toRowMajor(a, m, rows, dst, dstOff, stride);
            return;
        }
        for (int r = 0; r < rows; r++) {
            int d = dstOff + r * stride;
            for (int j = 0; j < m; j++) {
                dst[d + j] = a[aOff + j * rows + r];
            }
        }
    }
}
