package netsense.core;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Moments}' three passes over a block on the JDK Vector API: a vector holds one row's
 * entries of consecutive columns, and the loop runs down the rows with every sum of those
 * columns in registers. Each lane does what {@link Moments} does for one column — the same
 * operations on the same values in the same row order, without fused multiply-adds — so the
 * figures are bit for bit those of the scalar loops.
 *
 * <p>Rows are {@code stride} values apart from {@code off}; columns {@code [0, end)} are done,
 * {@code end} a multiple of the vector length ({@link #columnsCovered}). A row of weight 0 is
 * skipped; {@code weights} null means every row has weight 1.
 */
final class VectorMoments {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorMoments() {}

    /** The columns of a row of {@code columns} these loops cover: whole vectors only. */
    static int columnsCovered(int columns) {
        return columns / L * L;
    }

    static void extremes(double[] data, int off, int rows, int stride, double[] weights, int weightOff, int end,
                         double[] min, double[] max) {
        for (int c = 0; c < end; c += L) {
            DoubleVector lo = DoubleVector.fromArray(S, min, c);
            DoubleVector hi = DoubleVector.fromArray(S, max, c);
            for (int r = 0; r < rows; r++) {
                if (weights == null || weights[weightOff + r] != 0) {
                    DoubleVector x = DoubleVector.fromArray(S, data, off + r * stride + c);
                    lo = lo.min(x);
                    hi = hi.max(x);
                }
            }
            lo.intoArray(min, c);
            hi.intoArray(max, c);
        }
    }

    /**
     * The scaled w·x into the block's plain sums and the compensated Σ (TwoSum a row), and with
     * {@code absAndSquares} |w·x| and w·x² summed over the block, each block sum then added once
     * to its compensated total, as {@link Moments} does.
     */
    static void accumulate(double[] data, int off, int rows, int stride, double[] weights, int weightOff, int end,
                           double[] scale, double[] blockSum, double[] sumHi, double[] sumLo, double[] absHi,
                           double[] absLo, double[] sqHi, double[] sqLo, boolean absAndSquares) {
        for (int c = 0; c < end; c += L) {
            DoubleVector sc = DoubleVector.fromArray(S, scale, c);
            DoubleVector block = DoubleVector.zero(S);
            DoubleVector sHi = DoubleVector.fromArray(S, sumHi, c);
            DoubleVector sLo = DoubleVector.fromArray(S, sumLo, c);
            DoubleVector abs = DoubleVector.zero(S);
            DoubleVector squares = DoubleVector.zero(S);
            for (int r = 0; r < rows; r++) {
                double w = weights == null ? 1.0 : weights[weightOff + r];
                if (w == 0) {
                    continue;
                }
                DoubleVector x = DoubleVector.fromArray(S, data, off + r * stride + c).mul(sc);
                DoubleVector wx = x.mul(w);
                block = block.add(wx);
                DoubleVector t = sHi.add(wx);
                DoubleVector bp = t.sub(sHi);
                sLo = sLo.add(sHi.sub(t.sub(bp)).add(wx.sub(bp)));
                sHi = t;
                if (!absAndSquares) {
                    continue;
                }
                abs = abs.add(wx.abs());
                squares = squares.add(wx.mul(x));
            }
            block.intoArray(blockSum, c);
            sHi.intoArray(sumHi, c);
            sLo.intoArray(sumLo, c);
            if (absAndSquares) {
                addTo(absHi, absLo, c, abs);
                addTo(sqHi, sqLo, c, squares);
            }
        }
    }

    /** The lanes of (hi, lo) from {@code c} += x, the rounding error of each addition kept in lo (TwoSum). */
    private static void addTo(double[] hi, double[] lo, int c, DoubleVector x) {
        DoubleVector a = DoubleVector.fromArray(S, hi, c);
        DoubleVector s = a.add(x);
        DoubleVector bp = s.sub(a);
        DoubleVector.fromArray(S, lo, c).add(a.sub(s.sub(bp)).add(x.sub(bp))).intoArray(lo, c);
        s.intoArray(hi, c);
    }

    /** The weighted deviations of the scaled values from the block's centre, and their squares, summed. */
    static void deviations(double[] data, int off, int rows, int stride, double[] weights, int weightOff, int end,
                           double[] scale, double[] centre, double[] shiftedSum, double[] shiftedSquares) {
        for (int c = 0; c < end; c += L) {
            DoubleVector sc = DoubleVector.fromArray(S, scale, c);
            DoubleVector mid = DoubleVector.fromArray(S, centre, c);
            DoubleVector sum = DoubleVector.zero(S);
            DoubleVector squares = DoubleVector.zero(S);
            for (int r = 0; r < rows; r++) {
                double w = weights == null ? 1.0 : weights[weightOff + r];
                if (w != 0) {
                    DoubleVector d = DoubleVector.fromArray(S, data, off + r * stride + c).mul(sc).sub(mid);
                    DoubleVector wd = d.mul(w);
                    sum = sum.add(wd);
                    squares = squares.add(wd.mul(d));
                }
            }
            sum.intoArray(shiftedSum, c);
            squares.intoArray(shiftedSquares, c);
        }
    }
}
