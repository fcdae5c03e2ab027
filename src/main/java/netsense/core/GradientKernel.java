package netsense.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * Outputs and input gradients of a network for a block of rows: for each row x,
 * {@code y = a[L]_k(x)} and {@code ∇x a[L]_k(x)}, by the forward pass (keeping σ'(z[l]) per
 * layer) and the backward recurrence {@code g[l-1] = (g[l] ⊙ σ'(z[l])) W[l]} from
 * {@code g[L] = e_k}.
 *
 * <p>Layout: a block of B rows is one row-major array, {@code B × n1} from an offset; the
 * gradients come out in the same layout. Every product over the block is a row-major
 * {@code C += A·B} ({@link Gemm}): forward against the transposed weights, backward against the
 * weights themselves. Only row k of the last layer is ever used, so the output layer costs one
 * dot product per row.
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
    private final double[][] hidden;   // a[l] for the hidden layers l = 2..L−1: maxRows × n_l
    private final double[][] slopes;   // σ'(z[l]) for the same layers
    private final double[] outputValue;  // a[L]_k, one per row
    private final double[] outputSlope;  // σ_L'(z[L]_k), one per row
    private final double[] backA;      // g[l] ping-pong buffers, maxRows × max hidden width
    private final double[] backB;

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
        this.hidden = new double[layers - 1][];
        this.slopes = new double[layers - 1][];
        int widest = 0;
        for (int k = 0; k < layers - 1; k++) {
            int n = net.widthAt(k + 1);
            hidden[k] = new double[Math.multiplyExact(maxRows, n)];
            slopes[k] = new double[maxRows * n];
            widest = Math.max(widest, n);
        }
        this.outputValue = new double[maxRows];
        this.outputSlope = new double[maxRows];
        this.backA = new double[maxRows * widest];
        this.backB = new double[maxRows * widest];
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
     * @param gradients Modified: rows × n1 from {@code gradOff}. Must not overlap {@code x}.
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
        forward(x, xOff, rows, outputs, outOff);
        backward(rows, gradients, gradOff);
    }

    private void forward(double[] x, int xOff, int rows, double[] outputs, int outOff) {
        double[] wt = net.transposedArray();
        double[] bias = net.biasArray();
        double[] in = x;
        int inOff = xOff;
        for (int k = 0; k < layers - 1; k++) {
            int inWidth = net.widthAt(k);
            int width = net.widthAt(k + 1);
            double[] z = hidden[k];
            int b0 = net.biasOffset(k);
            for (int r = 0; r < rows; r++) {
                System.arraycopy(bias, b0, z, r * width, width);
            }
            Gemm.multiplyAdd(in, inOff, rows, inWidth, wt, net.weightOffset(k), width, z, 0);
            net.activationAt(k).apply(z, slopes[k], 0, rows * width);
            in = z;
            inOff = 0;
        }
        // The output layer: only row k of W[L] matters.
        int last = layers - 1;
        int inWidth = net.widthAt(last);
        double[] w = net.weightArray();
        int row = net.weightOffset(last) + outputIndex * inWidth;
        double b = bias[net.biasOffset(last) + outputIndex];
        for (int r = 0; r < rows; r++) {
            outputValue[r] = b + Gemm.dot(in, inOff + r * inWidth, w, row, inWidth);
        }
        net.activationAt(last).apply(outputValue, outputSlope, 0, rows);
        System.arraycopy(outputValue, 0, outputs, outOff, rows);
    }

    private void backward(int rows, double[] gradients, int gradOff) {
        double[] w = net.weightArray();
        int last = layers - 1;
        int inWidth = net.widthAt(last);
        int row = net.weightOffset(last) + outputIndex * inWidth;
        // g[L-1] = σ_L'(z_k) · W[L]_k,:  (then ⊙ σ'(z[L-1]) when layer L-1 is hidden)
        double[] g = layers == 1 ? gradients : backA;
        int gOff = layers == 1 ? gradOff : 0;
        for (int r = 0; r < rows; r++) {
            double s = outputSlope[r];
            int o = gOff + r * inWidth;
            for (int j = 0; j < inWidth; j++) {
                g[o + j] = s * w[row + j];
            }
        }
        double[] spare = backB;
        for (int k = layers - 2; k >= 0; k--) {
            int width = net.widthAt(k + 1);
            int prevWidth = net.widthAt(k);
            double[] s = slopes[k];
            int n = rows * width;
            for (int i = 0; i < n; i++) {
                g[i] *= s[i];
            }
            double[] target = k == 0 ? gradients : spare;
            int tOff = k == 0 ? gradOff : 0;
            Arrays.fill(target, tOff, tOff + rows * prevWidth, 0.0);
            Gemm.multiplyAdd(g, 0, rows, width, w, net.weightOffset(k), prevWidth, target, tOff);
            spare = g;
            g = target;
        }
    }
}
