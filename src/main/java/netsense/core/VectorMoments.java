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
 *
 * <p>Unweighted rows (the job's pass) go through loops of one path each: where two paths of a loop
 * merge a vector (a row skipped, a figure not wanted), C2 boxes it, and every operation then
 * allocates an object (VectorMomentsAllocationTest). The weighted loops (the bootstrap's) skip
 * rows of weight 0 and may box: adding a row of weight 0 as zeros would change the sums' bits
 * (a −0.0 sum becomes +0.0), and the figures are to be the scalar loops'.
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
        if (weights == null) {
            for (int c = 0; c < end; c += L) {
                extremes(data, off + c, rows, stride, min, max, c);
            }
            return;
        }
        for (int c = 0; c < end; c += L) {
            DoubleVector lo = DoubleVector.fromArray(S, min, c);
            DoubleVector hi = DoubleVector.fromArray(S, max, c);
            for (int r = 0; r < rows; r++) {
                if (weights[weightOff + r] != 0) {
                    DoubleVector x = DoubleVector.fromArray(S, data, off + r * stride + c);
                    lo = lo.min(x);
                    hi = hi.max(x);
                }
            }
            lo.intoArray(min, c);
            hi.intoArray(max, c);
        }
    }

    /** The extremes of one vector of columns (at {@code c} of min and max), every row. */
    private static void extremes(double[] data, int off, int rows, int stride, double[] min, double[] max, int c) {
        DoubleVector lo = DoubleVector.fromArray(S, min, c);
        DoubleVector hi = DoubleVector.fromArray(S, max, c);
        for (int r = 0; r < rows; r++) {
            DoubleVector x = DoubleVector.fromArray(S, data, off + r * stride);
            lo = lo.min(x);
            hi = hi.max(x);
        }
        lo.intoArray(min, c);
        hi.intoArray(max, c);
    }

    /**
     * The scaled w·x into the block's plain sums and the compensated Σ (TwoSum a row), and with
     * {@code absAndSquares} |w·x| and w·x² summed over the block, each block sum then added once
     * to its compensated total, as {@link Moments} does.
     */
    static void accumulate(double[] data, int off, int rows, int stride, double[] weights, int weightOff, int end,
                           double[] scale, double[] blockSum, double[] sumHi, double[] sumLo, double[] absHi,
                           double[] absLo, double[] sqHi, double[] sqLo, boolean absAndSquares) {
        if (weights == null) {
            for (int c = 0; c < end; c += L) {
                if (absAndSquares) {
                    sumsAbsAndSquares(data, off + c, rows, stride, c, scale, blockSum, sumHi, sumLo, absHi, absLo,
                            sqHi, sqLo);
                } else {
                    sums(data, off + c, rows, stride, c, scale, blockSum, sumHi, sumLo);
                }
            }
            return;
        }
        for (int c = 0; c < end; c += L) {
            DoubleVector sc = DoubleVector.fromArray(S, scale, c);
            DoubleVector block = DoubleVector.zero(S);
            DoubleVector sHi = DoubleVector.fromArray(S, sumHi, c);
            DoubleVector sLo = DoubleVector.fromArray(S, sumLo, c);
            DoubleVector abs = DoubleVector.zero(S);
            DoubleVector squares = DoubleVector.zero(S);
            for (int r = 0; r < rows; r++) {
                double w = weights[weightOff + r];
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

    /** As the weighted loop with every weight 1 (w·x is x), for one vector of columns at {@code c}: Σ only. */
    private static void sums(double[] data, int off, int rows, int stride, int c, double[] scale, double[] blockSum,
                             double[] sumHi, double[] sumLo) {
        DoubleVector sc = DoubleVector.fromArray(S, scale, c);
        DoubleVector block = DoubleVector.zero(S);
        DoubleVector sHi = DoubleVector.fromArray(S, sumHi, c);
        DoubleVector sLo = DoubleVector.fromArray(S, sumLo, c);
        for (int r = 0; r < rows; r++) {
            DoubleVector x = DoubleVector.fromArray(S, data, off + r * stride).mul(sc);
            block = block.add(x);
            DoubleVector t = sHi.add(x);
            DoubleVector bp = t.sub(sHi);
            sLo = sLo.add(sHi.sub(t.sub(bp)).add(x.sub(bp)));
            sHi = t;
        }
        block.intoArray(blockSum, c);
        sHi.intoArray(sumHi, c);
        sLo.intoArray(sumLo, c);
    }

    /** As {@link #sums}, and Σ|x| and Σx² of the block added to their compensated totals. */
    private static void sumsAbsAndSquares(double[] data, int off, int rows, int stride, int c, double[] scale,
                                          double[] blockSum, double[] sumHi, double[] sumLo, double[] absHi,
                                          double[] absLo, double[] sqHi, double[] sqLo) {
        DoubleVector sc = DoubleVector.fromArray(S, scale, c);
        DoubleVector block = DoubleVector.zero(S);
        DoubleVector sHi = DoubleVector.fromArray(S, sumHi, c);
        DoubleVector sLo = DoubleVector.fromArray(S, sumLo, c);
        DoubleVector abs = DoubleVector.zero(S);
        DoubleVector squares = DoubleVector.zero(S);
        for (int r = 0; r < rows; r++) {
            DoubleVector x = DoubleVector.fromArray(S, data, off + r * stride).mul(sc);
            block = block.add(x);
            DoubleVector t = sHi.add(x);
            DoubleVector bp = t.sub(sHi);
            sLo = sLo.add(sHi.sub(t.sub(bp)).add(x.sub(bp)));
            sHi = t;
            abs = abs.add(x.abs());
            squares = squares.add(x.mul(x));
        }
        block.intoArray(blockSum, c);
        sHi.intoArray(sumHi, c);
        sLo.intoArray(sumLo, c);
        addTo(absHi, absLo, c, abs);
        addTo(sqHi, sqLo, c, squares);
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
        if (weights == null) {
            for (int c = 0; c < end; c += L) {
                deviations(data, off + c, rows, stride, c, scale, centre, shiftedSum, shiftedSquares);
            }
            return;
        }
        for (int c = 0; c < end; c += L) {
            DoubleVector sc = DoubleVector.fromArray(S, scale, c);
            DoubleVector mid = DoubleVector.fromArray(S, centre, c);
            DoubleVector sum = DoubleVector.zero(S);
            DoubleVector squares = DoubleVector.zero(S);
            for (int r = 0; r < rows; r++) {
                double w = weights[weightOff + r];
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

    /** As the weighted loop with every weight 1, for one vector of columns at {@code c}. */
    private static void deviations(double[] data, int off, int rows, int stride, int c, double[] scale,
                                   double[] centre, double[] shiftedSum, double[] shiftedSquares) {
        DoubleVector sc = DoubleVector.fromArray(S, scale, c);
        DoubleVector mid = DoubleVector.fromArray(S, centre, c);
        DoubleVector sum = DoubleVector.zero(S);
        DoubleVector squares = DoubleVector.zero(S);
        for (int r = 0; r < rows; r++) {
            DoubleVector d = DoubleVector.fromArray(S, data, off + r * stride).mul(sc).sub(mid);
            sum = sum.add(d);
            squares = squares.add(d.mul(d));
        }
        sum.intoArray(shiftedSum, c);
        squares.intoArray(shiftedSquares, c);
    }
}
