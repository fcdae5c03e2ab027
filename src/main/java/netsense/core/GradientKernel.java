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
 * feature-major ({@code n_l × B}: one row per neuron, one column per input row), so that
 * every product is {@code C += M·A} with a small weight matrix M and long contiguous rows
 * ({@link Gemm#accumulate}): forward {@code Z[l] = W[l]·A[l-1] + b}, backward
 * {@code G[l-1] = W[l]ᵀ·(G[l] ⊙ σ'(Z[l]))}. Only row k of the last layer is ever used, so the
 * output layer costs one weighted sum of rows.
 *
 * <p>Workspaces are sized for {@code maxRows} at construction and reused: {@link #compute}
 * allocates nothing. An instance is not thread-safe (one per thread); the {@link Network} is
 * shared read-only.
 */
public final class GradientKernel {
    private final Network net;
    private final int outputIndex;
    private final int maxRows;
    private final int layers;          // H = L − 1 weight layers
    private final double[][] input;     // x, feature-major: n1 rows of B
    private final double[][][] hidden;  // a[l] for the hidden layers l = 2..L−1: n_l rows of B
    private final double[][][] slopes;  // σ'(z[l]) for the same layers
    private final double[][] outputValue;  // a[L]_k: one row of B
    private final double[] outputSlope;    // σ_L'(z[L]_k), one per row
    private final double[][] backA;     // g[l] ping-pong buffers: max width rows of B
    private final double[][] backB;

    /**
     * @param outputIndex k, the output neuron (0-based) whose gradient is taken
     * @param maxRows     the largest block {@link #compute} will be given
     */
    public GradientKernel(Network net, int outputIndex, int maxRows) {
        this.net = Objects.requireNonNull(net, "net");
        if (outputIndex < 0 || outputIndex >= net.outputWidth()) {
            throw new IllegalArgumentException("output index " + outputIndex + " is not in 0.."
                    + (net.outputWidth() - 1) + " (the output layer has " + net.outputWidth() + " neurons)");
        }
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be at least 1, got " + maxRows);
        }
        this.outputIndex = outputIndex;
        this.maxRows = maxRows;
        this.layers = net.depth() - 1;
        this.hidden = new double[layers - 1][][];
        this.slopes = new double[layers - 1][][];
        int widest = net.inputWidth();
        for (int k = 0; k < layers - 1; k++) {
            int n = net.widthAt(k + 1);
            hidden[k] = new double[n][maxRows];
            slopes[k] = new double[n][maxRows];
            widest = Math.max(widest, n);
        }
        this.input = new double[net.inputWidth()][maxRows];
        this.outputValue = new double[1][maxRows];
        this.outputSlope = new double[maxRows];
        this.backA = new double[widest][maxRows];
        this.backB = new double[widest][maxRows];
    }

    public Network network() {
        return net;
    }

    public int outputIndex() {
        return outputIndex;
    }

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
    public void compute(double[] x, int xOff, int rows, double[] outputs, int outOff,
                        double[] gradients, int gradOff) {
        int n1 = net.inputWidth();
        if (rows < 0 || rows > maxRows) {
            throw new IllegalArgumentException("block of " + rows + " rows, this kernel takes 0.." + maxRows);
        }
        Objects.checkFromIndexSize(xOff, rows * n1, x.length);
        Objects.checkFromIndexSize(outOff, rows, outputs.length);
        Objects.checkFromIndexSize(gradOff, rows * n1, gradients.length);
        if (rows == 0) {
            return;
        }
        Gemm.transposeIn(x, xOff, rows, n1, input);
        forward(rows);
        System.arraycopy(outputValue[0], 0, outputs, outOff, rows);
        double[][] g = backward(rows);
        Gemm.transposeOut(g, rows, n1, gradients, gradOff);
    }

    private void forward(int rows) {
        double[] w = net.weightArray();
        double[] bias = net.biasArray();
        double[][] in = input;
        for (int k = 0; k < layers - 1; k++) {
            int width = net.widthAt(k + 1);
            double[][] z = hidden[k];
            int b0 = net.biasOffset(k);
            for (int i = 0; i < width; i++) {
                Arrays.fill(z[i], 0, rows, bias[b0 + i]);
            }
            Gemm.accumulate(w, net.weightOffset(k), width, net.widthAt(k), in, rows, z);
            Activation sigma = net.activationAt(k);
            for (int i = 0; i < width; i++) {
                sigma.apply(z[i], slopes[k][i], 0, rows);
            }
            in = z;
        }
        // The output layer: only row k of W[L] matters.
        int last = layers - 1;
        int inWidth = net.widthAt(last);
        Arrays.fill(outputValue[0], 0, rows, bias[net.biasOffset(last) + outputIndex]);
        Gemm.accumulate(w, net.weightOffset(last) + outputIndex * inWidth, 1, inWidth, in, rows, outputValue);
        net.activationAt(last).apply(outputValue[0], outputSlope, 0, rows);
    }

    /** Returns the rows holding g[1], feature-major (n1 rows of B). */
    private double[][] backward(int rows) {
        double[] w = net.weightArray();
        double[] wt = net.transposedArray();
        int last = layers - 1;
        int inWidth = net.widthAt(last);
        int row = net.weightOffset(last) + outputIndex * inWidth;
        // g[L-1]_j = W[L]_kj · σ_L'(z_k), then ⊙ σ'(z[L-1]) when layer L-1 is hidden
        double[][] g = backA;
        for (int j = 0; j < inWidth; j++) {
            double wj = w[row + j];
            double[] gj = g[j];
            if (layers == 1) {
                for (int r = 0; r < rows; r++) {
                    gj[r] = wj * outputSlope[r];
                }
            } else {
                double[] s = slopes[last - 1][j];
                for (int r = 0; r < rows; r++) {
                    gj[r] = wj * outputSlope[r] * s[r];
                }
            }
        }
        double[][] spare = backB;
        for (int k = layers - 2; k >= 0; k--) {
            int width = net.widthAt(k + 1);
            int prevWidth = net.widthAt(k);
            if (k < layers - 2) {
                for (int i = 0; i < width; i++) {
                    double[] gi = g[i];
                    double[] s = slopes[k][i];
                    for (int r = 0; r < rows; r++) {
                        gi[r] *= s[r];
                    }
                }
            }
            for (int j = 0; j < prevWidth; j++) {
                Arrays.fill(spare[j], 0, rows, 0.0);
            }
            // W[l]ᵀ is stored: n_{l-1} × n_l, row-major
            Gemm.accumulate(wt, net.weightOffset(k), prevWidth, width, g, rows, spare);
            double[][] t = g;
            g = spare;
            spare = t;
        }
        return g;
    }
}
