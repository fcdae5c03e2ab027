package netsense.core;

import java.io.Serializable;

/**
 * Mergeable first and second moments and extremes of k columns: per column the mean, mean
 * |x|, mean x², sample variance, minimum and maximum.
 *
 * <p>Why it is built this way: the figures must agree, to far below 1e-9, however the rows are
 * split into partitions and blocks. The three sums are therefore kept as compensated
 * (double-double) sums, whose rounding does not depend on the order of addition at that
 * level, and the sum of squared deviations M2 is combined with the parallel formula of Chan,
 * Golub and LeVeque — within a block around the block's own mean, across blocks and
 * partitions by {@code M2 = M2a + M2b + δ²·na·nb/n} — never as Σx² − n·mean².
 */
final class Moments implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int columns;
    private long count;
    private final double[] sumHi;
    private final double[] sumLo;
    private final double[] absHi;
    private final double[] absLo;
    private final double[] sqHi;
    private final double[] sqLo;
    private final double[] m2;
    private final double[] min;
    private final double[] max;
    private transient double[] scratch;  // 4 × columns: block centre, shifted sum, shifted squares, mean before

    Moments(int columns) {
        if (columns < 1) {
            throw new IllegalArgumentException("columns must be at least 1, got " + columns);
        }
        this.columns = columns;
        this.sumHi = new double[columns];
        this.sumLo = new double[columns];
        this.absHi = new double[columns];
        this.absLo = new double[columns];
        this.sqHi = new double[columns];
        this.sqLo = new double[columns];
        this.m2 = new double[columns];
        this.min = new double[columns];
        this.max = new double[columns];
        java.util.Arrays.fill(min, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
    }

    int columns() {
        return columns;
    }

    long count() {
        return count;
    }

    /**
     * Adds {@code rows} rows of {@code columns} values, row-major from {@code off}.
     * Not modified: data. Values must be finite.
     */
    void addBlock(double[] data, int off, int rows) {
        if (rows == 0) {
            return;
        }
        if (scratch == null) {
            scratch = new double[4 * columns];
        }
        double[] s = scratch;
        java.util.Arrays.fill(s, 0.0);
        long before = count;
        for (int j = 0; j < columns; j++) {
            s[3 * columns + j] = before == 0 ? 0.0 : mean(j);
        }
        for (int r = 0; r < rows; r++) {
            int o = off + r * columns;
            for (int j = 0; j < columns; j++) {
                double x = data[o + j];
                s[j] += x;
                addTo(sumHi, sumLo, j, x);
                addTo(absHi, absLo, j, Math.abs(x));
                addTo(sqHi, sqLo, j, x * x);
                if (x < min[j]) {
                    min[j] = x;
                }
                if (x > max[j]) {
                    max[j] = x;
                }
            }
        }
        for (int j = 0; j < columns; j++) {
            s[j] /= rows; // the block's centre
        }
        for (int r = 0; r < rows; r++) {
            int o = off + r * columns;
            for (int j = 0; j < columns; j++) {
                double d = data[o + j] - s[j];
                s[columns + j] += d;
                s[2 * columns + j] += d * d;
            }
        }
        count = before + rows;
        for (int j = 0; j < columns; j++) {
            double shift = s[columns + j];
            double blockMean = s[j] + shift / rows;
            double blockM2 = Math.max(0.0, s[2 * columns + j] - shift * shift / rows);
            m2[j] = combineM2(m2[j], before, s[3 * columns + j], blockM2, rows, blockMean);
        }
    }

    /** Adds every row of {@code other} to this one. Not modified: other. */
    void merge(Moments other) {
        if (other.columns != columns) {
            throw new IllegalArgumentException("dimension mismatch: expecting " + columns + " columns but got "
                    + other.columns);
        }
        if (other.count == 0) {
            return;
        }
        long before = count;
        for (int j = 0; j < columns; j++) {
            double meanA = mean(j);
            double meanB = other.mean(j);
            m2[j] = before == 0 ? other.m2[j] : combineM2(m2[j], before, meanA, other.m2[j], other.count, meanB);
            addTo(sumHi, sumLo, j, other.sumHi[j]);
            addTo(sumHi, sumLo, j, other.sumLo[j]);
            addTo(absHi, absLo, j, other.absHi[j]);
            addTo(absHi, absLo, j, other.absLo[j]);
            addTo(sqHi, sqLo, j, other.sqHi[j]);
            addTo(sqHi, sqLo, j, other.sqLo[j]);
            min[j] = Math.min(min[j], other.min[j]);
            max[j] = Math.max(max[j], other.max[j]);
        }
        count = before + other.count;
    }

    private static double combineM2(double m2a, long na, double meanA, double m2b, long nb, double meanB) {
        if (na == 0) {
            return m2b;
        }
        double delta = meanB - meanA;
        double n = (double) na + nb;
        return m2a + m2b + delta * delta * ((double) na / n) * nb;
    }

    /** (hi, lo)[j] += x, keeping the rounding error of the addition in lo (Knuth's TwoSum). */
    private static void addTo(double[] hi, double[] lo, int j, double x) {
        double a = hi[j];
        double s = a + x;
        double bp = s - a;
        lo[j] += (a - (s - bp)) + (x - bp);
        hi[j] = s;
    }

    double mean(int j) {
        return count == 0 ? Double.NaN : (sumHi[j] + sumLo[j]) / count;
    }

    double meanAbs(int j) {
        return count == 0 ? Double.NaN : (absHi[j] + absLo[j]) / count;
    }

    double meanSquare(int j) {
        return count == 0 ? Double.NaN : (sqHi[j] + sqLo[j]) / count;
    }

    /** The sample standard deviation (n − 1 in the denominator); NaN below two rows. */
    double std(int j) {
        return count < 2 ? Double.NaN : Math.sqrt(m2[j] / (count - 1));
    }

    double min(int j) {
        return count == 0 ? Double.NaN : min[j];
    }

    double max(int j) {
        return count == 0 ? Double.NaN : max[j];
    }
}
