package netsense.core;

import java.util.Arrays;

/**
 * {@link GradientKernel} in float32 arithmetic: the same forward pass and backward recurrence
 * on the same feature-major layout, with weights and workspaces in float, products on float
 * vectors or BLAS sgemm — about twice the speed on wide networks, at float32 accuracy (the
 * tests bound the difference from float64 at 1e-4 of the gradient's largest entry). Inputs
 * and results stay float64 at the interface; activations are evaluated in float64.
 *
 * <p>float32 must not reject or distort what float64 computes, so a row is recomputed by a
 * float64 kernel held here when its float32 pass left float's range: an input, a
 * pre-activation, an activation or a σ' that is not finite in float, or that is nonzero in
 * float64 but 0 or subnormal in float (σ'(−110) = 6e-49 is 0 in float); or a result whose
 * output or gradient is not finite, or whose largest gradient entry is below 2^-102 (so that
 * entries 2^-24 below it would be subnormal). A network whose weights or biases do not all
 * fit float's normal range is computed in float64 throughout. {@link #rowsRecomputed()}
 * counts those rows. Nothing is allocated per block: the float64 kernel and its buffers are
 * made the first time a row needs them.
 */
final class FloatGradientKernel implements BlockKernel {
    private static final int CHUNK = 1024;

    private final Network net;
    private final int outputIndex;
    private final int maxRows;
    private final int layers;
    private final FloatKernels.Backend backend;
    private final Kernels.Backend activations = Kernels.DEFAULT;
    private final float[] w;
    private final float[] wt;
    private final float[] bias;
    private final float[] input;
    private final float[][] hidden;
    private final float[][] slopes;
    private final float[] outputValue;
    private final float[] outputSlope;
    private final float[] backA;
    private final float[] backB;
    private final double[] z64 = new double[CHUNK];
    private final double[] d64 = new double[CHUNK];
    /** Whether each row of the block left float's range (see the class comment). */
    private final boolean[] lost;
    private final boolean networkFits;
    private GradientKernel float64;
    private double[] x64;
    private double[] y64;
    private double[] g64;
    private long recomputed;

    /** Below this largest |gradient entry| a float32 row is recomputed: 2^-24 under it is float's least normal. */
    private static final float SMALL = Float.MIN_NORMAL * 0x1p24f;

    FloatGradientKernel(Network net, int outputIndex, int maxRows, FloatKernels.Backend backend) {
        GradientKernel.checkArguments(net, outputIndex, maxRows);
        this.net = net;
        this.outputIndex = outputIndex;
        this.maxRows = maxRows;
        this.backend = backend;
        this.layers = net.depth() - 1;
        float[][] single = net.singlePrecision();
        this.w = single[0];
        this.wt = single[1];
        this.bias = single[2];
        this.hidden = new float[layers - 1][];
        this.slopes = new float[layers - 1][];
        int widest = net.inputWidth();
        for (int k = 0; k < layers - 1; k++) {
            int n = net.widthAt(k + 1);
            hidden[k] = new float[Math.multiplyExact(maxRows, n)];
            slopes[k] = new float[maxRows * n];
            widest = Math.max(widest, n);
        }
        this.input = new float[Math.multiplyExact(maxRows, net.inputWidth())];
        this.outputValue = new float[maxRows];
        this.outputSlope = new float[maxRows];
        this.backA = new float[Math.multiplyExact(maxRows, widest)];
        this.backB = new float[maxRows * widest];
        this.lost = new boolean[maxRows];
        this.networkFits = fitsFloat(net.weightArray()) && fitsFloat(net.biasArray());
    }

    private static boolean fitsFloat(double[] values) {
        for (double v : values) {
            if (lostRange(v, (float) v)) {
                return false;
            }
        }
        return true;
    }

    /** Whether v, made float as f, left float's range: not finite, or nonzero but 0 or subnormal in float. */
    private static boolean lostRange(double v, float f) {
        return Math.abs(f) < Float.MIN_NORMAL ? v != 0 : !Float.isFinite(f);
    }

    /** Rows this kernel has handed to float64 so far. */
    @Override
    public long rowsRecomputed() {
        return recomputed;
    }

    @Override
    public int maxRows() {
        return maxRows;
    }

    @Override
    public void compute(double[] x, int xOff, int rows, double[] outputs, int outOff, double[] gradients, int gradOff) {
        int n1 = net.inputWidth();
        GradientKernel.checkBlock(n1, maxRows, x, xOff, rows, outputs, outOff, gradients, gradOff);
        if (rows == 0) {
            return;
        }
        if (!networkFits) {
            float64().compute(x, xOff, rows, outputs, outOff, gradients, gradOff);
            recomputed += rows;
            return;
        }
        Arrays.fill(lost, 0, rows, false);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < n1; j++) {
                input[j * rows + r] = (float) x[xOff + r * n1 + j];
            }
        }
        forward(rows);
        for (int r = 0; r < rows; r++) {
            outputs[outOff + r] = outputValue[r];
        }
        float[] g = backward(rows);
        int again = 0;
        for (int r = 0; r < rows; r++) {
            float largest = Float.isFinite(outputValue[r]) ? 0f : Float.NaN;
            for (int j = 0; j < n1; j++) {
                float v = g[j * rows + r];
                gradients[gradOff + r * n1 + j] = v;
                largest = Math.max(largest, Math.abs(v)); // NaN stays NaN
            }
            if (!(largest >= SMALL && largest <= Float.MAX_VALUE)) {
                lost[r] = true;
            }
            if (lost[r]) {
                again++;
            }
        }
        if (again > 0) {
            recompute(x, xOff, rows, outputs, outOff, gradients, gradOff);
            recomputed += again;
        }
    }

    private GradientKernel float64() {
        if (float64 == null) {
            float64 = new GradientKernel(net, outputIndex, maxRows, activations);
        }
        return float64;
    }

    /** The rows marked lost, again in float64, written over their float32 results. */
    private void recompute(double[] x, int xOff, int rows, double[] outputs, int outOff, double[] gradients,
                           int gradOff) {
        int n1 = net.inputWidth();
        if (x64 == null) {
            x64 = new double[maxRows * n1];
            y64 = new double[maxRows];
            g64 = new double[maxRows * n1];
        }
        int k = 0;
        for (int r = 0; r < rows; r++) {
            if (lost[r]) {
                System.arraycopy(x, xOff + r * n1, x64, k++ * n1, n1);
            }
        }
        float64().compute(x64, 0, k, y64, 0, g64, 0);
        k = 0;
        for (int r = 0; r < rows; r++) {
            if (lost[r]) {
                outputs[outOff + r] = y64[k];
                System.arraycopy(g64, k++ * n1, gradients, gradOff + r * n1, n1);
            }
        }
    }

    /**
     * σ and σ' of {@code z[from..to)} (feature-major, {@code rows} per neuron) in float64, written
     * back as float32, marking the rows where z, σ or σ' left float's range.
     */
    private void activate(Activation a, float[] z, float[] d, int from, int to, int rows) {
        for (int c = from; c < to; c += CHUNK) {
            int n = Math.min(CHUNK, to - c);
            for (int i = 0; i < n; i++) {
                float v = z[c + i];
                z64[i] = v;
                if (!Float.isFinite(v)) {
                    lost[(c + i) % rows] = true;
                }
            }
            activations.activate(a, z64, d64, 0, n);
            for (int i = 0; i < n; i++) {
                float v = (float) z64[i];
                float s = (float) d64[i];
                z[c + i] = v;
                d[c + i] = s;
                if (lostRange(z64[i], v) || lostRange(d64[i], s)) {
                    lost[(c + i) % rows] = true;
                }
            }
        }
    }

    private void forward(int rows) {
        float[] in = input;
        for (int k = 0; k < layers - 1; k++) {
            int width = net.widthAt(k + 1);
            int inWidth = net.widthAt(k);
            float[] z = hidden[k];
            int b0 = net.biasOffset(k);
            for (int i = 0; i < width; i++) {
                Arrays.fill(z, i * rows, (i + 1) * rows, bias[b0 + i]);
            }
            backend.forLayer(width, inWidth).multiplyAdd(w, net.weightOffset(k), width, inWidth, in, 0, rows, z, 0);
            activate(net.activationAt(k), z, slopes[k], 0, width * rows, rows);
            in = z;
        }
        int last = layers - 1;
        int inWidth = net.widthAt(last);
        Arrays.fill(outputValue, 0, rows, bias[net.biasOffset(last) + outputIndex]);
        backend.forLayer(1, inWidth).multiplyAdd(w, net.weightOffset(last) + outputIndex * inWidth, 1, inWidth,
                in, 0, rows, outputValue, 0);
        activate(net.activationAt(last), outputValue, outputSlope, 0, rows, rows);
    }

    private float[] backward(int rows) {
        int last = layers - 1;
        int inWidth = net.widthAt(last);
        int row = net.weightOffset(last) + outputIndex * inWidth;
        float[] g = backA;
        for (int j = 0; j < inWidth; j++) {
            float wj = w[row + j];
            int o = j * rows;
            if (layers == 1) {
                for (int r = 0; r < rows; r++) {
                    g[o + r] = wj * outputSlope[r];
                }
            } else {
                float[] s = slopes[last - 1];
                for (int r = 0; r < rows; r++) {
                    g[o + r] = wj * outputSlope[r] * s[o + r];
                }
            }
        }
        float[] spare = backB;
        for (int k = layers - 2; k >= 0; k--) {
            int width = net.widthAt(k + 1);
            int prevWidth = net.widthAt(k);
            if (k < layers - 2) {
                float[] s = slopes[k];
                int n = width * rows;
                for (int i = 0; i < n; i++) {
                    g[i] *= s[i];
                }
            }
            Arrays.fill(spare, 0, prevWidth * rows, 0f);
            backend.forLayer(prevWidth, width).multiplyAdd(wt, net.weightOffset(k), prevWidth, width, g, 0, rows,
                    spare, 0);
            float[] t = g;
            g = spare;
            spare = t;
        }
        return g;
    }
}
