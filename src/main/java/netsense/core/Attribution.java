package netsense.core;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * Per-row attributions of a network's output by one of the field's methods (SPEC, "Attribution
 * methods and all outputs"), computed by streaming each row's points — the row itself, the
 * points of its integration path, its noisy copies — through a {@link BlockGradient} kernel in
 * chunks of the kernel's block size, and folding the points' gradients back into one vector a
 * row:
 *
 * <pre>
 *   gradient              g = ∇f(x)
 *   input-x-gradient      x ⊙ g
 *   integrated-gradients  (x − x') ⊙ Σ_k w_k ∇f(x' + α_k (x − x')),   delta = Σ_i attr_i − (f(x) − f(x'))
 *   smoothgrad            mean over s of ∇f(x + ε_s)        ε_s,i = σ_i · N(0, 1) from (seed, row key, s, i)
 *   smoothgrad-sq         mean over s of ∇f(x + ε_s)²
 *   vargrad               population variance over s of ∇f(x + ε_s)
 * </pre>
 *
 * f is one output (the kernel's) or, with {@code allOutputs}, every output in turn on the same
 * forward passes (the kernel's Jacobian). A row's points are folded in a fixed order
 * (path points and samples in order), so a row's result does not depend on which rows share
 * its block or on the chunking. The hot loop allocates nothing; an instance is not
 * thread-safe.
 */
public final class Attribution {
    /** The methods, with their command-line names. */
    public enum Method {
        GRADIENT("gradient"),
        INPUT_X_GRADIENT("input-x-gradient"),
        INTEGRATED_GRADIENTS("integrated-gradients"),
        SMOOTHGRAD("smoothgrad"),
        SMOOTHGRAD_SQ("smoothgrad-sq"),
        VARGRAD("vargrad");

        private final String id;

        Method(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        /** Whether the method draws noise (and so needs each row's key). */
        public boolean noisy() {
            return this == SMOOTHGRAD || this == SMOOTHGRAD_SQ || this == VARGRAD;
        }

        public static Method fromId(String id) {
            for (Method m : values()) {
                if (m.id.equalsIgnoreCase(id)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown method \"" + id + "\" (known: gradient, input-x-gradient,"
                    + " integrated-gradients, smoothgrad, smoothgrad-sq, vargrad)");
        }

        @Override
        public String toString() {
            return id.toLowerCase(Locale.ROOT);
        }
    }

    /**
     * What to compute. {@code steps} and {@code quadrature} are integrated gradients';
     * {@code samples}, {@code noiseStd} (σ per input dimension) and {@code seed} SmoothGrad's.
     */
    public record Settings(Method method, int steps, Quadrature quadrature, int samples, double[] noiseStd,
                           long seed) implements java.io.Serializable {
        public Settings {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(quadrature, "quadrature");
            if (method == Method.INTEGRATED_GRADIENTS) {
                quadrature.rule(steps); // refuses a step count out of range
            }
            if (method.noisy()) {
                if (samples < 1) {
                    throw new IllegalArgumentException("samples must be at least 1, got " + samples);
                }
                Objects.requireNonNull(noiseStd, "noiseStd");
                for (double s : noiseStd) {
                    if (!(s >= 0 && s < Double.POSITIVE_INFINITY)) {
                        throw new IllegalArgumentException("noise standard deviations are finite and not negative, got "
                                + s);
                    }
                }
            }
        }

        /** The plain gradient. */
        public static Settings gradient() {
            return new Settings(Method.GRADIENT, 50, Quadrature.GAUSS_LEGENDRE, 20, null, 0);
        }
    }

    private final BlockGradient kernel;
    private final Settings settings;
    private final Method method;
    private final int n1;
    private final int outputs;         // J: 1, or nL with allOutputs
    private final boolean allOutputs;
    private final int perRow;          // points a row
    private final double[] alpha;
    private final double[] weight;
    private final int chunk;
    private final double[] points;
    private final double[] pointOutputs;
    private final double[] pointGradients;
    private double[] spread = new double[0]; // vargrad's running sums of squared deviations
    private double[] baselineOutputs = new double[0];

    /**
     * @param kernel     computes the points (one output, or all of them with {@code allOutputs})
     * @param n1         the input width
     * @param nL         the network's output count (used with {@code allOutputs})
     */
    public Attribution(BlockGradient kernel, int n1, int nL, boolean allOutputs, Settings settings) {
        this.kernel = Objects.requireNonNull(kernel, "kernel");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.method = settings.method();
        this.n1 = n1;
        this.allOutputs = allOutputs;
        this.outputs = allOutputs ? nL : 1;
        if (method.noisy() && settings.noiseStd().length != n1) {
            throw new IllegalArgumentException("noise standard deviations for " + settings.noiseStd().length
                    + " dimensions, the input has " + n1);
        }
        switch (method) {
            case INTEGRATED_GRADIENTS -> {
                double[][] rule = settings.quadrature().rule(settings.steps());
                alpha = rule[0];
                weight = rule[1];
                perRow = settings.steps() + 2; // the path, then x and x'
            }
            case SMOOTHGRAD, SMOOTHGRAD_SQ, VARGRAD -> {
                alpha = null;
                weight = null;
                perRow = settings.samples() + 1; // the noisy copies, then x
            }
            default -> {
                alpha = null;
                weight = null;
                perRow = 1;
            }
        }
        this.chunk = kernel.maxRows();
        this.points = new double[Math.multiplyExact(chunk, n1)];
        this.pointOutputs = new double[Math.multiplyExact(chunk, outputs)];
        this.pointGradients = new double[Math.multiplyExact(Math.multiplyExact(chunk, outputs), n1)];
    }

    public Settings settings() {
        return settings;
    }

    /** The outputs each row's vector is computed for: 1, or nL for all outputs. */
    public int outputsPerRow() {
        return outputs;
    }

    /** Gradient evaluations (kernel points) per row. */
    public int pointsPerRow() {
        return perRow;
    }

    /** The kernel's rows computed again in float64 so far. */
    public long rowsRecomputed() {
        return kernel.rowsRecomputed();
    }

    /**
     * Attributions of {@code rows} rows.
     *
     * @param x         Not modified: rows × n1 from {@code xOff}
     * @param keys      Not modified: each row's key (the noise's), from 0; may be null unless noisy
     * @param baselines Not modified: integrated gradients' x', n1 entries a row from {@code baseOff}
     *                  every {@code baseStride} (n1: one a row; 0: one for all); null: zero
     * @param out       Modified: rows × J outputs f(x) from 0
     * @param vectors   Modified: rows × J × n1 from 0, the attributions
     * @param deltas    Modified unless null: rows × J completeness gaps from 0 (integrated gradients; 0 otherwise)
     */
    public void compute(double[] x, int xOff, int rows, long[] keys, double[] baselines, int baseOff, int baseStride,
                        double[] out, double[] vectors, double[] deltas) {
        Objects.checkFromIndexSize(xOff, rows * n1, x.length);
        Objects.checkFromIndexSize(0, rows * outputs, out.length);
        Objects.checkFromIndexSize(0, rows * outputs * n1, vectors.length);
        if (method.noisy()) {
            Objects.requireNonNull(keys, "keys");
            Objects.checkFromIndexSize(0, rows, keys.length);
        }
        if (baselines != null) {
            Objects.checkFromIndexSize(baseOff, baseStride * Math.max(0, rows - 1) + n1, baselines.length);
        }
        if (method == Method.GRADIENT) { // the points are the rows: straight through, chunk by chunk
            for (int r0 = 0; r0 < rows; r0 += chunk) {
                int m = Math.min(chunk, rows - r0);
                evaluate(x, xOff + r0 * n1, m, out, r0 * outputs, vectors, r0 * outputs * n1);
            }
            zeroDeltas(deltas, rows);
            return;
        }
        int vectorEntries = rows * outputs * n1;
        Arrays.fill(vectors, 0, vectorEntries, 0.0);
        if (method == Method.VARGRAD) {
            if (spread.length < vectorEntries) {
                spread = new double[vectorEntries];
            }
            Arrays.fill(spread, 0, vectorEntries, 0.0);
        }
        if (method == Method.INTEGRATED_GRADIENTS && baselineOutputs.length < rows * outputs) {
            baselineOutputs = new double[rows * outputs];
        }
        long total = (long) rows * perRow;
        for (long q0 = 0; q0 < total; q0 += chunk) {
            int m = (int) Math.min(chunk, total - q0);
            for (int p = 0; p < m; p++) {
                long q = q0 + p;
                point(x, xOff, keys, baselines, baseOff, baseStride, (int) (q / perRow), (int) (q % perRow), p);
            }
            evaluate(points, 0, m, pointOutputs, 0, pointGradients, 0);
            for (int p = 0; p < m; p++) {
                long q = q0 + p;
                fold((int) (q / perRow), (int) (q % perRow), p, out, vectors);
            }
        }
        finish(x, xOff, rows, baselines, baseOff, baseStride, out, vectors, deltas);
    }

    private void evaluate(double[] px, int pxOff, int m, double[] o, int oOff, double[] g, int gOff) {
        if (allOutputs) {
            kernel.computeJacobian(px, pxOff, m, o, oOff, g, gOff);
        } else {
            kernel.compute(px, pxOff, m, o, oOff, g, gOff);
        }
    }

    /** Writes point k of row r into chunk place p. */
    private void point(double[] x, int xOff, long[] keys, double[] baselines, int baseOff, int baseStride, int r,
                       int k, int p) {
        int src = xOff + r * n1;
        int dst = p * n1;
        switch (method) {
            case INTEGRATED_GRADIENTS -> {
                int b = baseOff + r * baseStride;
                if (k == perRow - 1) { // x'
                    for (int j = 0; j < n1; j++) {
                        points[dst + j] = baselines == null ? 0.0 : baselines[b + j];
                    }
                } else if (k == perRow - 2) { // x
                    System.arraycopy(x, src, points, dst, n1);
                } else {
                    double a = alpha[k];
                    for (int j = 0; j < n1; j++) {
                        double base = baselines == null ? 0.0 : baselines[b + j];
                        points[dst + j] = base + a * (x[src + j] - base);
                    }
                }
            }
            case SMOOTHGRAD, SMOOTHGRAD_SQ, VARGRAD -> {
                if (k == perRow - 1) { // x
                    System.arraycopy(x, src, points, dst, n1);
                } else {
                    double[] sigma = settings.noiseStd();
                    long key = keys[r];
                    for (int j = 0; j < n1; j++) {
                        double s = sigma[j];
                        points[dst + j] = s == 0 ? x[src + j]
                                : x[src + j] + s * KeyedRandom.normal(settings.seed(), key, k, j);
                    }
                }
            }
            default -> System.arraycopy(x, src, points, dst, n1);
        }
    }

    /** Adds point k of row r (at chunk place p) to the row's result. */
    private void fold(int r, int k, int p, double[] out, double[] vectors) {
        int width = outputs * n1;
        int g = p * width;
        int v = r * width;
        switch (method) {
            case INPUT_X_GRADIENT -> {
                System.arraycopy(pointOutputs, p * outputs, out, r * outputs, outputs);
                System.arraycopy(pointGradients, g, vectors, v, width);
            }
            case INTEGRATED_GRADIENTS -> {
                if (k == perRow - 1) {
                    System.arraycopy(pointOutputs, p * outputs, baselineOutputs, r * outputs, outputs);
                } else if (k == perRow - 2) {
                    System.arraycopy(pointOutputs, p * outputs, out, r * outputs, outputs);
                } else {
                    double w = weight[k];
                    for (int i = 0; i < width; i++) {
                        vectors[v + i] += w * pointGradients[g + i];
                    }
                }
            }
            case SMOOTHGRAD -> {
                if (k == perRow - 1) {
                    System.arraycopy(pointOutputs, p * outputs, out, r * outputs, outputs);
                } else {
                    for (int i = 0; i < width; i++) {
                        vectors[v + i] += pointGradients[g + i];
                    }
                }
            }
            case SMOOTHGRAD_SQ -> {
                if (k == perRow - 1) {
                    System.arraycopy(pointOutputs, p * outputs, out, r * outputs, outputs);
                } else {
                    for (int i = 0; i < width; i++) {
                        double d = pointGradients[g + i];
                        vectors[v + i] += d * d;
                    }
                }
            }
            case VARGRAD -> {
                if (k == perRow - 1) {
                    System.arraycopy(pointOutputs, p * outputs, out, r * outputs, outputs);
                } else { // Welford: vectors hold the running mean, spread the sum of squared deviations
                    double count = k + 1;
                    for (int i = 0; i < width; i++) {
                        double d = pointGradients[g + i];
                        double mean = vectors[v + i];
                        double delta = d - mean;
                        mean += delta / count;
                        vectors[v + i] = mean;
                        spread[v + i] += delta * (d - mean);
                    }
                }
            }
            default -> throw new IllegalStateException(method.id());
        }
    }

    private void finish(double[] x, int xOff, int rows, double[] baselines, int baseOff, int baseStride,
                        double[] out, double[] vectors, double[] deltas) {
        int width = outputs * n1;
        int samples = settings.samples();
        for (int r = 0; r < rows; r++) {
            int v = r * width;
            switch (method) {
                case INPUT_X_GRADIENT -> {
                    for (int o = 0; o < outputs; o++) {
                        for (int j = 0; j < n1; j++) {
                            vectors[v + o * n1 + j] *= x[xOff + r * n1 + j];
                        }
                    }
                }
                case INTEGRATED_GRADIENTS -> {
                    int b = baseOff + r * baseStride;
                    for (int o = 0; o < outputs; o++) {
                        double sum = 0;
                        for (int j = 0; j < n1; j++) {
                            double base = baselines == null ? 0.0 : baselines[b + j];
                            double a = (x[xOff + r * n1 + j] - base) * vectors[v + o * n1 + j];
                            vectors[v + o * n1 + j] = a;
                            sum += a;
                        }
                        if (deltas != null) {
                            deltas[r * outputs + o] = sum - (out[r * outputs + o] - baselineOutputs[r * outputs + o]);
                        }
                    }
                }
                case SMOOTHGRAD, SMOOTHGRAD_SQ -> {
                    for (int i = 0; i < width; i++) {
                        vectors[v + i] /= samples;
                    }
                }
                case VARGRAD -> {
                    for (int i = 0; i < width; i++) {
                        vectors[v + i] = spread[v + i] / samples;
                    }
                }
                default -> { }
            }
        }
        if (method != Method.INTEGRATED_GRADIENTS) {
            zeroDeltas(deltas, rows);
        }
    }

    private void zeroDeltas(double[] deltas, int rows) {
        if (deltas != null) {
            Arrays.fill(deltas, 0, rows * outputs, 0.0);
        }
    }
}
