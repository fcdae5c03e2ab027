package netsense.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Frequency weights in {@link GradientSummary} and {@link Moments}: a row of weight w is w
 * copies of the row — against the unweighted summary of the rows repeated, against exact
 * weighted arithmetic, by hand, and under random partitions and merges.
 */
class WeightedSummaryTest {
    static final int DIMS = GradientSummaryTest.DIMS;

    /** Poisson(1) weights (a bootstrap replicate's), by inversion of a seeded uniform. */
    static double[] poisson(Random rnd, int rows) {
        double[] w = new double[rows];
        for (int r = 0; r < rows; r++) {
            double u = rnd.nextDouble();
            double p = Math.exp(-1);
            double c = p;
            int k = 0;
            while (u > c && k < 20) {
                k++;
                p /= k;
                c += p;
            }
            w[r] = k;
        }
        return w;
    }

    static double[] flat(double[][] rows, int from, int to) {
        double[] f = new double[(to - from) * DIMS];
        for (int r = from; r < to; r++) {
            System.arraycopy(rows[r], 0, f, (r - from) * DIMS, DIMS);
        }
        return f;
    }

    static void addWeighted(GradientSummary s, double[][] g, double[] y, double[] w, int from, int to, int block) {
        for (int start = from; start < to; start += block) {
            int n = Math.min(block, to - start);
            s.addWeightedBlock(y, start, flat(g, start, start + n), 0, w, start, n, null);
        }
    }

    /** Every figure of b within rel of a's; extremes and (when exact) quantiles equal. */
    static void sameFigures(GradientSummary a, GradientSummary b, double rel, boolean sameQuantiles, String what) {
        for (int j = 0; j < DIMS; j++) {
            GradientSummary.DimensionStats x = a.dimension(j);
            GradientSummary.DimensionStats y = b.dimension(j);
            GradientSummaryTest.close(x.mean(), y.mean(), rel, what + " mean " + j);
            GradientSummaryTest.close(x.meanAbs(), y.meanAbs(), rel, what + " mean_abs " + j);
            GradientSummaryTest.close(x.meanSquare(), y.meanSquare(), rel, what + " mean_sq " + j);
            GradientSummaryTest.close(x.std(), y.std(), rel, what + " std " + j);
            assertEquals(x.min(), y.min(), what + " min " + j);
            assertEquals(x.max(), y.max(), what + " max " + j);
        }
        for (GradientSummary.Scalar c : GradientSummary.Scalar.values()) {
            GradientSummary.Spread x = c == GradientSummary.Scalar.OUTPUT ? a.output() : norm(a, c).spread();
            GradientSummary.Spread y = c == GradientSummary.Scalar.OUTPUT ? b.output() : norm(b, c).spread();
            GradientSummaryTest.close(x.mean(), y.mean(), rel, what + " " + c + " mean");
            GradientSummaryTest.close(x.std(), y.std(), rel, what + " " + c + " std");
            assertEquals(x.min(), y.min(), what + " " + c + " min");
            assertEquals(x.max(), y.max(), what + " " + c + " max");
            if (sameQuantiles && c != GradientSummary.Scalar.OUTPUT) {
                assertEquals(norm(a, c).p50(), norm(b, c).p50(), what + " " + c + " p50");
                assertEquals(norm(a, c).p90(), norm(b, c).p90(), what + " " + c + " p90");
                assertEquals(norm(a, c).p99(), norm(b, c).p99(), what + " " + c + " p99");
            }
        }
    }

    static GradientSummary.NormStats norm(GradientSummary s, GradientSummary.Scalar c) {
        return switch (c) {
            case L1 -> s.l1();
            case L2 -> s.l2();
            default -> s.linf();
        };
    }

    /**
     * The weighted summary is the unweighted summary of every row repeated w times (rows of
     * weight 0 left out): figures to 1e-12, quantiles identical — 6,000 repeated rows, beyond
     * the sketches' exact range, so that they compact.
     */
    @Test
    void weightedIsTheSummaryOfRowsRepeatedWTimes() {
        Random rnd = new Random(21);
        int rows = 3000;
        double[][] g = GradientSummaryTest.data(rnd, rows);
        double[] y = new double[rows];
        for (int r = 0; r < rows; r++) {
            y[r] = rnd.nextDouble();
        }
        double[] w = poisson(rnd, rows);
        GradientSummary weighted = new GradientSummary(DIMS);
        addWeighted(weighted, g, y, w, 0, rows, 257);

        List<double[]> repeated = new ArrayList<>();
        List<Double> repeatedY = new ArrayList<>();
        int zero = 0;
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < w[r]; t++) {
                repeated.add(g[r]);
                repeatedY.add(y[r]);
            }
            zero += w[r] == 0 ? 1 : 0;
        }
        GradientSummary plain = new GradientSummary(DIMS);
        double[][] rg = repeated.toArray(new double[0][]);
        double[] ry = repeatedY.stream().mapToDouble(Double::doubleValue).toArray();
        GradientSummaryTest.addAll(plain, rg, ry, 0, rg.length, 300);

        assertEquals(rows - zero, weighted.count());
        assertEquals(rg.length, weighted.weight(), 0.0);
        assertEquals(rg.length, plain.count());
        sameFigures(plain, weighted, 1e-12, true, "weighted against repeated");
    }

    /** Weighted rows split at random into partitions and blocks, merged in random order: the same figures. */
    @Test
    void weightedFiguresDoNotDependOnThePartitions() {
        Random rnd = new Random(22);
        int rows = 2500;
        double[][] g = GradientSummaryTest.data(rnd, rows);
        double[] y = new double[rows];
        for (int r = 0; r < rows; r++) {
            y[r] = rnd.nextGaussian();
        }
        double[] w = poisson(rnd, rows);
        GradientSummary whole = new GradientSummary(DIMS);
        addWeighted(whole, g, y, w, 0, rows, 1024);
        for (int trial = 0; trial < 5; trial++) {
            List<Integer> cuts = new ArrayList<>(List.of(0, 0, rows));
            for (int i = 0; i < rnd.nextInt(12); i++) {
                cuts.add(rnd.nextInt(rows + 1));
            }
            Collections.sort(cuts);
            List<GradientSummary> parts = new ArrayList<>();
            for (int i = 0; i + 1 < cuts.size(); i++) {
                GradientSummary p = new GradientSummary(DIMS);
                addWeighted(p, g, y, w, cuts.get(i), cuts.get(i + 1), 1 + rnd.nextInt(300));
                parts.add(p);
            }
            Collections.shuffle(parts, rnd);
            GradientSummary merged = new GradientSummary(DIMS);
            for (GradientSummary p : parts) {
                merged.merge(p);
            }
            assertEquals(whole.count(), merged.count());
            assertEquals(whole.weight(), merged.weight(), 0.0);
            sameFigures(whole, merged, 1e-12, false, "trial " + trial);
        }
        // and against exact weighted two-pass arithmetic
        MathContext mc = MathContext.DECIMAL128;
        BigDecimal total = BigDecimal.ZERO;
        for (double v : w) {
            total = total.add(new BigDecimal(v));
        }
        for (int j = 0; j < DIMS; j++) {
            BigDecimal sum = BigDecimal.ZERO;
            BigDecimal sq = BigDecimal.ZERO;
            for (int r = 0; r < rows; r++) {
                BigDecimal x = new BigDecimal(g[r][j]);
                sum = sum.add(x.multiply(new BigDecimal(w[r])));
                sq = sq.add(x.multiply(x).multiply(new BigDecimal(w[r])));
            }
            BigDecimal mean = sum.divide(total, mc);
            BigDecimal m2 = BigDecimal.ZERO;
            for (int r = 0; r < rows; r++) {
                BigDecimal d = new BigDecimal(g[r][j]).subtract(mean);
                m2 = m2.add(d.multiply(d).multiply(new BigDecimal(w[r])));
            }
            double std = Math.sqrt(m2.divide(total.subtract(BigDecimal.ONE), mc).doubleValue());
            GradientSummary.DimensionStats d = whole.dimension(j);
            GradientSummaryTest.close(mean.doubleValue(), d.mean(), 1e-12, "exact weighted mean " + j);
            GradientSummaryTest.close(sq.divide(total, mc).doubleValue(), d.meanSquare(), 1e-12, "exact mean_sq " + j);
            GradientSummaryTest.close(std, d.std(), 1e-12, "exact weighted std " + j);
        }
    }

    /**
     * Gradients 1, −3 and 100 of weights 2, 1, 0: W = 3, mean (2 − 3)/3 = −1/3, mean |g| 5/3,
     * mean g² (2 + 9)/3 = 11/3, std = √(M2/(W − 1)) with M2 below; the row of weight 0 is in
     * neither the extremes nor the count.
     */
    @Test
    void handCaseOfThreeWeightedRows() {
        GradientSummary s = new GradientSummary(1);
        double[] norms = new double[9];
        s.addWeightedBlock(new double[] {0.5, 0.25, 7}, 0, new double[] {1, -3, 100}, 0, new double[] {2, 1, 0}, 0, 3,
                norms);
        assertEquals(2, s.count());
        assertEquals(3.0, s.weight(), 0.0);
        GradientSummary.DimensionStats d = s.dimension(0);
        assertEquals(-1.0 / 3, d.mean(), 1e-15);     // (2·1 − 3)/3
        assertEquals(5.0 / 3, d.meanAbs(), 1e-15);
        assertEquals(11.0 / 3, d.meanSquare(), 1e-15);
        // M2 of (1, 1, −3) about −1/3: 2·(4/3)² + (8/3)² = 32/9 + 64/9 = 32/3; std = √(16/3)
        assertEquals(Math.sqrt(16.0 / 3), d.std(), 1e-15);
        assertEquals(-3.0, d.min());
        assertEquals(1.0, d.max());
        assertEquals((2 * 0.5 + 0.25) / 3, s.output().mean(), 1e-15);
        assertEquals(0.25, s.output().min());
        assertEquals(0.5, s.output().max());
        assertEquals(100.0, norms[6]);  // norms are handed back for every row, weighted or not
        assertEquals(0.25, s.distribution(GradientSummary.Scalar.OUTPUT).quantile(0.2));
        assertEquals(0.5, s.distribution(GradientSummary.Scalar.OUTPUT).quantile(0.5));
        assertEquals(3, s.distribution(GradientSummary.Scalar.OUTPUT).count());
    }

    @Test
    void onlyRowsOfWeightZeroLeaveTheSummaryEmpty() {
        GradientSummary s = new GradientSummary(2);
        s.addWeightedBlock(new double[] {1, 2}, 0, new double[] {1, 2, 3, 4}, 0, new double[] {0, 0}, 0, 2, null);
        assertEquals(0, s.count());
        assertNull(s.dimension(0).mean());
        assertNull(s.output().min());
        // one row of weight 1: std undefined (W − 1 = 0), as for one unweighted row
        s.addWeightedBlock(new double[] {1}, 0, new double[] {1, 2}, 0, new double[] {1}, 0, 1, null);
        assertEquals(1.0, s.dimension(0).mean());
        assertNull(s.dimension(0).std());
    }

    @Test
    void refusesWeightsThatAreNotFrequencies() {
        GradientSummary s = new GradientSummary(1);
        double[] g = {1, 2};
        double[] y = {0, 0};
        for (double bad : new double[] {-1, 0.5, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> s.addWeightedBlock(y, 0, g, 0, new double[] {1, bad}, 0, 2, null));
            assertEquals("row 1: weight " + bad + " is not a frequency weight (a whole number, 0 or more)",
                    e.getMessage());
        }
        assertEquals(0, s.count(), "nothing added");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Moments(1).addBlock(new double[] {1}, 0, 1, new double[] {-0.5}, 0));
        assertEquals("row 0: weight -0.5 (weights are non-negative and finite)", e.getMessage());
    }

    /** Weights of 1 are the unweighted arithmetic, to the bit, quantiles included. */
    @Test
    void weightsOfOneGiveTheUnweightedFiguresBitForBit() {
        Random rnd = new Random(23);
        int rows = 5003;
        double[][] g = GradientSummaryTest.data(rnd, rows);
        double[] y = new double[rows];
        double[] ones = new double[rows];
        for (int r = 0; r < rows; r++) {
            y[r] = rnd.nextDouble();
            ones[r] = 1;
        }
        GradientSummary weighted = new GradientSummary(DIMS);
        addWeighted(weighted, g, y, ones, 0, rows, 256);
        GradientSummary plain = new GradientSummary(DIMS);
        GradientSummaryTest.addAll(plain, g, y, 0, rows, 256);
        sameFigures(plain, weighted, 0.0, true, "weights of 1");
    }

    /** Moments takes any non-negative weight: fractional ones against exact weighted arithmetic. */
    @Test
    void momentsTakeFractionalWeights() {
        double[] x = {2, -1, 4, 0.5, 3};
        double[] w = {0.5, 1.25, 0, 2, 0.75};
        Moments m = new Moments(1);
        m.addBlock(x, 0, 2, w, 0);
        Moments rest = new Moments(1);
        rest.addBlock(x, 2, 3, w, 2);
        m.merge(rest);
        double total = 4.5;
        double mean = (0.5 * 2 - 1.25 + 2 * 0.5 + 0.75 * 3) / total;   // 3/4.5
        double m2 = 0;
        for (int i = 0; i < x.length; i++) {
            m2 += w[i] * (x[i] - mean) * (x[i] - mean);
        }
        assertEquals(4, m.count());
        assertEquals(total, m.weight(), 0.0);
        assertEquals(mean, m.mean(0), 1e-15);
        assertEquals(Math.sqrt(m2 / (total - 1)), m.std(0), 1e-15);
        assertEquals(-1.0, m.min(0));
        assertEquals(3.0, m.max(0), "4 has weight 0");
    }
}
