package netsense.core;

import java.io.Serializable;

/**
 * A mergeable summary of gradient rows, holding every figure of summary.json: the number of
 * rows; per input dimension the mean, mean |g|, mean g² (the DGSM ν_i), sample standard
 * deviation and extremes; the same moments of the output; and of the gradient's L1, L2 and
 * L∞ norms the moments plus p50/p90/p99 from KLL quantile sketches ({@link QuantileSketch}).
 *
 * <p>Zero / update / merge in the manner of Spark's {@code MultivariateOnlineSummarizer}: a new
 * summary is empty, {@link #addBlock} and {@link #merge} mutate it, and the result of merging is
 * the same, up to rounding far below 1e-9, whatever the split (see {@link Moments}). Quantiles
 * are within {@link #quantileRankError()} in rank. Undefined figures (anything of zero rows,
 * a standard deviation of one row) are {@code null}, and so is a figure beyond the double range
 * (a mean g² of gradients above about 1.3e154). Sums, squares and norms are formed so that they
 * neither under- nor overflow for any finite gradient ({@link Moments}, {@link #rowNorms}); a
 * constant column has standard deviation exactly 0, and −0.0 comes out as 0.0. Serializable
 * compactly.
 *
 * <p><b>Weights</b> ({@link #addWeightedBlock}): each row may carry a <em>frequency weight</em>,
 * a whole number w ≥ 0 — the row counts as w copies of itself, as in a bootstrap replicate's
 * Poisson weights. Every figure is then that of the rows repeated w times: weighted means, the
 * sample standard deviation with W − 1 in the denominator (W = Σw), extremes over the rows of
 * weight &gt; 0, and quantiles from sketches that take a row of weight w as w updates (the same
 * sketch as the repeated rows give, at a cost proportional to w). A row of weight 0 does not
 * count; {@link #count()} is the number of rows of weight &gt; 0 and {@link #weight()} is W.
 * Unweighted rows are rows of weight 1: the unweighted methods give the same figures, bit for
 * bit, as they did before weights existed.
 *
 * <p><b>Inputs and quantiles</b> (issue "global sensitivity"). The entries that also take the
 * rows' inputs x ({@link #addBlock(double[], int, double[], int, int, double[], double[], int)},
 * {@link #addWeightedBlock(double[], int, double[], int, double[], int, int, double[], double[], int)})
 * keep per input dimension the mean, sample std, min and max of x_i ({@link #input(int)}), with the
 * same {@link Moments} as the vector's. A summary takes inputs with every block or with none
 * ({@link #hasInputs()}); the figures of the vector, output and norms are the same either way,
 * bit for bit. Every entry also feeds per-dimension histograms of the vector's entries
 * ({@link DimensionQuantiles}): {@link #quantiles(int)} gives p05 … p95 within
 * {@link DimensionQuantiles#RELATIVE_ACCURACY} of the exact values, the same whatever the split
 * and the order of merges; at most {@link DimensionQuantiles#maxBucketBytes(int)} bytes.
 */
public final class GradientSummary implements Serializable {
    private static final long serialVersionUID = 3L;

    /** The sketches' accuracy parameter k: normalised rank error about 0.07 %. */
    public static final int SKETCH_K = 4000;

    /** The per-row scalars summarised beside the gradient: one index for their moments and their sketches. */
    public enum Scalar { OUTPUT, L1, L2, LINF }

    private static final int SCALARS = Scalar.values().length;

    /**
     * A distribution as a quantile sketch holds it (within {@link #quantileRankError()} in
     * rank; exact up to {@link #SKETCH_K} rows), for figures and charts: NaN figures when empty.
     */
    public interface Distribution {
        long count();

        double min();

        double max();

        /** The fraction of the values strictly below x: 0 at or below min, 1 above max. */
        double fractionBelow(double x);

        /** The smallest value v with at least {@code rank · count} values ≤ v. */
        double quantile(double rank);
    }

    private final int dimensions;
    private final Moments gradient;
    private final Moments scalars;         // columns indexed by Scalar
    private final QuantileSketch[] sketches;  // indexed by Scalar
    private final DimensionQuantiles quantiles; // of the vector's entries
    private Moments inputs;                     // of x; null while no block came with inputs
    private transient double[] rowScalars;

    /** An empty summary of gradients with {@code dimensions} entries. */
    public GradientSummary(int dimensions) {
        this.dimensions = dimensions;
        this.gradient = new Moments(dimensions);
        this.scalars = Moments.spread(SCALARS); // output and norms: mean, std, extremes
        this.sketches = new QuantileSketch[SCALARS];
        this.quantiles = new DimensionQuantiles(dimensions, false); // the extremes are the moments'
        for (int i = 0; i < SCALARS; i++) {
            sketches[i] = new QuantileSketch(SKETCH_K);
        }
    }

    /** The normalised rank error of the p50/p90/p99 figures (single-sided, 99 % confidence). */
    public static double quantileRankError() {
        return QuantileSketch.rankError(SKETCH_K);
    }

    public int dimensions() {
        return dimensions;
    }

    /** The number of rows summarised (of weight &gt; 0). */
    public long count() {
        return gradient.count();
    }

    /** W, the total weight of the rows summarised: {@link #count()} when no row was weighted. */
    public double weight() {
        return gradient.weight();
    }

    /**
     * The L1, L2 and L∞ norms of one gradient row, exact to a few ulps for every finite row: the
     * L2 norm is formed scaled by a power of two near the largest |g_i|, so that the squares
     * neither underflow (|g_i| below 1e-162) nor overflow (above 1.3e154). A norm beyond the
     * double range comes out +∞ (such a row cannot be summarised; callers reject it).
     *
     * @param g     Not modified: {@code n} entries from {@code off}
     * @param norms Modified: L1, L2, L∞ at {@code normOff}, {@code normOff + 1}, {@code normOff + 2}
     */
    public static void rowNorms(double[] g, int off, int n, double[] norms, int normOff) {
        // four partial sums and maxima: the additions of one are not held up by the others'
        double l1a = 0;
        double l1b = 0;
        double l1c = 0;
        double l1d = 0;
        double ma = 0;
        double mb = 0;
        double mc = 0;
        double md = 0;
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            double a = Math.abs(g[off + j]);
            double b = Math.abs(g[off + j + 1]);
            double c = Math.abs(g[off + j + 2]);
            double d = Math.abs(g[off + j + 3]);
            l1a += a;
            l1b += b;
            l1c += c;
            l1d += d;
            ma = Math.max(ma, a);
            mb = Math.max(mb, b);
            mc = Math.max(mc, c);
            md = Math.max(md, d);
        }
        for (; j < n; j++) {
            double a = Math.abs(g[off + j]);
            l1a += a;
            ma = Math.max(ma, a);
        }
        double l1 = (l1a + l1b) + (l1c + l1d);
        double linf = Math.max(Math.max(ma, mb), Math.max(mc, md));
        double l2 = 0;
        if (linf > 0) {
            int e = Math.getExponent(linf);
            double scale = Math.scalb(1.0, -e);
            double sa = 0;
            double sb = 0;
            double sc = 0;
            double sd = 0;
            j = 0;
            for (; j + 4 <= n; j += 4) {
                double a = g[off + j] * scale;
                double b = g[off + j + 1] * scale;
                double c = g[off + j + 2] * scale;
                double d = g[off + j + 3] * scale;
                sa += a * a;
                sb += b * b;
                sc += c * c;
                sd += d * d;
            }
            for (; j < n; j++) {
                double a = g[off + j] * scale;
                sa += a * a;
            }
            l2 = Math.scalb(Math.sqrt((sa + sb) + (sc + sd)), e);
        }
        norms[normOff] = l1;
        norms[normOff + 1] = l2;
        norms[normOff + 2] = linf;
    }

    /**
     * Adds {@code rows} rows: outputs from {@code outOff}, gradients row-major ({@code rows ×
     * dimensions}) from {@code gradOff}. Not modified: both arrays. Values must be finite, and
     * so must the rows' norms ({@link #rowNorms}; otherwise {@link IllegalArgumentException}
     * and nothing is added).
     */
    public void addBlock(double[] outputs, int outOff, double[] gradients, int gradOff, int rows) {
        addBlock(outputs, outOff, gradients, gradOff, rows, null);
    }

    /**
     * As {@link #addBlock(double[], int, double[], int, int)}, and also hands back each row's
     * norms, which it computes anyway.
     *
     * @param norms Modified unless null: {@code rows × 3} from 0, each row's L1, L2 and L∞ norm
     */
    public void addBlock(double[] outputs, int outOff, double[] gradients, int gradOff, int rows, double[] norms) {
        addWithNorms(outputs, outOff, gradients, gradOff, rows, null, 0, norms, null, 0);
    }

    /**
     * As {@link #addBlock(double[], int, double[], int, int, double[])}, and also the rows' inputs
     * x, row-major ({@code rows × dimensions}) from {@code inOff}, for {@link #input(int)}. The
     * inputs must be finite, and a summary takes inputs with every block or with none
     * ({@link IllegalArgumentException}, {@link IllegalStateException}; nothing is added).
     *
     * @param outputs Not modified: {@code rows} outputs from {@code outOff}
     * @param vectors Not modified: {@code rows × dimensions} from {@code vecOff}, each row's vector (gradient or attribution)
     * @param norms   Modified unless null: {@code rows × 3} from 0, each row's L1, L2 and L∞ norm
     * @param inputs  Not modified: {@code rows × dimensions} from {@code inOff}; null: as without inputs
     */
    public void addBlock(double[] outputs, int outOff, double[] vectors, int vecOff, int rows, double[] norms,
                         double[] inputs, int inOff) {
        addWithNorms(outputs, outOff, vectors, vecOff, rows, null, 0, norms, inputs, inOff);
    }

    /**
     * As {@link #addWeightedBlock(double[], int, double[], int, double[], int, int, double[])} with
     * the rows' inputs, as {@link #addBlock(double[], int, double[], int, int, double[], double[], int)}:
     * the input figures are weighted as the others.
     *
     * @param inputs Not modified: {@code rows × dimensions} from {@code inOff}; null: as without inputs
     */
    public void addWeightedBlock(double[] outputs, int outOff, double[] vectors, int vecOff, double[] weights,
                                 int weightOff, int rows, double[] norms, double[] inputs, int inOff) {
        java.util.Objects.checkFromIndexSize(weightOff, rows, weights.length);
        for (int r = 0; r < rows; r++) {
            double w = weights[weightOff + r];
            if (!(w >= 0 && w == Math.rint(w) && w < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("row " + r + ": weight " + w
                        + " is not a frequency weight (a whole number, 0 or more)");
            }
        }
        addWithNorms(outputs, outOff, vectors, vecOff, rows, weights, weightOff, norms, inputs, inOff);
    }

    /**
     * Refuses inputs that are not finite, or that come to a summary of rows without them, and
     * rows without inputs that come to a summary of rows with them; makes the inputs' moments.
     */
    private void checkInputs(double[] x, int off, int rows) {
        if (x == null) {
            if (inputs != null) {
                throw new IllegalStateException("this block came without inputs, the rows before it with them:"
                        + " a summary takes inputs with every block or with none");
            }
            return;
        }
        java.util.Objects.checkFromIndexSize(off, rows * dimensions, x.length);
        if (inputs == null && count() > 0) {
            throw new IllegalStateException("inputs came with this block but not with the " + count()
                    + " rows before it: a summary takes inputs with every block or with none");
        }
        for (int k = 0; k < rows * dimensions; k++) {
            if (!Double.isFinite(x[off + k])) {
                throw new IllegalArgumentException("row " + k / dimensions + ": input " + k % dimensions
                        + " is not finite (" + x[off + k] + ")");
            }
        }
        if (inputs == null) {
            inputs = Moments.spread(dimensions); // x: mean, std, extremes
        }
    }

    /**
     * As {@link #addBlock(double[], int, double[], int, int)} with each row's norms already at
     * hand, as {@link #rowNorms} gives them. Not modified: any array.
     *
     * @param norms {@code rows × 3} from 0, each row's L1, L2 and L∞ norm
     */
    public void addBlockWithNorms(double[] outputs, int outOff, double[] gradients, int gradOff, int rows,
                                  double[] norms) {
        addBlockWithNorms(outputs, outOff, gradients, gradOff, rows, norms, null, 0);
    }

    /**
     * As {@link #addBlockWithNorms(double[], int, double[], int, int, double[])}, and also the rows'
     * inputs x as {@link #addBlock(double[], int, double[], int, int, double[], double[], int)} takes them.
     *
     * @param inputs Not modified: {@code rows × dimensions} from {@code inOff}; null: as without inputs
     */
    public void addBlockWithNorms(double[] outputs, int outOff, double[] gradients, int gradOff, int rows,
                                  double[] norms, double[] inputs, int inOff) {
        java.util.Objects.checkFromIndexSize(gradOff, rows * dimensions, gradients.length);
        java.util.Objects.checkFromIndexSize(0, rows * 3, norms.length);
        double[] s = scratch(rows);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(norms, 3 * r, s, SCALARS * r + Scalar.L1.ordinal(), 3);
        }
        add(outputs, outOff, gradients, gradOff, rows, s, null, 0, inputs, inOff);
    }

    /**
     * As {@link #addBlock(double[], int, double[], int, int)}, row r with the frequency weight
     * {@code weights[weightOff + r]} (see the class comment). Not modified: any array. A weight
     * that is negative, not a whole number or not finite is refused
     * ({@link IllegalArgumentException}), as is a non-finite norm, before anything is added.
     *
     * @param norms Modified unless null: {@code rows × 3} from 0, each row's L1, L2 and L∞ norm
     */
    public void addWeightedBlock(double[] outputs, int outOff, double[] gradients, int gradOff, double[] weights,
                                 int weightOff, int rows, double[] norms) {
        addWeightedBlock(outputs, outOff, gradients, gradOff, weights, weightOff, rows, norms, null, 0);
    }

    /** Computes each row's norms into the scratch, adds the rows, and hands the norms back unless null. */
    private void addWithNorms(double[] outputs, int outOff, double[] gradients, int gradOff, int rows,
                              double[] weights, int weightOff, double[] norms, double[] x, int xOff) {
        java.util.Objects.checkFromIndexSize(gradOff, rows * dimensions, gradients.length);
        double[] s = scratch(rows);
        for (int r = 0; r < rows; r++) {
            rowNorms(gradients, gradOff + r * dimensions, dimensions, s, SCALARS * r + Scalar.L1.ordinal());
        }
        add(outputs, outOff, gradients, gradOff, rows, s, weights, weightOff, x, xOff);
        if (norms != null) {
            for (int r = 0; r < rows; r++) {
                System.arraycopy(s, SCALARS * r + Scalar.L1.ordinal(), norms, 3 * r, 3);
            }
        }
    }

    private double[] scratch(int rows) {
        if (rowScalars == null || rowScalars.length < SCALARS * rows) {
            rowScalars = new double[SCALARS * rows];
        }
        return rowScalars;
    }

    /**
     * Adds the rows whose norms are in s (SCALARS per row), with their weights unless null and
     * their inputs x unless null; refuses non-finite norms and bad inputs before adding anything.
     */
    private void add(double[] outputs, int outOff, double[] gradients, int gradOff, int rows, double[] s,
                     double[] weights, int weightOff, double[] x, int xOff) {
        java.util.Objects.checkFromIndexSize(outOff, rows, outputs.length);
        for (int r = 0; r < rows; r++) {
            for (int c = Scalar.L1.ordinal(); c <= Scalar.LINF.ordinal(); c++) {
                double v = s[SCALARS * r + c];
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("row " + r + ": the gradient's " + normName(Scalar.values()[c])
                            + " norm is not finite (" + v + ")");
                }
            }
            s[SCALARS * r + Scalar.OUTPUT.ordinal()] = outputs[outOff + r];
        }
        checkInputs(x, xOff, rows);
        if (weights == null) {
            for (int c = 0; c < SCALARS; c++) {
                sketches[c].update(s, c, SCALARS, rows);
            }
        } else {
            for (int r = 0; r < rows; r++) {
                long times = (long) weights[weightOff + r];
                for (int c = 0; c < SCALARS; c++) {
                    for (long t = 0; t < times; t++) {
                        sketches[c].update(s[SCALARS * r + c]);
                    }
                }
            }
        }
        gradient.addBlock(gradients, gradOff, rows, weights, weightOff);
        scalars.addBlock(s, 0, rows, weights, weightOff);
        quantiles.addBlock(gradients, gradOff, rows, weights, weightOff);
        if (x != null) {
            inputs.addBlock(x, xOff, rows, weights, weightOff);
        }
    }

    /** "L1", "L2" or "L∞". */
    public static String normName(Scalar norm) {
        return switch (norm) {
            case L1 -> "L1";
            case L2 -> "L2";
            case LINF -> "L∞";
            case OUTPUT -> throw new IllegalArgumentException("the output is not a norm");
        };
    }

    /** Adds one row. Not modified: gradient. */
    public void add(double output, double[] gradient) {
        if (gradient.length != dimensions) {
            throw new IllegalArgumentException("dimension mismatch: expecting " + dimensions + " but got "
                    + gradient.length);
        }
        addBlock(new double[] {output}, 0, gradient, 0, 1);
    }

    /**
     * Adds every row of {@code other} to this summary and returns this. Not modified: other.
     * Every figure but the quantiles is the same, to far below 1e-9, whatever the order of
     * merges; the norms' quantiles are the same for the same order (KLL sketches depend on it),
     * the vector's ({@link #quantiles(int)}) for any order. Summaries with inputs merge only with
     * summaries with inputs or of no rows ({@link IllegalStateException} otherwise, nothing merged).
     */
    public GradientSummary merge(GradientSummary other) {
        if (other.dimensions != dimensions) {
            throw new IllegalArgumentException("dimension mismatch: expecting " + dimensions + " but got "
                    + other.dimensions);
        }
        if ((inputs == null && count() > 0 && other.inputs != null)
                || (other.inputs == null && other.count() > 0 && inputs != null)) {
            throw new IllegalStateException("cannot merge a summary with inputs and one of rows without them");
        }
        if (other.inputs != null) {
            if (inputs == null) {
                inputs = Moments.spread(dimensions); // x: mean, std, extremes
            }
            inputs.merge(other.inputs);
        }
        quantiles.merge(other.quantiles);
        gradient.merge(other.gradient);
        scalars.merge(other.scalars);
        for (int i = 0; i < SCALARS; i++) {
            sketches[i].merge(other.sketches[i]);
        }
        return this;
    }

    /** Sensitivity of dimension {@code index} (0-based). */
    public DimensionStats dimension(int index) {
        java.util.Objects.checkIndex(index, dimensions);
        return new DimensionStats(index, nullable(gradient.mean(index)), nullable(gradient.meanAbs(index)),
                nullable(gradient.meanSquare(index)), nullable(gradient.std(index)),
                nullable(gradient.min(index)), nullable(gradient.max(index)));
    }

    /** The ranks of the vector's quantiles in summary.json: p05, p25, p50, p75, p95. */
    private static final double[] QUANTILE_RANKS = {0.05, 0.25, 0.5, 0.75, 0.95};

    /**
     * p05, p25, p50, p75 and p95 of the vector's entry {@code index} (0-based) over the rows,
     * each within {@link DimensionQuantiles#RELATIVE_ACCURACY} of the exact value of its rank
     * (see {@link DimensionQuantiles}); null when there are no rows.
     */
    public Quantiles quantiles(int index) {
        java.util.Objects.checkIndex(index, dimensions);
        double[] q = new double[QUANTILE_RANKS.length];
        for (int k = 0; k < q.length; k++) {
            q[k] = vectorQuantile(index, QUANTILE_RANKS[k]);
        }
        return new Quantiles(nullable(q[0]), nullable(q[1]), nullable(q[2]), nullable(q[3]), nullable(q[4]));
    }

    /** The quantile of rank {@code rank} in [0, 1] of the vector's entry {@code index}, as {@link #quantiles(int)}; NaN without rows. */
    public double vectorQuantile(int index, double rank) {
        java.util.Objects.checkIndex(index, dimensions);
        return count() == 0 ? Double.NaN : quantiles.quantile(index, rank, gradient.min(index), gradient.max(index));
    }

    /** Whether the rows came with their inputs (then {@link #input(int)} has figures). */
    public boolean hasInputs() {
        return inputs != null;
    }

    /**
     * Mean, sample standard deviation (n − 1, or W − 1 weighted) and extremes of the input x_i,
     * {@code index} 0-based, over the rows; null figures without inputs or rows (and std of one row).
     */
    public InputStats input(int index) {
        java.util.Objects.checkIndex(index, dimensions);
        if (inputs == null) {
            return new InputStats(index, null, null, null, null);
        }
        return new InputStats(index, nullable(inputs.mean(index)), nullable(inputs.std(index)),
                nullable(inputs.min(index)), nullable(inputs.max(index)));
    }

    /** The distribution of the output or of a norm over the rows, as its sketch holds it. A live view. */
    public Distribution distribution(Scalar which) {
        return sketches[which.ordinal()];
    }

    /** Moments of the output a[L]_k. */
    public Spread output() {
        return spread(Scalar.OUTPUT);
    }

    public NormStats l1() {
        return norm(Scalar.L1);
    }

    public NormStats l2() {
        return norm(Scalar.L2);
    }

    public NormStats linf() {
        return norm(Scalar.LINF);
    }

    private Spread spread(Scalar c) {
        int column = c.ordinal();
        return new Spread(nullable(scalars.mean(column)), nullable(scalars.std(column)),
                nullable(scalars.min(column)), nullable(scalars.max(column)));
    }

    private NormStats norm(Scalar c) {
        QuantileSketch k = sketches[c.ordinal()];
        return new NormStats(spread(c), quantile(k, 0.5), quantile(k, 0.9), quantile(k, 0.99));
    }

    private static Double quantile(QuantileSketch sketch, double rank) {
        return sketch.count() == 0 ? null : sketch.quantile(rank);
    }

    /** null for what is undefined (NaN) and for what is beyond the double range (a mean g² above 1.8e308). */
    private static Double nullable(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** Mean, sample standard deviation and extremes; null where undefined. */
    public record Spread(Double mean, Double std, Double min, Double max) {}

    /** One input dimension x_i: mean, sample std, min, max; null where undefined. */
    public record InputStats(int index, Double mean, Double std, Double min, Double max) {}

    /** The quantiles of a vector entry over the rows (summary.json's "quantiles"); null without rows. */
    public record Quantiles(Double p05, Double p25, Double p50, Double p75, Double p95) {}

    /** A norm's {@link Spread} and its approximate quantiles. */
    public record NormStats(Spread spread, Double p50, Double p90, Double p99) {}

    /**
     * One input dimension: E[g], E|g| (mean saliency), E[g²] (DGSM ν), sample std, min, max.
     */
    public record DimensionStats(int index, Double mean, Double meanAbs, Double meanSquare, Double std,
                                 Double min, Double max) {}
}
