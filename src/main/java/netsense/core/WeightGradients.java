package netsense.core;

import java.util.Objects;

/**
 * The gradient of a loss with respect to every weight and bias of a network, for a block of
 * rows, from the kernel's one backward recurrence: the forward pass keeps a[l] and σ'(z[l]),
 * the backward pass runs from the loss's seed ∂C_r/∂a[L] per row, and as it forms each layer's
 * δ[l] = g[l] ⊙ σ'(z[l]) (the {@link BlockKernel.DeltaSink}), the weight gradient is the
 * product over the block
 *
 * <pre>
 *   Σ_r ∂C_r/∂W[l] = Δ[l] · A[l-1]ᵀ,    Σ_r ∂C_r/∂b[l] = Δ[l] · 1
 * </pre>
 *
 * (Δ[l], A[l-1]: the block's δ[l] and a[l-1], one column per row). The same pass gives the
 * input gradient ∂C_r/∂x = g[1] when asked. float64 only.
 *
 * <p>Parameters and gradients are in {@link Network#parameters}'s layout. The network is this
 * object's private working copy: {@link #setParameters} overwrites it in place between blocks.
 * Not thread-safe (one per thread); no entry allocates.
 */
public final class WeightGradients implements BlockKernel.DeltaSink {
    private final Network work;
    private final GradientKernel kernel;
    private final Loss loss;
    private final int nL;
    private final int labelWidth;
    private final int weightCount;
    private final double[] outputs;
    private final double[] seeds;
    private double[] target;     // the gradient being added to, during a pass
    private boolean inputGradient;

    /**
     * @param net     the training network ({@link Loss#trainingNetwork}); its shape and
     *                activations, and its parameters until {@link #setParameters}
     * @param maxRows the largest block
     */
    public WeightGradients(Network net, Loss loss, int maxRows) {
        Objects.requireNonNull(net, "net");
        this.loss = Objects.requireNonNull(loss, "loss");
        loss.checkOutputs(net.outputWidth());
        this.work = net.withParameters(net.parameters());
        this.kernel = new GradientKernel(work, 0, maxRows);
        this.nL = net.outputWidth();
        this.labelWidth = loss.labelWidth(nL);
        this.weightCount = (int) net.weightCount();
        this.outputs = new double[maxRows * nL];
        this.seeds = new double[maxRows * nL];
    }

    /** The number of parameters P, the length of a gradient. */
    public int parameterCount() {
        return (int) work.parameterCount();
    }

    public int maxRows() {
        return kernel.maxRows();
    }

    /** Sets the parameters the next blocks are computed with ({@link Network#parameters}'s layout). Not modified: theta. */
    public void setParameters(double[] theta) {
        if (theta.length != parameterCount()) {
            throw new IllegalArgumentException("expected " + parameterCount() + " parameters, got " + theta.length);
        }
        work.overwriteParameters(theta);
    }

    /**
     * Adds {@code Σ_r ∂C_r/∂θ} over the block's rows to {@code gradient} and returns {@code Σ_r C_r}.
     *
     * @param x             Not modified: rows × n1 from {@code xOff}
     * @param y             Not modified: the labels, {@link Loss#labelWidth} per row from {@code yOff}
     * @param gradient      Modified: P entries, added to
     * @param inputGradient Modified unless null: ∂C_r/∂x, rows × n1 from {@code igOff}
     */
    public double addGradient(double[] x, int xOff, double[] y, int yOff, int rows, double[] gradient,
                              double[] inputGradient, int igOff) {
        check(x, xOff, y, yOff, rows);
        Objects.checkFromIndexSize(0, parameterCount(), gradient.length);
        if (inputGradient != null) {
            Objects.checkFromIndexSize(igOff, rows * work.inputWidth(), inputGradient.length);
        }
        if (rows == 0) {
            return 0;
        }
        kernel.forwardBlock(x, xOff, rows, outputs, 0);
        double cost = loss.rows(outputs, rows, nL, y, yOff, seeds);
        this.target = gradient;
        this.inputGradient = inputGradient != null;
        int g = kernel.backwardToSink(seeds, 0, rows, this);
        this.target = null;
        if (inputGradient != null) {
            kernel.storeGradients(g, rows, inputGradient, igOff, work.inputWidth());
        }
        return cost;
    }

    /** {@code Σ_r C_r} over the block: the forward pass alone. */
    public double cost(double[] x, int xOff, double[] y, int yOff, int rows) {
        check(x, xOff, y, yOff, rows);
        if (rows == 0) {
            return 0;
        }
        kernel.forwardBlock(x, xOff, rows, outputs, 0);
        return loss.rows(outputs, rows, nL, y, yOff, null);
    }

    /** The training network's outputs a[L] (logits for cross-entropy), rows × nL into {@code out} from {@code outOff}. */
    public void outputs(double[] x, int xOff, int rows, double[] out, int outOff) {
        Objects.checkFromIndexSize(xOff, rows * work.inputWidth(), x.length);
        Objects.checkFromIndexSize(outOff, rows * nL, out.length);
        if (rows > kernel.maxRows()) {
            throw new IllegalArgumentException("block of " + rows + " rows, this takes 0.." + kernel.maxRows());
        }
        if (rows > 0) {
            kernel.forwardBlock(x, xOff, rows, out, outOff);
        }
    }

    private void check(double[] x, int xOff, double[] y, int yOff, int rows) {
        if (rows < 0 || rows > kernel.maxRows()) {
            throw new IllegalArgumentException("block of " + rows + " rows, this takes 0.." + kernel.maxRows());
        }
        Objects.checkFromIndexSize(xOff, rows * work.inputWidth(), x.length);
        Objects.checkFromIndexSize(yOff, rows * labelWidth, y.length);
    }

    @Override
    public boolean wantsInputGradient() {
        return inputGradient;
    }

    /** Σ_r δ[j+1]_r a[j]_rᵀ into the weights of layer j, Σ_r δ[j+1]_r into its biases. */
    @Override
    public void delta(int j, int d, int rows) {
        double[] delta = kernel.workspace(d);
        double[] a = kernel.workspace(kernel.act(j));
        double[] grad = target;
        int m = work.widthAt(j + 1);
        int n = work.widthAt(j);
        int wOff = work.weightOffset(j);
        int bOff = weightCount + work.biasOffset(j);
        for (int i = 0; i < m; i++) {
            int di = i * rows;
            grad[bOff + i] += sum(delta, di, rows);
            int wi = wOff + i * n;
            for (int k = 0; k < n; k++) {
                grad[wi + k] += dot(delta, di, a, k * rows, rows);
            }
        }
    }

    private static double sum(double[] v, int off, int count) {
        double s = 0;
        for (int r = 0; r < count; r++) {
            s += v[off + r];
        }
        return s;
    }

    /** Four running sums: independent chains the CPU overlaps (the order is fixed, so are the bits). */
    private static double dot(double[] u, int uOff, double[] v, int vOff, int count) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int r = 0;
        for (; r + 3 < count; r += 4) {
            s0 = Math.fma(u[uOff + r], v[vOff + r], s0);
            s1 = Math.fma(u[uOff + r + 1], v[vOff + r + 1], s1);
            s2 = Math.fma(u[uOff + r + 2], v[vOff + r + 2], s2);
            s3 = Math.fma(u[uOff + r + 3], v[vOff + r + 3], s3);
        }
        for (; r < count; r++) {
            s0 = Math.fma(u[uOff + r], v[vOff + r], s0);
        }
        return (s0 + s1) + (s2 + s3);
    }
}
