package netsense.core;

import java.io.Serializable;

/**
 * Mergeable first and second moments and extremes of k columns: per column the mean, mean
 * |x|, mean x², sample variance, minimum and maximum.
 *
 * <p>Why it is built this way: the figures must agree, to far below 1e-9, however the rows are
 * split into partitions and blocks. The three sums are therefore kept as compensated
 * (double-double) sums, whose rounding does not depend on the order of addition at that
 * level (Σ|x| and Σx², whose terms have one sign, are summed plainly over a block of a few
 * hundred rows first, erring by at most b·2^-53 of the sum for b rows), and the sum of squared deviations M2 is combined with the parallel formula of Chan,
 * Golub and LeVeque — within a block around the block's own mean, across blocks and
 * partitions by {@code M2 = M2a + M2b + δ²·na·nb/n} — never as Σx² − n·mean².
 *
 * <p>Every finite column gives its exact figures wherever those are doubles: the sums and M2
 * are kept in units of 2^e per column (squares in 2^2e), e the binary exponent of the column's
 * largest |x| so far, so that neither Σx, Σx² nor M2 overflows for values near 1e308 nor
 * underflows for values near 1e-170 (the scaling is by powers of two, exact). A mean x² beyond
 * the double range is +∞. A constant column has standard deviation exactly 0 and its value as
 * mean, whatever the blocks and merges; −0.0 comes out as +0.0.
 *
 * <p><b>Weights.</b> A row may carry a weight w ≥ 0, read as a <em>frequency weight</em>: the
 * row counts as w copies of itself (a bootstrap replicate's Poisson weights 0, 1, 2, ...). Then
 * with W = Σw the figures are Σw·x/W, Σw·|x|/W, Σw·x²/W, the sample standard deviation
 * √(Σw·(x − mean)²/(W − 1)) (undefined for W ≤ 1), and the extremes of the rows of weight &gt; 0;
 * a row of weight 0 does not count at all. Any non-negative finite weight is accepted; the
 * (W − 1) denominator is the right one for whole-number weights. Unweighted rows are rows of
 * weight 1, with the same arithmetic, bit for bit, as before weights existed.
 */
final class Moments implements Serializable {
    private static final long serialVersionUID = 4L;
    /** Math.getExponent of 0 and of subnormals: the scale of a column of zeros. */
    private static final int LOWEST = Double.MIN_EXPONENT - 1;
    /** Whether wide blocks go through the JDK Vector API ({@link VectorMoments}): where the kernel's do. */
    private static final boolean VECTOR = Backends.vectorWanted();

    private final int columns;
    private final boolean spreadOnly; // no Σ|x| and Σx² kept (mean, std and extremes only)
    private long count;              // rows of weight > 0
    private double weight;           // W, their total weight (= count when unweighted)
    private final int[] exponent;    // sums in units of 2^exponent[j]; squares and M2 in 2^(2·exponent[j])
    private final double[] sumHi;
    private final double[] sumLo;
    private final double[] absHi;
    private final double[] absLo;
    private final double[] sqHi;
    private final double[] sqLo;
    private final double[] m2;
    private final double[] min;
    private final double[] max;
    // scratch of addBlock: the block's centre (first its sum), the sums of and of squares of the
    // deviations from it, the scaled mean before the block, each column's scale 2^-exponent
    private transient double[] blockSum;
    private transient double[] shiftedSum;
    private transient double[] shiftedSquares;
    private transient double[] meanBefore;
    private transient double[] scale;
    private transient boolean scalarOnly; // tests: the scalar loops whatever the JVM offers

    Moments(int columns) {
        this(columns, false);
    }

    /**
     * Moments of {@code columns} columns that keep only what the mean, the standard deviation and
     * the extremes need: {@link #meanAbs} and {@link #meanSquare} are not kept (a third of the work).
     */
    static Moments spread(int columns) {
        return new Moments(columns, true);
    }

    private Moments(int columns, boolean spreadOnly) {
        this.spreadOnly = spreadOnly;
        if (columns < 1) {
            throw new IllegalArgumentException("columns must be at least 1, got " + columns);
        }
        this.columns = columns;
        this.exponent = new int[columns];
        this.sumHi = new double[columns];
        this.sumLo = new double[columns];
        this.absHi = new double[columns];
        this.absLo = new double[columns];
        this.sqHi = new double[columns];
        this.sqLo = new double[columns];
        this.m2 = new double[columns];
        this.min = new double[columns];
        this.max = new double[columns];
        java.util.Arrays.fill(exponent, LOWEST);
        java.util.Arrays.fill(min, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
    }

    int columns() {
        return columns;
    }

    /** This summary with the scalar loops only, as without the Vector API (for tests). */
    Moments scalarOnly() {
        scalarOnly = true;
        return this;
    }

    long count() {
        return count;
    }

    /** W, the total weight of the rows (their number when unweighted). */
    double weight() {
        return weight;
    }

    /**
     * Adds {@code rows} rows of {@code columns} values, row-major from {@code off}.
     * Not modified: data. Values must be finite.
     */
    void addBlock(double[] data, int off, int rows) {
        addBlock(data, off, rows, null, 0);
    }

    /**
     * Adds {@code rows} rows of {@code columns} values, row-major from {@code off}, row r with
     * weight {@code weights[weightOff + r]} (a frequency weight: see the class comment), or 1
     * when {@code weights} is null. Not modified: data, weights. Values must be finite; weights
     * non-negative and finite ({@link IllegalArgumentException} otherwise, before anything is added).
     */
    void addBlock(double[] data, int off, int rows, double[] weights, int weightOff) {
        double blockWeight = rows;
        int counted = rows;
        if (weights != null) {
            java.util.Objects.checkFromIndexSize(weightOff, rows, weights.length);
            blockWeight = 0;
            counted = 0;
            for (int r = 0; r < rows; r++) {
                double w = weights[weightOff + r];
                if (!(w >= 0 && w < Double.POSITIVE_INFINITY)) {
                    throw new IllegalArgumentException("row " + r + ": weight " + w + " (weights are non-negative"
                            + " and finite)");
                }
                blockWeight += w;
                counted += w > 0 ? 1 : 0;
            }
        }
        if (counted == 0) {
            return;
        }
        if (blockSum == null) {
            blockSum = new double[columns];
            shiftedSum = new double[columns];
            shiftedSquares = new double[columns];
            meanBefore = new double[columns];
            scale = new double[columns];
        }
        // Columns [0, vectorEnd) go through the Vector API a vector of columns at a time, the rest
        // one column at a time; each column's arithmetic and order of additions is the same either way.
        int vectorEnd = VECTOR && !scalarOnly ? VectorMoments.columnsCovered(columns) : 0;
        if (vectorEnd > 0) {
            VectorMoments.extremes(data, off, rows, columns, weights, weightOff, vectorEnd, min, max);
        }
        for (int j = vectorEnd; j < columns; j++) {
            extremes(data, off, rows, columns, weights, weightOff, j);
        }
        long before = count;
        for (int j = 0; j < columns; j++) {
            rescale(j, Math.getExponent(Math.max(-min[j], max[j])));
            scale[j] = Math.scalb(1.0, -exponent[j]);
            meanBefore[j] = before == 0 ? 0.0 : scaledMean(j);
        }
        double weightBefore = weight;
        if (vectorEnd > 0) {
            VectorMoments.accumulate(data, off, rows, columns, weights, weightOff, vectorEnd, scale, blockSum, sumHi,
                    sumLo, absHi, absLo, sqHi, sqLo, !spreadOnly);
        }
        for (int j = vectorEnd; j < columns; j++) {
            accumulate(data, off, rows, columns, weights, weightOff, j);
        }
        for (int j = 0; j < columns; j++) {
            blockSum[j] /= blockWeight; // the block's centre
        }
        if (vectorEnd > 0) {
            VectorMoments.deviations(data, off, rows, columns, weights, weightOff, vectorEnd, scale, blockSum,
                    shiftedSum, shiftedSquares);
        }
        for (int j = vectorEnd; j < columns; j++) {
            deviations(data, off, rows, columns, weights, weightOff, j);
        }
        count = before + counted;
        weight = weightBefore + blockWeight;
        for (int j = 0; j < columns; j++) {
            double shift = shiftedSum[j];
            double blockMean = blockSum[j] + shift / blockWeight;
            double blockM2 = Math.max(0.0, shiftedSquares[j] - shift * shift / blockWeight);
            m2[j] = combineM2(m2[j], weightBefore, meanBefore[j], blockM2, blockWeight, blockMean);
        }
    }

    /** Column j's extremes over the block's rows of weight &gt; 0. */
    private void extremes(double[] data, int off, int rows, int stride, double[] weights, int weightOff, int j) {
        double lo = min[j];
        double hi = max[j];
        for (int r = 0; r < rows; r++) {
            if (weights == null || weights[weightOff + r] != 0) {
                double x = data[off + r * stride + j];
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
            }
        }
        min[j] = lo;
        max[j] = hi;
    }

    /**
     * Column j's w·x (x scaled) over the block's rows, in row order: into the block's plain sum
     * and the compensated Σ (Knuth's TwoSum a row, the error kept in the low part: the mean is
     * exact where it is a double); |w·x| and w·x², whose terms are all of one sign, as plain sums
     * over the block, each added once to its compensated total — a block of b rows errs by at
     * most b·2^-53 of its sum, and costs a third of a TwoSum a row.
     */
    private void accumulate(double[] data, int off, int rows, int stride, double[] weights, int weightOff, int j) {
        double sc = scale[j];
        double block = 0;
        double sHi = sumHi[j];
        double sLo = sumLo[j];
        double abs = 0;
        double squares = 0;
        for (int r = 0; r < rows; r++) {
            double w = weights == null ? 1.0 : weights[weightOff + r];
            if (w == 0) {
                continue;
            }
            double x = data[off + r * stride + j] * sc;
            double wx = w * x;                  // x itself when unweighted
            block += wx;
            double t = sHi + wx;
            double bp = t - sHi;
            sLo += (sHi - (t - bp)) + (wx - bp);
            sHi = t;
            if (spreadOnly) {
                continue;
            }
            abs += Math.abs(wx);
            squares += wx * x;
        }
        blockSum[j] = block;
        sumHi[j] = sHi;
        sumLo[j] = sLo;
        if (!spreadOnly) {
            addTo(absHi, absLo, j, abs);
            addTo(sqHi, sqLo, j, squares);
        }
    }

    /** Column j's weighted deviations from the block's centre, and their squares, summed in row order. */
    private void deviations(double[] data, int off, int rows, int stride, double[] weights, int weightOff, int j) {
        double sc = scale[j];
        double centre = blockSum[j];
        double sum = 0;
        double squares = 0;
        for (int r = 0; r < rows; r++) {
            double w = weights == null ? 1.0 : weights[weightOff + r];
            if (w != 0) {
                double d = data[off + r * stride + j] * sc - centre;
                double wd = w * d;
                sum += wd;
                squares += wd * d;
            }
        }
        shiftedSum[j] = sum;
        shiftedSquares[j] = squares;
    }

    /** Moves column j to units of 2^e when e is above its present exponent (exact: powers of two). */
    private void rescale(int j, int e) {
        int shift = exponent[j] - e;
        if (shift >= 0) {
            return;
        }
        sumHi[j] = Math.scalb(sumHi[j], shift);
        sumLo[j] = Math.scalb(sumLo[j], shift);
        absHi[j] = Math.scalb(absHi[j], shift);
        absLo[j] = Math.scalb(absLo[j], shift);
        sqHi[j] = Math.scalb(sqHi[j], 2 * shift);
        sqLo[j] = Math.scalb(sqLo[j], 2 * shift);
        m2[j] = Math.scalb(m2[j], 2 * shift);
        exponent[j] = e;
    }

    /** Adds every row of {@code other} to this one. Not modified: other. */
    void merge(Moments other) {
        if (other.columns != columns) {
            throw new IllegalArgumentException("dimension mismatch: expecting " + columns + " columns but got "
                    + other.columns);
        }
        if (other.spreadOnly != spreadOnly) {
            throw new IllegalArgumentException("cannot merge moments that keep Σ|x| and Σx² with moments that do not");
        }
        if (other.count == 0) {
            return;
        }
        long before = count;
        double weightBefore = weight;
        for (int j = 0; j < columns; j++) {
            rescale(j, other.exponent[j]);
            int shift = other.exponent[j] - exponent[j]; // ≤ 0
            double meanB = Math.scalb(other.scaledMean(j), shift);
            double m2b = Math.scalb(other.m2[j], 2 * shift);
            m2[j] = before == 0 ? m2b : combineM2(m2[j], weightBefore, scaledMean(j), m2b, other.weight, meanB);
            addTo(sumHi, sumLo, j, Math.scalb(other.sumHi[j], shift));
            addTo(sumHi, sumLo, j, Math.scalb(other.sumLo[j], shift));
            addTo(absHi, absLo, j, Math.scalb(other.absHi[j], shift));
            addTo(absHi, absLo, j, Math.scalb(other.absLo[j], shift));
            addTo(sqHi, sqLo, j, Math.scalb(other.sqHi[j], 2 * shift));
            addTo(sqHi, sqLo, j, Math.scalb(other.sqLo[j], 2 * shift));
            min[j] = Math.min(min[j], other.min[j]);
            max[j] = Math.max(max[j], other.max[j]);
        }
        count = before + other.count;
        weight = weightBefore + other.weight;
    }

    /** M2 of two parts of weights wa and wb (Chan et al.; row counts when unweighted). */
    private static double combineM2(double m2a, double wa, double meanA, double m2b, double wb, double meanB) {
        if (wa == 0) {
            return m2b;
        }
        double delta = meanB - meanA;
        double w = wa + wb;
        return m2a + m2b + delta * delta * (wa / w) * wb;
    }

    /** (hi, lo)[j] += x, keeping the rounding error of the addition in lo (Knuth's TwoSum). */
    private static void addTo(double[] hi, double[] lo, int j, double x) {
        double a = hi[j];
        double s = a + x;
        double bp = s - a;
        lo[j] += (a - (s - bp)) + (x - bp);
        hi[j] = s;
    }

    private double scaledMean(int j) {
        return (sumHi[j] + sumLo[j]) / weight;
    }

    private boolean constant(int j) {
        return min[j] == max[j]; // also −0.0 beside +0.0
    }

    double mean(int j) {
        if (count == 0) {
            return Double.NaN;
        }
        return constant(j) ? min[j] + 0.0 : Math.scalb(scaledMean(j), exponent[j]) + 0.0;
    }

    double meanAbs(int j) {
        requireSums();
        if (count == 0) {
            return Double.NaN;
        }
        return constant(j) ? Math.abs(min[j]) : Math.scalb((absHi[j] + absLo[j]) / weight, exponent[j]);
    }

    /** The mean of x²; +∞ when that is beyond the double range. */
    double meanSquare(int j) {
        requireSums();
        if (count == 0) {
            return Double.NaN;
        }
        return constant(j) ? min[j] * min[j] : Math.scalb((sqHi[j] + sqLo[j]) / weight, 2 * exponent[j]);
    }

    private void requireSums() {
        if (spreadOnly) {
            throw new IllegalStateException("these moments keep the mean, the spread and the extremes only");
        }
    }

    /** The sample standard deviation (W − 1, n − 1 unweighted, in the denominator); NaN for W ≤ 1. */
    double std(int j) {
        if (!(weight > 1)) {
            return Double.NaN;
        }
        return constant(j) ? 0.0 : Math.scalb(Math.sqrt(m2[j] / (weight - 1)), exponent[j]);
    }

    double min(int j) {
        return count == 0 ? Double.NaN : min[j] + 0.0;
    }

    double max(int j) {
        return count == 0 ? Double.NaN : max[j] + 0.0;
    }
}
