package netsense.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The input statistics and the vector's quantiles of {@link GradientSummary}: by hand, against
 * exact two-pass figures and sorted values, under splits and weights, and without changing any
 * figure the summary had before.
 */
class SummaryInputsTest {
    static final int DIMS = GradientSummaryTest.DIMS;

    static double[] flat(double[][] rows, int from, int to) {
        return WeightedSummaryTest.flat(rows, from, to);
    }

    /** Vectors g and inputs x of GradientSummaryTest's kinds, and outputs y ~ N(0, 1), of one seed. */
    record Rows(double[][] g, double[][] x, double[] y, Random rnd) {
        static Rows of(long seed, int rows) {
            Random rnd = new Random(seed);
            double[][] g = GradientSummaryTest.data(rnd, rows);
            double[][] x = GradientSummaryTest.data(rnd, rows);
            double[] y = new double[rows];
            for (int r = 0; r < rows; r++) {
                y[r] = rnd.nextGaussian();
            }
            return new Rows(g, x, y, rnd);
        }
    }

    static GradientSummary withInputs(double[][] g, double[][] x, double[] y, int from, int to, int block) {
        GradientSummary s = new GradientSummary(DIMS);
        for (int start = from; start < to; start += block) {
            int n = Math.min(block, to - start);
            s.addBlock(y, start, flat(g, start, start + n), 0, n, null, flat(x, start, start + n), 0);
        }
        return s;
    }

    @Test
    void handDerivedInputFigures() {
        GradientSummary s = new GradientSummary(2);
        double[] x = {1, 10, 2, 20, 3, 60};
        double[] g = {0.5, -1, 0.5, -2, 0.5, 3};
        double[] norms = new double[9];
        s.addBlock(new double[] {7, 8, 9}, 0, g, 0, 3, norms, x, 0);
        assertEquals(new GradientSummary.InputStats(0, 2.0, 1.0, 1.0, 3.0), s.input(0));
        // x_1: mean 30, deviations −20, −10, 30: std √(1400/2)
        assertEquals(new GradientSummary.InputStats(1, 30.0, Math.sqrt(700), 10.0, 60.0), s.input(1));
        assertEquals(1.5, norms[0]);
        assertEquals(3.0, norms[3 * 2 + 2]);
        assertTrue(s.hasInputs());
        // quantiles of g_1 = {−2, −1, 3}: p05 → −2 (rank 1, the minimum); p50 → −1 in [1, 1.03125): −1.015625
        GradientSummary.Quantiles q = s.quantiles(1);
        assertEquals(-2.0, q.p05());
        assertEquals(-1.015625, q.p50());
        assertEquals(3.0, q.p95());
        assertEquals(0.5, s.quantiles(0).p50(), "a constant: clamped to itself");
    }

    @Test
    void emptyAndWithoutInputs() {
        GradientSummary s = new GradientSummary(2);
        assertEquals(new GradientSummary.InputStats(1, null, null, null, null), s.input(1));
        assertEquals(new GradientSummary.Quantiles(null, null, null, null, null), s.quantiles(0));
        s.add(1.0, new double[] {1, 2});
        assertEquals(new GradientSummary.InputStats(0, null, null, null, null), s.input(0));
        assertEquals(false, s.hasInputs());
        assertEquals(2.0, s.quantiles(1).p50());
    }

    @Test
    void randomSplitsGiveTheExactFigures() {
        int rows = 3000;
        Rows data = Rows.of(31, rows);
        Random rnd = data.rnd();
        double[][] g = data.g();
        double[][] x = data.x();
        double[] y = data.y();
        GradientSummary merged = new GradientSummary(DIMS);
        int from = 0;
        while (from < rows) {
            int to = Math.min(rows, from + 1 + rnd.nextInt(900));
            merged.merge(withInputs(g, x, y, from, to, 1 + rnd.nextInt(200)));
            from = to;
        }
        for (int i = 0; i < DIMS; i++) {
            double[] column = new double[rows];
            double[] gi = new double[rows];
            for (int r = 0; r < rows; r++) {
                column[r] = x[r][i];
                gi[r] = g[r][i];
            }
            double[] ms = GradientSummaryTest.exactMeanStd(column);
            GradientSummary.InputStats in = merged.input(i);
            GradientSummaryTest.close(ms[0], in.mean(), 1e-13, "mean " + i);
            GradientSummaryTest.close(ms[1], in.std(), 1e-13, "std " + i);
            Arrays.sort(column);
            assertEquals(column[0], in.min());
            assertEquals(column[rows - 1], in.max());
            Arrays.sort(gi);
            GradientSummary.Quantiles q = merged.quantiles(i);
            double[] got = {q.p05(), q.p25(), q.p50(), q.p75(), q.p95()};
            double[] ranks = {0.05, 0.25, 0.5, 0.75, 0.95};
            double maxAbs = Math.max(-gi[0], gi[rows - 1]);
            for (int k = 0; k < 5; k++) {
                double want = DimensionQuantilesTest.exact(gi, ranks[k]);
                double bound = Math.max(Math.abs(want) * DimensionQuantiles.RELATIVE_ACCURACY,
                        maxAbs * Math.scalb(1.0, -DimensionQuantiles.FLOOR_BINADES));
                assertEquals(want, got[k], bound, "quantile " + ranks[k] + " of " + i);
            }
        }
    }

    /** Inputs add figures and change none: every other figure is the same, bit for bit, with or without them. */
    @Test
    void theOtherFiguresAreUnchanged() throws Exception {
        int rows = 5000;
        Rows data = Rows.of(32, rows);
        double[][] g = data.g();
        double[][] x = data.x();
        double[] y = data.y();
        GradientSummary with = withInputs(g, x, y, 0, rows, 333);
        GradientSummary without = new GradientSummary(DIMS);
        GradientSummaryTest.addAll(without, g, y, 0, rows, 333);
        for (int i = 0; i < DIMS; i++) {
            assertEquals(without.dimension(i), with.dimension(i));
            assertEquals(without.quantiles(i), with.quantiles(i));
        }
        assertEquals(without.output(), with.output());
        assertEquals(without.l1(), with.l1());
        assertEquals(without.l2(), with.l2());
        assertEquals(without.linf(), with.linf());
        GradientSummary back = GradientSummaryTest.roundTrip(with);
        for (int i = 0; i < DIMS; i++) {
            assertEquals(with.input(i), back.input(i));
            assertEquals(with.quantiles(i), back.quantiles(i));
        }
    }

    /** A row of weight w is w copies of itself, for the inputs as for the rest. */
    @Test
    void weightedInputsAreRepeatedRows() {
        int rows = 700;
        Rows data = Rows.of(33, rows);
        Random rnd = data.rnd();
        double[][] g = data.g();
        double[][] x = data.x();
        double[] y = data.y();
        double[] w = WeightedSummaryTest.poisson(rnd, rows);
        GradientSummary weighted = new GradientSummary(DIMS);
        for (int start = 0; start < rows; start += 64) {
            int n = Math.min(64, rows - start);
            weighted.addWeightedBlock(y, start, flat(g, start, start + n), 0, w, start, n, null,
                    flat(x, start, start + n), 0);
        }
        int total = 0;
        for (double v : w) {
            total += (int) v;
        }
        double[][] gr = new double[total][];
        double[][] xr = new double[total][];
        int k = 0;
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < (int) w[r]; t++, k++) {
                gr[k] = g[r];
                xr[k] = x[r];
            }
        }
        GradientSummary repeated = withInputs(gr, xr, new double[total], 0, total, 64);
        for (int i = 0; i < DIMS; i++) {
            GradientSummary.InputStats a = repeated.input(i);
            GradientSummary.InputStats b = weighted.input(i);
            GradientSummaryTest.close(a.mean(), b.mean(), 1e-13, "mean " + i);
            GradientSummaryTest.close(a.std(), b.std(), 1e-13, "std " + i);
            assertEquals(a.min(), b.min());
            assertEquals(a.max(), b.max());
            assertEquals(repeated.quantiles(i), weighted.quantiles(i));
        }
    }

    @Test
    void inputsWithEveryBlockOrWithNone() {
        double[] one = {1, 2};
        GradientSummary without = new GradientSummary(2);
        without.add(0, one);
        IllegalStateException late = assertThrows(IllegalStateException.class,
                () -> without.addBlock(new double[] {0}, 0, one, 0, 1, null, one, 0));
        assertEquals("inputs came with this block but not with the 1 rows before it: a summary takes inputs"
                + " with every block or with none", late.getMessage());
        GradientSummary with = new GradientSummary(2);
        with.addBlock(new double[] {0}, 0, one, 0, 1, null, one, 0);
        IllegalStateException missing = assertThrows(IllegalStateException.class, () -> with.add(0, one));
        assertEquals("this block came without inputs, the rows before it with them: a summary takes inputs"
                + " with every block or with none", missing.getMessage());
        assertEquals(1, with.count(), "nothing added");
        assertThrows(IllegalStateException.class, () -> with.merge(without));
        assertThrows(IllegalStateException.class, () -> without.merge(with));
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> with.addBlock(new double[] {0}, 0, one, 0, 1, null, new double[] {1, Double.NaN}, 0));
        assertEquals("row 0: input 1 is not finite (NaN)", nan.getMessage());
        assertEquals(1, with.count(), "nothing added");
        assertEquals(1.0, with.input(0).mean());
        // an empty summary merges with either kind
        new GradientSummary(2).merge(with).merge(new GradientSummary(2));
        assertEquals(2.0, new GradientSummary(2).merge(with).input(1).mean());
        assertNull(new GradientSummary(2).merge(without).input(1).mean());
    }
}
