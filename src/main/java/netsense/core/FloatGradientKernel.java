package netsense.core;

import java.util.Arrays;

/**
 * The {@link BlockKernel} in float32 arithmetic: weights and workspaces in float, products on
 * float vectors or BLAS sgemm — about twice the speed on wide networks, at float32 accuracy
 * (the tests bound the difference from float64 at 1e-4 of the gradient's largest entry).
 * Inputs, seeds and results stay float64 at the interface; activations are evaluated in
 * float64.
 *
 * <p>float32 must not reject or distort what float64 computes, so a row is recomputed by a
 * float64 kernel held here when its float32 pass left float's range: an input, a
 * pre-activation, an activation, a σ' or a seed times σ' that is not finite in float, or that
 * is nonzero in float64 but 0 or subnormal in float (σ'(−110) = 6e-49 is 0 in float); or a
 * result whose output or gradient is not finite, or whose largest gradient entry is below
 * 2^-102 (so that entries 2^-24 below it would be subnormal) — for the Jacobian, any of its nL
 * gradients. A gradient that is exactly 0 (a seed orthogonal to the outputs' gradients, a dead
 * relu) is therefore recomputed too. A network whose weights or biases do not all fit float's
 * normal range is computed in float64 throughout. {@link #rowsRecomputed()} counts those rows.
 * The float64 kernel and its buffers are made the first time a row needs them.
 */
final class FloatGradientKernel extends BlockKernel {
    private static final int CHUNK = 1024;

    /** Below this largest |gradient entry| a float32 row is recomputed: 2^-24 under it is float's least normal. */
    private static final float SMALL = Float.MIN_NORMAL * 0x1p24f;

    private final FloatBackends.Backend backend;
    private final Backends.Backend activations = Backends.DEFAULT;
    private final float[] w;
    private final float[] wt;
    private final float[] bias;
    private final float[][] work;   // numbered as BlockKernel.act / slope / back
    private final double[] z64 = new double[CHUNK];
    private final double[] d64 = new double[CHUNK];
    /** Whether each row of the block left float's range (see the class comment). */
    private final boolean[] lost;
    private final boolean networkFits;
    private GradientKernel float64;
    private double[] x64;
    private double[] seeds64;
    private double[] y64;
    private double[] g64;
    private double[] col64;
    private long recomputed;

    FloatGradientKernel(Network net, int outputIndex, int maxRows, FloatBackends.Backend backend) {
        super(net, outputIndex, maxRows);
        this.backend = backend;
        float[][] single = net.singlePrecision();
        this.w = single[0];
        this.wt = single[1];
        this.bias = single[2];
        this.work = new float[workspaces()][];
        for (int i = 0; i < work.length; i++) {
            work[i] = new float[workspaceSize(i)];
        }
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

    /** The float32 body, then the rows it lost again in float64, written over their float32 results. */
    @Override
    void body(Pass pass, double[] x, int xOff, int rows, double[] seeds, int seedOff, int seedStride,
              double[] outputs, int outOff, double[] gradients, int gradOff) {
        if (!networkFits) {
            float64().body(pass, x, xOff, rows, seeds, seedOff, seedStride, outputs, outOff, gradients, gradOff);
            recomputed += rows;
            return;
        }
        Arrays.fill(lost, 0, rows, false);
        super.body(pass, x, xOff, rows, seeds, seedOff, seedStride, outputs, outOff, gradients, gradOff);
        int again = 0;
        for (int r = 0; r < rows; r++) {
            if (lost[r]) {
                again++;
            }
        }
        if (again > 0) {
            recompute(pass, x, xOff, rows, seeds, seedOff, seedStride, outputs, outOff, gradients, gradOff);
            recomputed += again;
        }
    }

    private GradientKernel float64() {
        if (float64 == null) {
            float64 = new GradientKernel(net, outputIndex(), maxRows(), activations);
        }
        return float64;
    }

    /** The rows marked lost, gathered, computed in float64 and scattered back. */
    private void recompute(Pass pass, double[] x, int xOff, int rows, double[] seeds, int seedOff, int seedStride,
                           double[] outputs, int outOff, double[] gradients, int gradOff) {
        int n1 = plan.inputWidth();
        int nL = plan.outputWidth();
        int outWidth = pass == Pass.ONE_OUTPUT ? 1 : nL;
        int gradWidth = pass == Pass.JACOBIAN ? nL * n1 : n1;
        int max = maxRows();
        x64 = atLeast(x64, max * n1);
        y64 = atLeast(y64, max * outWidth);
        g64 = atLeast(g64, Math.multiplyExact(max, gradWidth));
        if (seedStride != 0) {
            seeds64 = atLeast(seeds64, max * nL);
        }
        int k = 0;
        for (int r = 0; r < rows; r++) {
            if (lost[r]) {
                System.arraycopy(x, xOff + r * n1, x64, k * n1, n1);
                if (seedStride != 0) {
                    System.arraycopy(seeds, seedOff + r * seedStride, seeds64, k * nL, nL);
                }
                k++;
            }
        }
        float64().body(pass, x64, 0, k, seedStride != 0 ? seeds64 : seeds, seedStride != 0 ? 0 : seedOff,
                seedStride, y64, 0, g64, 0);
        k = 0;
        for (int r = 0; r < rows; r++) {
            if (lost[r]) {
                System.arraycopy(y64, k * outWidth, outputs, outOff + r * outWidth, outWidth);
                System.arraycopy(g64, k * gradWidth, gradients, gradOff + r * gradWidth, gradWidth);
                k++;
            }
        }
    }

    /** a when it holds n entries, a new array otherwise (once per kind of pass). */
    private static double[] atLeast(double[] a, int n) {
        return a != null && a.length >= n ? a : new double[n];
    }

    @Override
    void loadInput(double[] x, int xOff, int rows) {
        float[] a = work[act(0)];
        int n1 = plan.inputWidth();
        for (int r = 0; r < rows; r++) {
            int s = xOff + r * n1;
            for (int j = 0; j < n1; j++) {
                a[j * rows + r] = (float) x[s + j];
            }
        }
    }

    @Override
    void fillBias(int z, int biasOff, int m, int rows) {
        float[] a = work[z];
        for (int i = 0; i < m; i++) {
            Arrays.fill(a, i * rows, (i + 1) * rows, bias[biasOff + i]);
        }
    }

    @Override
    void multiplyAdd(boolean transposed, int wOff, int m, int n, int a, int aOff, int c, int rows) {
        backend.forLayer(m, n).multiplyAdd(transposed ? wt : w, wOff, m, n, work[a], aOff, rows, work[c], 0);
    }

    /**
     * σ and σ' in float64, chunk by chunk, written back as float32, marking the rows where z,
     * σ or σ' left float's range (z is feature-major, {@code rows} per neuron).
     */
    @Override
    void activate(Activation f, double alpha, int zi, int di, int count, int rows) {
        float[] z = work[zi];
        float[] d = work[di];
        for (int c = 0; c < count; c += CHUNK) {
            int n = Math.min(CHUNK, count - c);
            for (int i = 0; i < n; i++) {
                float v = z[c + i];
                z64[i] = v;
                if (!Float.isFinite(v)) {
                    lost[(c + i) % rows] = true;
                }
            }
            activations.activate(f, alpha, z64, d64, 0, n);
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

    /** Each column's softmax in float64, marking the columns where z or s left float's range. */
    @Override
    void softmax(int zi, int m, int rows) {
        float[] z = work[zi];
        double[] col = column64(m);
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < m; i++) {
                float v = z[i * rows + r];
                col[i] = Float.isInfinite(v) ? Double.NaN : v; // an overflow, as in Backends.Backend.activate
                if (!Float.isFinite(v)) {
                    lost[r] = true;
                }
            }
            Activation.softmax(col, 0, m, 1);
            for (int i = 0; i < m; i++) {
                float s = (float) col[i];
                z[i * rows + r] = s;
                if (lostRange(col[i], s)) {
                    lost[r] = true;
                }
            }
        }
    }

    private double[] column64(int m) {
        if (col64 == null || col64.length < m) {
            col64 = new double[m]; // once: the output layer's width
        }
        return col64;
    }

    /** s ⊙ (v − v·s) formed in float64 and rounded once, marking the rows where it left float's range. */
    @Override
    void softmaxSlopes(double[] seeds, int seedOff, int seedStride, int k, int si, int di, int m, int rows) {
        float[] s = work[si];
        float[] d = work[di];
        double[] col = column64(m);
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < m; i++) {
                col[i] = s[i * rows + r];
            }
            softmaxStep(col, col, m, seeds, seedOff, seedStride, k, r);
            for (int i = 0; i < m; i++) {
                float f = (float) col[i];
                d[i * rows + r] = f;
                if (lostRange(col[i], f)) {
                    lost[r] = true;
                }
            }
        }
    }

    @Override
    void zero(int buffer, int count) {
        Arrays.fill(work[buffer], 0, count, 0f);
    }

    @Override
    void scale(int g, int s, int count) {
        float[] a = work[g];
        float[] b = work[s];
        for (int i = 0; i < count; i++) {
            a[i] *= b[i];
        }
    }

    /** v ⊙ σ' formed in float64 and rounded once, marking the rows where it left float's range. */
    @Override
    void seedSlopes(double[] seeds, int seedOff, int seedStride, int di, int m, int rows) {
        float[] d = work[di];
        for (int i = 0; i < m; i++) {
            int o = i * rows;
            for (int r = 0; r < rows; r++) {
                double v = seeds[seedOff + r * seedStride + i] * d[o + r];
                float f = (float) v;
                d[o + r] = f;
                if (lostRange(v, f)) {
                    lost[r] = true;
                }
            }
        }
    }

    /** The outputs, marking the rows whose output is not finite. */
    @Override
    void storeOutputs(int ai, int aRow, int m, int rows, double[] outputs, int outOff) {
        float[] a = work[ai];
        for (int r = 0; r < rows; r++) {
            int o = outOff + r * m;
            for (int i = 0; i < m; i++) {
                float v = a[(aRow + i) * rows + r];
                outputs[o + i] = v;
                if (!Float.isFinite(v)) {
                    lost[r] = true;
                }
            }
        }
    }

    /** The gradients, marking the rows whose largest entry is not finite or below {@link #SMALL}. */
    @Override
    void storeGradients(int gi, int rows, double[] gradients, int gradOff, int stride) {
        float[] g = work[gi];
        int n1 = plan.inputWidth();
        for (int r = 0; r < rows; r++) {
            int o = gradOff + r * stride;
            float largest = 0f;
            for (int j = 0; j < n1; j++) {
                float v = g[j * rows + r];
                gradients[o + j] = v;
                largest = Math.max(largest, Math.abs(v)); // NaN stays NaN
            }
            if (!(largest >= SMALL && largest <= Float.MAX_VALUE)) {
                lost[r] = true;
            }
        }
    }
}
