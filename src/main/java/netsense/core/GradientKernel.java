package netsense.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * Outputs and input gradients of a network for a block of rows: for each row x,
 * {@code y = a[L]_k(x)} and {@code ∇x a[L]_k(x)}, by the forward pass (keeping σ'(z[l]) per
 * layer) and the backward recurrence {@code g[l-1] = (g[l] ⊙ σ'(z[l])) W[l]} from
 * {@code g[L] = e_k}.
 *
 * <p>Layout: the caller's block of B rows is one row-major array, {@code B × n1} from an
 * offset; the gradients come back in the same layout. Inside, the block is turned
 * feature-major — {@code n_l × B}, one row per neuron, one column per input row, in one
 * contiguous array per layer — so that every product is {@code C += M·A} with a small weight
 * matrix M and long rows ({@link MatrixProduct}): forward {@code Z[l] = W[l]·A[l-1] + b},
 * backward {@code G[l-1] = W[l]ᵀ·(G[l] ⊙ σ'(Z[l]))}. Only row k of the last layer is ever
 * used, so the output layer costs one weighted sum of rows.
 *
 * <p>Workspaces are sized for {@code maxRows} at construction and reused: {@link #compute}
 * allocates nothing. An instance is not thread-safe (one per thread); the {@link Network} is
 * shared read-only. Which implementations run is decided once per JVM ({@link #backend()}).
 */
public final class GradientKernel implements BlockKernel {
    private final Network net;
    private final int outputIndex;
    private final int maxRows;
    private final int layers;          // H = L − 1 weight layers
    private final Kernels.Backend backend;
    private final double[] input;      // x, feature-major: n1 × B
    private final double[][] hidden;   // a[l] for the hidden layers l = 2..L−1: n_l × B
    private final double[][] slopes;   // σ'(z[l]) for the same layers
    private final double[] outputValue;  // a[L]_k, one per row
    private final double[] outputSlope;  // σ_L'(z[L]_k), one per row
    private final double[] backA;      // g[l] ping-pong buffers: max width × B
    private final double[] backB;

    /**
     * @param outputIndex k, the output neuron (0-based) whose gradient is taken
     * @param maxRows     the largest block {@link #compute} will be given
     */
    public GradientKernel(Network net, int outputIndex, int maxRows) {
        this(net, outputIndex, maxRows, Kernels.DEFAULT);
    }

    GradientKernel(Network net, int outputIndex, int maxRows, Kernels.Backend backend) {
        this.net = Objects.requireNonNull(net, "net");
        checkArguments(net, outputIndex, maxRows);
        this.outputIndex = outputIndex;
        this.maxRows = maxRows;
        this.backend = backend;
        this.layers = net.depth() - 1;
        this.hidden = new double[layers - 1][];
        this.slopes = new double[layers - 1][];
        int widest = net.inputWidth();
        for (int k = 0; k < layers - 1; k++) {
            int n = net.widthAt(k + 1);
            hidden[k] = new double[Math.multiplyExact(maxRows, n)];
            slopes[k] = new double[maxRows * n];
            widest = Math.max(widest, n);
        }
        this.input = new double[Math.multiplyExact(maxRows, net.inputWidth())];
        this.outputValue = new double[maxRows];
        this.outputSlope = new double[maxRows];
        this.backA = new double[Math.multiplyExact(maxRows, widest)];
        this.backB = new double[maxRows * widest];
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
            FloatKernels.Backend f = switch (implementation) {
                case "plain-f32" -> FloatKernels.PLAIN;
                case "vector-f32" -> Kernels.vectorAvailable() ? FloatKernels.vector() : null;
                case "native-f32" -> FloatKernels.vectorWithNativeBlas();
                default -> throw new IllegalArgumentException("unknown implementation " + implementation);
            };
            if (f == null) {
                throw new IllegalStateException("the " + implementation + " implementation is not available here");
            }
            return new FloatGradientKernel(net, outputIndex, maxRows, f);
        }
        Kernels.Backend b = switch (implementation) {
            case "plain" -> Kernels.PLAIN;
            case "vector" -> Kernels.vectorAvailable() ? Kernels.vector() : null;
            case "native" -> Kernels.vectorWithNativeBlas();
            default -> throw new IllegalArgumentException("unknown implementation " + implementation
                    + " (plain, vector or native)");
        };
        if (b == null) {
            throw new IllegalStateException("the " + implementation + " implementation is not available here");
        }
        return new GradientKernel(net, outputIndex, maxRows, b);
    }

    /** The checks every kernel makes once, at construction. */
    static void checkArguments(Network net, int outputIndex, int maxRows) {
        Objects.requireNonNull(net, "net");
        if (outputIndex < 0 || outputIndex >= net.outputWidth()) {
            throw new IllegalArgumentException("output index " + outputIndex + " is not in 0.."
                    + (net.outputWidth() - 1) + " (the output layer has " + net.outputWidth() + " neurons)");
        }
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be at least 1, got " + maxRows);
        }
    }

    /** The checks every kernel makes once per block, so that its loops need none. */
    static void checkBlock(int n1, int maxRows, double[] x, int xOff, int rows, double[] outputs, int outOff,
                           double[] gradients, int gradOff) {
        if (rows < 0 || rows > maxRows) {
            throw new IllegalArgumentException("block of " + rows + " rows, this kernel takes 0.." + maxRows);
        }
        Objects.checkFromIndexSize(xOff, rows * n1, x.length);
        Objects.checkFromIndexSize(outOff, rows, outputs.length);
        Objects.checkFromIndexSize(gradOff, rows * n1, gradients.length);
    }

    /** The implementations this JVM runs, in words (for logs). */
    public static String backend() {
        String kernels = Kernels.DEFAULT.describe() + "; " + FloatKernels.DEFAULT.describe(); // loads BLAS first
        String blas = NativeBlas.status();
        return kernels + "; " + (blas != null ? blas : "native BLAS: not tried (-Dnetsense.blas=off or no Vector API)");
    }

    public Network network() {
        return net;
    }

    public int outputIndex() {
        return outputIndex;
    }

    @Override
    public int maxRows() {
        return maxRows;
    }

    /**
     * Computes {@code outputs[outOff + r] = a[L]_k(x_r)} and
     * {@code gradients[gradOff + r·n1 + j] = ∂a[L]_k/∂x_j (x_r)} for {@code r < rows}.
     *
     * @param x         Not modified: rows × n1, row-major from {@code xOff}
     * @param outputs   Modified: rows entries from {@code outOff}
     * @param gradients Modified: rows × n1 from {@code gradOff}
     */
    @Override
    public void compute(double[] x, int xOff, int rows, double[] outputs, int outOff,
                        double[] gradients, int gradOff) {
        int n1 = net.inputWidth();
        checkBlock(n1, maxRows, x, xOff, rows, outputs, outOff, gradients, gradOff);
        if (rows == 0) {
            return;
        }
        for (int r = 0; r < rows; r++) {
            int s = xOff + r * n1;
            for (int j = 0; j < n1; j++) {
                input[j * rows + r] = x[s + j];
            }
        }
        forward(rows);
        System.arraycopy(outputValue, 0, outputs, outOff, rows);
        double[] g = backward(rows);
        for (int r = 0; r < rows; r++) {
            int d = gradOff + r * n1;
            for (int j = 0; j < n1; j++) {
                gradients[d + j] = g[j * rows + r];
            }
        }
    }

    private void forward(int rows) {
        double[] w = net.weightArray();
        double[] bias = net.biasArray();
        double[] in = input;
        for (int k = 0; k < layers - 1; k++) {
            int width = net.widthAt(k + 1);
            int inWidth = net.widthAt(k);
            double[] z = hidden[k];
            int b0 = net.biasOffset(k);
            for (int i = 0; i < width; i++) {
                Arrays.fill(z, i * rows, (i + 1) * rows, bias[b0 + i]);
            }
            backend.forLayer(width, inWidth).multiplyAdd(w, net.weightOffset(k), width, inWidth, in, 0, rows, z, 0);
            backend.activate(net.activationAt(k), z, slopes[k], 0, width * rows);
            in = z;
        }
        // The output layer: only row k of W[L] matters.
        int last = layers - 1;
        int inWidth = net.widthAt(last);
        Arrays.fill(outputValue, 0, rows, bias[net.biasOffset(last) + outputIndex]);
        backend.forLayer(1, inWidth).multiplyAdd(w, net.weightOffset(last) + outputIndex * inWidth, 1, inWidth,
                in, 0, rows, outputValue, 0);
        backend.activate(net.activationAt(last), outputValue, outputSlope, 0, rows);
    }

    /** Returns the array holding g[1], feature-major (n1 × rows) from 0. */
    private double[] backward(int rows) {
        double[] w = net.weightArray();
        double[] wt = net.transposedArray();
        int last = layers - 1;
        int inWidth = net.widthAt(last);
        int row = net.weightOffset(last) + outputIndex * inWidth;
        // g[L-1]_j = W[L]_kj · σ_L'(z_k), then ⊙ σ'(z[L-1]) when layer L-1 is hidden
        double[] g = backA;
        for (int j = 0; j < inWidth; j++) {
            double wj = w[row + j];
            int o = j * rows;
            if (layers == 1) {
                for (int r = 0; r < rows; r++) {
                    g[o + r] = wj * outputSlope[r];
                }
            } else {
                double[] s = slopes[last - 1];
                for (int r = 0; r < rows; r++) {
                    g[o + r] = wj * outputSlope[r] * s[o + r];
                }
            }
        }
        double[] spare = backB;
        for (int k = layers - 2; k >= 0; k--) {
            int width = net.widthAt(k + 1);
            int prevWidth = net.widthAt(k);
            if (k < layers - 2) {
                double[] s = slopes[k];
                int n = width * rows;
                for (int i = 0; i < n; i++) {
                    g[i] *= s[i];
                }
            }
            Arrays.fill(spare, 0, prevWidth * rows, 0.0);
            // W[l]ᵀ is stored beside W[l]: n_{l-1} × n_l, row-major
            backend.forLayer(prevWidth, width).multiplyAdd(wt, net.weightOffset(k), prevWidth, width, g, 0, rows,
                    spare, 0);
            double[] t = g;
            g = spare;
            spare = t;
        }
        return g;
    }
}
