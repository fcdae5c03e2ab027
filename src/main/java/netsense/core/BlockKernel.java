package netsense.core;

import java.util.Objects;

/**
 * Outputs and input gradients of a network for a block of points, by reverse mode: the forward
 * pass keeps σ'(z[l]) per layer, and the backward recurrence
 *
 * <pre>
 *   g[L] = v,    g[l-1] = (g[l] ⊙ σ_l'(z[l])) W[l],    v·∇x a[L](x) = g[1]
 * </pre>
 *
 * runs from a seed row vector v over the outputs: {@code e_k} for one output ({@link #compute}),
 * any v, one for the block or one per point ({@link #computeFromSeed}), or every {@code e_k} in
 * turn on one forward pass (the Jacobian, {@link #computeJacobian}).
 *
 * <p>One skeleton for every precision, in the manner of netlib's {@code dgemm} → {@code dgemmK}:
 * the public entries are {@code final}, check the block once (sizes, offsets, seed layout) and
 * call a check-free body, which is the recurrence written once as a sequence of steps on the
 * workspaces — fill a layer with its bias and {@code C += W·A} (or both at once), activate,
 * scale by the slopes, transpose the block in and out. The steps are what a precision implements
 * ({@link GradientKernel} in float64, {@link FloatGradientKernel} in float32), on its own
 * workspaces and products; the skeleton names a workspace by a number ({@link #act},
 * {@link #slope}, {@link #back}).
 *
 * <p>Layout: a block of B points is row-major, {@code B × n1} from an offset, and so are the
 * results. Inside, the block is feature-major — {@code n_l × B}, one row per neuron, one column
 * per point, one array per layer — so that every product is {@code C += M·A} with a small
 * weight matrix M and long rows ({@link MatrixProduct}): forward {@code Z[l] = W[l]·A[l-1] + b},
 * backward {@code G[l-1] = W[l]ᵀ·(G[l] ⊙ σ'(Z[l]))}. For one output k only row k of the last
 * layer is computed, and its backward step is an outer product (a product of inner
 * dimension 1) — unless the output layer is a softmax, whose every output depends on the whole
 * layer: then the whole layer is computed and the step through the softmax is
 * dz = s ⊙ (v − v·s) for the seed v (e_k for one output).
 *
 * <p>Workspaces are sized for {@code maxRows} at construction ({@link Plan}) and reused: no entry
 * allocates (the float32 kernel allocates its float64 fallback the first time a row needs it).
 * An instance is not thread-safe (one per thread); the {@link Network} is shared read-only.
 */
public abstract class BlockKernel implements BlockGradient {
    /** Arithmetic precision of the kernel; inputs and results are float64 either way. */
    public enum Precision {
        FLOAT64, FLOAT32;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Precision fromId(String id) {
            for (Precision p : values()) {
                if (p.id().equalsIgnoreCase(id)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unknown precision \"" + id + "\" (known: float64, float32)");
        }
    }

    /** What a body computes: which seed starts the backward pass, and so the width of its results. */
    enum Pass {
        /** g[L] = e_k for the kernel's output k: one output and n1 gradient entries per point. */
        ONE_OUTPUT,
        /** g[L] = v from the caller's seeds: nL outputs and n1 gradient entries per point. */
        SEED,
        /** every e_k in turn: nL outputs and nL × n1 gradient entries per point. */
        JACOBIAN
    }

    /**
     * The layer plan: widths, offsets into the network's flat arrays and the workspace sizes, read
     * once from the {@link Network}. Weight layer j = 0..H−1 maps a[j] (width {@code width[j]})
     * to a[j+1]; a[0] is the input, a[H] the output layer.
     */
    static final class Plan {
        final int layers;            // H = L − 1
        final int[] width;           // n_1 .. n_L at 0..H
        final int[] weightOffset;    // W[j] (width[j+1] × width[j], row-major) and its transpose, at 0..H−1
        final int[] biasOffset;
        final Activation[] activation;
        final double[] alpha;
        /** Whether the output layer is a softmax: every output is computed, and the backward step differs. */
        final boolean softmax;
        final int maxRows;
        final int widest;            // of the layers g runs through: n_1 .. n_{L-1}

        Plan(Network net, int maxRows) {
            this.layers = net.depth() - 1;
            this.width = net.widths();
            this.weightOffset = new int[layers];
            this.biasOffset = new int[layers];
            this.activation = new Activation[layers];
            this.alpha = new double[layers];
            int w = 0;
            for (int j = 0; j < layers; j++) {
                weightOffset[j] = net.weightOffset(j);
                biasOffset[j] = net.biasOffset(j);
                activation[j] = net.activationAt(j);
                alpha[j] = net.alphaAt(j);
                w = Math.max(w, width[j]);
            }
            this.softmax = activation[layers - 1] == Activation.SOFTMAX;
            this.maxRows = maxRows;
            this.widest = w;
        }

        /** Entries of the workspace holding a[l] (and σ'(z[l])): n_l × maxRows. */
        int layerSize(int l) {
            return Math.multiplyExact(width[l], maxRows);
        }

        /** Entries of each of the two backward workspaces. */
        int backSize() {
            return Math.multiplyExact(widest, maxRows);
        }

        int inputWidth() {
            return width[0];
        }

        int outputWidth() {
            return width[layers];
        }
    }

    final Network net;
    final Plan plan;
    private final int outputIndex;

    BlockKernel(Network net, int outputIndex, int maxRows) {
        checkArguments(net, outputIndex, maxRows);
        this.net = net;
        this.outputIndex = outputIndex;
        this.plan = new Plan(net, maxRows);
    }

    /** The kernel of that precision on this JVM's implementations. */
    public static BlockKernel create(Network net, int outputIndex, int maxRows, Precision precision) {
        return precision == Precision.FLOAT32
                ? new FloatGradientKernel(net, outputIndex, maxRows, FloatBackends.DEFAULT)
                : new GradientKernel(net, outputIndex, maxRows);
    }

    public final Network network() {
        return net;
    }

    /** k, the output whose gradient {@link #compute} takes. */
    public final int outputIndex() {
        return outputIndex;
    }

    /** The largest block an entry takes. */
    public final int maxRows() {
        return plan.maxRows;
    }

    /**
     * Rows this kernel computed again in float64 because its own arithmetic lost them (the
     * float32 kernel's rows beyond float's range); 0 for a float64 kernel.
     */
    public long rowsRecomputed() {
        return 0;
    }

    /**
     * Computes {@code outputs[outOff + r] = a[L]_k(x_r)} and
     * {@code gradients[gradOff + r·n1 + j] = ∂a[L]_k/∂x_j (x_r)} for {@code r < rows}, k the
     * kernel's {@link #outputIndex()}.
     *
     * @param x         Not modified: rows × n1, row-major from {@code xOff}
     * @param outputs   Modified: rows entries from {@code outOff}
     * @param gradients Modified: rows × n1 from {@code gradOff}
     */
    public final void compute(double[] x, int xOff, int rows, double[] outputs, int outOff, double[] gradients,
                              int gradOff) {
        checkBlock(x, xOff, rows, outputs, outOff, 1, gradients, gradOff, plan.inputWidth());
        if (rows > 0) {
            body(Pass.ONE_OUTPUT, x, xOff, rows, null, 0, 0, outputs, outOff, gradients, gradOff);
        }
    }

    /**
     * The gradient of {@code v·a[L]} from a seed row vector v over the outputs (the backward
     * pass from {@code g[L] = v}): {@code gradients[gradOff + r·n1 + j] = Σ_i v_i ∂a[L]_i/∂x_j (x_r)},
     * and every output, {@code outputs[outOff + r·nL + i] = a[L]_i(x_r)}. With v = e_k this is
     * {@link #compute} for output k (which is faster: it computes one output, not nL).
     *
     * @param x          Not modified: rows × n1, row-major from {@code xOff}
     * @param seeds      Not modified: v of point r at {@code seedOff + r·seedStride}, nL entries
     * @param seedStride 0 (one v for the whole block) or nL (one v per point, rows × nL row-major)
     * @param outputs    Modified: rows × nL from {@code outOff}
     * @param gradients  Modified: rows × n1 from {@code gradOff}
     */
    public final void computeFromSeed(double[] x, int xOff, int rows, double[] seeds, int seedOff, int seedStride,
                                      double[] outputs, int outOff, double[] gradients, int gradOff) {
        int nL = plan.outputWidth();
        checkBlock(x, xOff, rows, outputs, outOff, nL, gradients, gradOff, plan.inputWidth());
        Objects.requireNonNull(seeds, "seeds");
        if (seedStride == 0) {
            Objects.checkFromIndexSize(seedOff, nL, seeds.length);
        } else if (seedStride == nL) {
            Objects.checkFromIndexSize(seedOff, rows * nL, seeds.length);
        } else {
            throw new IllegalArgumentException("seed stride " + seedStride + ": it is 0 (one seed for the block) or "
                    + nL + " (one seed of nL entries per row)");
        }
        if (rows > 0) {
            body(Pass.SEED, x, xOff, rows, seeds, seedOff, seedStride, outputs, outOff, gradients, gradOff);
        }
    }

    /**
     * Every output and the gradient of every output, on one forward pass and nL backward passes:
     * {@code outputs[outOff + r·nL + i] = a[L]_i(x_r)} and
     * {@code jacobians[jacOff + (r·nL + i)·n1 + j] = ∂a[L]_i/∂x_j (x_r)} — per point the nL × n1
     * Jacobian, row-major.
     *
     * @param x         Not modified: rows × n1, row-major from {@code xOff}
     * @param outputs   Modified: rows × nL from {@code outOff}
     * @param jacobians Modified: rows × nL × n1 from {@code jacOff}
     */
    public final void computeJacobian(double[] x, int xOff, int rows, double[] outputs, int outOff,
                                      double[] jacobians, int jacOff) {
        int nL = plan.outputWidth();
        checkBlock(x, xOff, rows, outputs, outOff, nL, jacobians, jacOff, Math.multiplyExact(nL, plan.inputWidth()));
        if (rows > 0) {
            body(Pass.JACOBIAN, x, xOff, rows, null, 0, 0, outputs, outOff, jacobians, jacOff);
        }
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

    /** The checks every entry makes once per block, so that the body and its steps need none. */
    private void checkBlock(double[] x, int xOff, int rows, double[] outputs, int outOff, int outputsPerRow,
                            double[] gradients, int gradOff, int gradientsPerRow) {
        if (rows < 0 || rows > plan.maxRows) {
            throw new IllegalArgumentException("block of " + rows + " rows, this kernel takes 0.." + plan.maxRows);
        }
        Objects.checkFromIndexSize(xOff, rows * plan.inputWidth(), x.length);
        Objects.checkFromIndexSize(outOff, rows * outputsPerRow, outputs.length);
        Objects.checkFromIndexSize(gradOff, Math.multiplyExact(rows, gradientsPerRow), gradients.length);
    }

    // ---- the body: the recurrence, once; no checks (the entries made them) ----

    /** Workspace numbers: a[l] is {@code act(l)}, σ'(z[l]) is {@code slope(l)}, l = 0..H; then two backward ones. */
    final int act(int l) {
        return l;
    }

    final int slope(int l) {
        return plan.layers + 1 + l;
    }

    /** The first of the two backward workspaces; the other is {@code back() + 1}. */
    final int back() {
        return 2 * plan.layers + 2;
    }

    /** How many workspaces a precision allocates: {@link #workspaceSize} entries for number i. */
    final int workspaces() {
        return 2 * plan.layers + 4;
    }

    final int workspaceSize(int i) {
        int h = plan.layers;
        if (i == 0) {
            return plan.layerSize(0);           // the input
        }
        if (i <= h) {
            return plan.layerSize(i);           // a[1..H]
        }
        if (i == h + 1) {
            return 0;                           // σ' of the input: none
        }
        if (i <= 2 * h + 1) {
            return plan.layerSize(i - h - 1);   // σ'(z[1..H])
        }
        return plan.backSize();
    }

    /**
     * Computes one block; the float32 kernel wraps it (recomputing in float64 the rows it lost).
     * No checks: the entries made them. {@code seeds} is read only by {@link Pass#SEED}.
     */
    void body(Pass pass, double[] x, int xOff, int rows, double[] seeds, int seedOff, int seedStride,
              double[] outputs, int outOff, double[] gradients, int gradOff) {
        int h = plan.layers;
        int n1 = plan.inputWidth();
        int nL = plan.outputWidth();
        loadInput(x, xOff, rows);
        boolean one = pass == Pass.ONE_OUTPUT;
        boolean softmax = plan.softmax;
        // a softmax output needs its whole layer even for one output: each s_k depends on every z
        forward(one && !softmax ? outputIndex : -1, rows);
        storeOutputs(act(h), one && softmax ? outputIndex : 0, one ? 1 : nL, rows, outputs, outOff);
        if (softmax) {
            // the step through the softmax folds the seed in: slope(h) = s ⊙ (v − v·s), then W[L]ᵀ as for any seed
            switch (pass) {
                case ONE_OUTPUT -> {
                    softmaxSlopes(null, 0, 0, outputIndex, act(h), slope(h), nL, rows);
                    storeGradients(backward(-1, 0, rows, null), rows, gradients, gradOff, n1);
                }
                case SEED -> {
                    softmaxSlopes(seeds, seedOff, seedStride, -1, act(h), slope(h), nL, rows);
                    storeGradients(backward(-1, 0, rows, null), rows, gradients, gradOff, n1);
                }
                case JACOBIAN -> {
                    for (int k = 0; k < nL; k++) {
                        softmaxSlopes(null, 0, 0, k, act(h), slope(h), nL, rows);
                        storeGradients(backward(-1, 0, rows, null), rows, gradients, gradOff + k * n1, nL * n1);
                    }
                }
            }
            return;
        }
        switch (pass) {
            case ONE_OUTPUT -> storeGradients(backward(outputIndex, 0, rows, null), rows, gradients, gradOff, n1);
            case SEED -> {
                seedSlopes(seeds, seedOff, seedStride, slope(h), nL, rows);
                storeGradients(backward(-1, 0, rows, null), rows, gradients, gradOff, n1);
            }
            case JACOBIAN -> {
                for (int k = 0; k < nL; k++) {
                    storeGradients(backward(k, k, rows, null), rows, gradients, gradOff + k * n1, nL * n1);
                }
            }
        }
    }

    /**
     * a[1..H] and σ'(z[1..H]) from a[0]. With {@code only} ≥ 0, the output layer is that one
     * neuron, at row 0 of its workspaces; with −1, every neuron.
     */
    private void forward(int only, int rows) {
        Plan p = plan;
        for (int j = 0; j < p.layers; j++) {
            int m = p.width[j + 1];
            int n = p.width[j];
            int w = p.weightOffset[j];
            int b = p.biasOffset[j];
            if (only >= 0 && j == p.layers - 1) {
                w += only * n;
                b += only;
                m = 1;
            }
            affine(w, b, m, n, act(j), act(j + 1), rows);
            if (p.activation[j] == Activation.SOFTMAX) {
                softmax(act(j + 1), m, rows);
            } else {
                activate(p.activation[j], p.alpha[j], act(j + 1), slope(j + 1), m * rows, rows);
            }
        }
    }

    /**
     * g[1] by the backward recurrence; returns the workspace holding it (n1 × rows). With
     * {@code k} ≥ 0 from g[L] = e_k, whose σ'(z[L]_k) is row {@code slopeRow} of the output
     * slopes; with −1 from the seeds already folded into the output slopes (v ⊙ σ'(z[L])).
     * With a {@code sink}, each layer's δ is handed to it as it is formed, and the last product
     * (g[1]) is skipped, returning −1, when the sink does not want it.
     */
    private int backward(int k, int slopeRow, int rows, DeltaSink sink) {
        Plan p = plan;
        int h = p.layers;
        int last = h - 1;
        int width = p.width[last];
        int g = back();
        int spare = back() + 1;
        // each product leaves g[l] ⊙ σ'(z[l]), the factor the next one needs (none for g[1])
        int factor = last >= 1 ? slope(last) : -1;
        if (k >= 0) {
            // (e_k ⊙ σ'(z[L])) W[L] = row k of W[L] (a width × 1 matrix) times σ'(z[L]_k): an outer product
            product(false, p.weightOffset[last] + k * width, width, 1, slope(h), slopeRow * rows, g, factor, rows);
        } else {
            if (sink != null) {
                sink.delta(last, slope(h), rows);
                if (h == 1 && !sink.wantsInputGradient()) {
                    return -1;
                }
            }
            product(true, p.weightOffset[last], width, p.outputWidth(), slope(h), 0, g, factor, rows);
        }
        for (int l = h - 1; l >= 1; l--) {
            // g is δ of layer l: g[l] ⊙ σ'(z[l]), as the product before left it
            if (sink != null) {
                sink.delta(l - 1, g, rows);
                if (l == 1 && !sink.wantsInputGradient()) {
                    return -1;
                }
            }
            product(true, p.weightOffset[l - 1], p.width[l - 1], p.width[l], g, 0, spare, l > 1 ? slope(l - 1) : -1,
                    rows);
            int t = g;
            g = spare;
            spare = t;
        }
        return g;
    }

    // ---- the weight gradient's access to the recurrence (float64 training, WeightGradients) ----

    /**
     * Receives δ[l] = g[l] ⊙ σ'(z[l]) of each weight layer as the backward pass forms it, from the
     * last layer to the first: {@code delta(j, d, rows)} for weight layer j (a[j] → a[j+1]), δ in
     * workspace d ({@code n_{j+1} × rows}, feature-major) and a[j] in workspace {@code act(j)}.
     */
    interface DeltaSink {
        void delta(int j, int d, int rows);

        /** Whether the pass goes on to g[1], the input gradient. */
        boolean wantsInputGradient();
    }

    /**
     * The forward pass alone for a block (checked by the caller): every output stored,
     * a[l] and σ'(z[l]) kept in the workspaces for {@link #backwardToSink}.
     */
    final void forwardBlock(double[] x, int xOff, int rows, double[] outputs, int outOff) {
        loadInput(x, xOff, rows);
        forward(-1, rows);
        storeOutputs(act(plan.layers), 0, plan.outputWidth(), rows, outputs, outOff);
    }

    /**
     * The backward pass after {@link #forwardBlock}, from one seed v (∂C/∂a[L]) per row
     * ({@code rows × nL} from {@code seedOff}), through the same steps as {@link #computeFromSeed};
     * returns the workspace holding g[1], or −1 when the sink does not want it.
     */
    final int backwardToSink(double[] seeds, int seedOff, int rows, DeltaSink sink) {
        if (plan.softmax) { // the trainer folds a softmax output into its loss, on a network ending in identity
            throw new IllegalStateException("backwardToSink takes networks without a softmax layer");
        }
        int h = plan.layers;
        seedSlopes(seeds, seedOff, plan.outputWidth(), slope(h), plan.outputWidth(), rows);
        return backward(-1, 0, rows, sink);
    }

    // ---- the steps a precision implements: check-free, allocation-free ----

    /** a[0] = the block, turned feature-major: {@code rows × n1} row-major from {@code xOff}. */
    abstract void loadInput(double[] x, int xOff, int rows);

    /** Rows {@code 0..m} of workspace {@code z} (each {@code rows} long) set to {@code b[biasOff + i]}. */
    abstract void fillBias(int z, int biasOff, int m, int rows);

    /**
     * Workspace {@code c} ({@code m × rows}) += W·(workspace {@code a} from {@code aOff}, {@code n × rows}),
     * W {@code m × n} row-major at {@code wOff} in the weights, or with {@code transposed} in the
     * transposes (where W[j]ᵀ is stored at W[j]'s offset).
     */
    abstract void multiplyAdd(boolean transposed, int wOff, int m, int n, int a, int aOff, int c, int rows);

    /**
     * Workspace {@code c} ({@code m × rows}) = b + W·(workspace {@code a}, {@code n × rows}), W
     * {@code m × n} row-major at {@code wOff} in the weights, b from {@code biasOff} in the biases:
     * {@link #fillBias}, then {@link #multiplyAdd}, unless a precision does both at once.
     */
    void affine(int wOff, int biasOff, int m, int n, int a, int c, int rows) {
        fillBias(c, biasOff, m, rows);
        multiplyAdd(false, wOff, m, n, a, 0, c, rows);
    }

    /**
     * Workspace {@code c} ({@code m × rows}) = (W·(workspace {@code a} from {@code aOff})) ⊙ workspace
     * {@code s}, or without the factor when {@code s} is −1; W as in {@link #multiplyAdd}: zero,
     * {@link #multiplyAdd}, {@link #scale}, unless a precision does them at once.
     */
    void product(boolean transposed, int wOff, int m, int n, int a, int aOff, int c, int s, int rows) {
        zero(c, m * rows);
        multiplyAdd(transposed, wOff, m, n, a, aOff, c, rows);
        if (s >= 0) {
            scale(c, s, m * rows);
        }
    }

    /**
     * σ of {@code count} entries of workspace {@code z} in place, σ' into workspace {@code d}
     * ({@code alpha}: the layer's α); an elementwise σ.
     */
    abstract void activate(Activation f, double alpha, int z, int d, int count, int rows);

    /**
     * The softmax of each column (point) of workspace {@code z}, {@code m × rows}, in place; an
     * infinite entry (an overflow) is NaN first. (A step of its own: a branch in
     * {@link #activate} changes how the JIT inlines it, and vectors crossing a call are boxed.)
     */
    abstract void softmax(int z, int m, int rows);

    abstract void zero(int buffer, int count);

    /** Workspace {@code g} ⊙= workspace {@code s}, {@code count} entries. */
    abstract void scale(int g, int s, int count);

    /** Workspace {@code d} ({@code m × rows}) ⊙= the seeds, turned feature-major. */
    abstract void seedSlopes(double[] seeds, int seedOff, int seedStride, int d, int m, int rows);

    /**
     * Workspace {@code d} ({@code m × rows}) = s ⊙ (v − (v·s)) per point, s the softmax outputs in
     * workspace {@code s}, v the seed: e_k when {@code k} ≥ 0, else the seeds as for
     * {@link #seedSlopes}.
     */
    abstract void softmaxSlopes(double[] seeds, int seedOff, int seedStride, int k, int s, int d, int m, int rows);

    /**
     * The step through a softmax for point r: {@code dz = s ⊙ (v − v·s)}, s and dz of m entries,
     * v = e_k when {@code k} ≥ 0, else point r's seed.
     *
     * @param s  the softmax outputs; not modified unless it is {@code dz}
     * @param dz Modified; may be {@code s} (in place)
     */
    static void softmaxStep(double[] s, double[] dz, int m, double[] seeds, int seedOff, int seedStride, int k, int r) {
        int v0 = seedOff + r * seedStride;
        double dot = 0;
        if (k >= 0) {
            dot = s[k];
        } else {
            for (int i = 0; i < m; i++) {
                dot += seeds[v0 + i] * s[i];
            }
        }
        for (int i = 0; i < m; i++) {
            double v = k >= 0 ? (i == k ? 1.0 : 0.0) : seeds[v0 + i];
            dz[i] = s[i] * (v - dot);
        }
    }

    /** {@code outputs[outOff + r·m + i]} = workspace {@code a}, row {@code aRow + i}, column r. */
    abstract void storeOutputs(int a, int aRow, int m, int rows, double[] outputs, int outOff);

    /** {@code gradients[gradOff + r·stride + j]} = workspace {@code g}, row j, column r, j &lt; n1. */
    abstract void storeGradients(int g, int rows, double[] gradients, int gradOff, int stride);
}
