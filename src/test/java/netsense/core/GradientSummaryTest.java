package netsense.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GradientSummaryTest {
    static final int DIMS = 5;

    /** Rows whose columns differ in scale and sign, one far from zero (where Σx² − n·mean² fails). */
    static double[][] data(Random rnd, int rows) {
        double[][] g = new double[rows][DIMS];
        for (double[] row : g) {
            row[0] = rnd.nextGaussian();
            row[1] = 1e3 + rnd.nextGaussian();
            row[2] = -1e-6 * rnd.nextDouble();
            row[3] = rnd.nextDouble() < 0.5 ? -2 : 3;
            row[4] = Math.exp(5 * rnd.nextGaussian());
        }
        return g;
    }

    static void addAll(GradientSummary s, double[][] rows, double[] outputs, int from, int to, int block) {
        for (int start = from; start < to; start += block) {
            int n = Math.min(block, to - start);
            double[] flat = new double[n * DIMS];
            for (int r = 0; r < n; r++) {
                System.arraycopy(rows[start + r], 0, flat, r * DIMS, DIMS);
            }
            s.addBlock(outputs, start, flat, 0, n);
        }
    }

    static BigDecimal exactSum(double[] v) {
        BigDecimal s = BigDecimal.ZERO;
        for (double x : v) {
            s = s.add(new BigDecimal(x));
        }
        return s;
    }

    /** mean and sample std by two passes in exact arithmetic. */
    static double[] exactMeanStd(double[] v) {
        MathContext mc = MathContext.DECIMAL128;
        BigDecimal n = BigDecimal.valueOf(v.length);
        BigDecimal mean = exactSum(v).divide(n, mc);
        BigDecimal ss = BigDecimal.ZERO;
        for (double x : v) {
            BigDecimal d = new BigDecimal(x).subtract(mean);
            ss = ss.add(d.multiply(d));
        }
        double std = Math.sqrt(ss.divide(BigDecimal.valueOf(v.length - 1L), mc).doubleValue());
        return new double[] {mean.doubleValue(), std};
    }

    static void close(double expected, Double actual, double rel, String what) {
        assertNotNull(actual, what);
        assertEquals(expected, actual, rel * Math.max(Math.abs(expected), 1e-300), what);
    }

    @Test
    void randomSplitsMergeToTheExactTwoPassFigures() {
        Random rnd = new Random(11);
        int rows = 3001;
        double[][] g = data(rnd, rows);
        double[] outputs = new double[rows];
        for (int r = 0; r < rows; r++) {
            outputs[r] = rnd.nextDouble();
        }
        GradientSummary whole = new GradientSummary(DIMS);
        addAll(whole, g, outputs, 0, rows, 1024);

        for (int trial = 0; trial < 5; trial++) {
            int parts = 1 + rnd.nextInt(12);
            List<Integer> cuts = new ArrayList<>();
            for (int i = 0; i < parts - 1; i++) {
                cuts.add(rnd.nextInt(rows + 1));
            }
            cuts.add(0);
            cuts.add(0); // an empty part for sure
            cuts.add(rows);
            Collections.sort(cuts);
            List<GradientSummary> pieces = new ArrayList<>();
            for (int i = 0; i + 1 < cuts.size(); i++) {
                GradientSummary p = new GradientSummary(DIMS);
                addAll(p, g, outputs, cuts.get(i), cuts.get(i + 1), 1 + rnd.nextInt(300));
                pieces.add(p);
            }
            Collections.shuffle(pieces, rnd);
            GradientSummary merged = new GradientSummary(DIMS);
            for (GradientSummary p : pieces) {
                merged.merge(p);
            }
            assertEquals(rows, merged.count());
            for (int j = 0; j < DIMS; j++) {
                GradientSummary.DimensionStats a = merged.dimension(j);
                GradientSummary.DimensionStats b = whole.dimension(j);
                close(b.mean(), a.mean(), 1e-12, "mean " + j);
                close(b.meanAbs(), a.meanAbs(), 1e-12, "mean_abs " + j);
                close(b.meanSquare(), a.meanSquare(), 1e-12, "mean_sq " + j);
                close(b.std(), a.std(), 1e-12, "std " + j);
                assertEquals(b.min(), a.min());
                assertEquals(b.max(), a.max());
            }
            close(whole.output().std(), merged.output().std(), 1e-12, "output std");
            close(whole.l2().spread().mean(), merged.l2().spread().mean(), 1e-12, "l2 mean");
        }

        for (int j = 0; j < DIMS; j++) {
            double[] col = new double[rows];
            double[] abs = new double[rows];
            double[] sq = new double[rows];
            for (int r = 0; r < rows; r++) {
                col[r] = g[r][j];
                abs[r] = Math.abs(col[r]);
                sq[r] = col[r] * col[r];
            }
            double[] ms = exactMeanStd(col);
            GradientSummary.DimensionStats d = whole.dimension(j);
            close(ms[0], d.mean(), 1e-12, "exact mean " + j);
            close(ms[1], d.std(), 1e-12, "exact std " + j);
            close(exactMeanStd(abs)[0], d.meanAbs(), 1e-12, "exact mean_abs " + j);
            close(exactMeanStd(sq)[0], d.meanSquare(), 1e-12, "exact mean_sq " + j);
            assertEquals(Arrays.stream(col).min().getAsDouble(), d.min());
            assertEquals(Arrays.stream(col).max().getAsDouble(), d.max());
        }
        double[] norms1 = new double[rows];
        double[] norms2 = new double[rows];
        double[] normsInf = new double[rows];
        for (int r = 0; r < rows; r++) {
            for (double v : g[r]) {
                norms1[r] += Math.abs(v);
                norms2[r] += v * v;
                normsInf[r] = Math.max(normsInf[r], Math.abs(v));
            }
            norms2[r] = Math.sqrt(norms2[r]);
        }
        close(exactMeanStd(norms1)[1], whole.l1().spread().std(), 1e-12, "l1 std");
        close(exactMeanStd(norms2)[0], whole.l2().spread().mean(), 1e-12, "l2 mean");
        close(exactMeanStd(normsInf)[0], whole.linf().spread().mean(), 1e-12, "linf mean");
        close(exactMeanStd(outputs)[1], whole.output().std(), 1e-12, "output std");
        // under SKETCH_K rows the sketch holds every value: quantiles are exact order statistics
        double[] sorted = norms2.clone();
        Arrays.sort(sorted);
        assertEquals(sorted[(int) Math.ceil(0.5 * rows) - 1], whole.l2().p50());
        assertEquals(sorted[(int) Math.ceil(0.99 * rows) - 1], whole.l2().p99());
    }

    @Test
    void quantilesStayWithinTheStatedRankError() {
        assertTrue(GradientSummary.quantileRankError() <= 0.001, "rank error " + GradientSummary.quantileRankError());
        Random rnd = new Random(5);
        int rows = 200_000;
        double[][] g = data(rnd, rows);
        double[] outputs = new double[rows];
        List<GradientSummary> parts = new ArrayList<>();
        for (int p = 0; p < 7; p++) {
            GradientSummary s = new GradientSummary(DIMS);
            addAll(s, g, outputs, p * rows / 7, (p + 1) * rows / 7, 1000);
            parts.add(s);
        }
        GradientSummary merged = new GradientSummary(DIMS);
        parts.forEach(merged::merge);
        double[] l1 = new double[rows];
        for (int r = 0; r < rows; r++) {
            for (double v : g[r]) {
                l1[r] += Math.abs(v);
            }
        }
        Arrays.sort(l1);
        double[] ranks = {0.5, 0.9, 0.99};
        Double[] q = {merged.l1().p50(), merged.l1().p90(), merged.l1().p99()};
        for (int i = 0; i < 3; i++) {
            int below = lowerBound(l1, q[i]);
            double rank = (double) below / rows;
            assertEquals(ranks[i], rank, GradientSummary.quantileRankError(), "p" + (int) (ranks[i] * 100));
        }
    }

    static int lowerBound(double[] sorted, double v) {
        int i = Arrays.binarySearch(sorted, v);
        if (i < 0) {
            return -i - 1;
        }
        while (i > 0 && sorted[i - 1] == v) {
            i--;
        }
        return i;
    }

    @Test
    void undefinedFiguresAreNull() {
        GradientSummary empty = new GradientSummary(2);
        assertEquals(0, empty.count());
        assertNull(empty.dimension(0).mean());
        assertNull(empty.dimension(1).max());
        assertNull(empty.output().mean());
        assertNull(empty.l2().p50());
        GradientSummary one = new GradientSummary(2);
        one.add(0.25, new double[] {3, -4});
        assertEquals(-4.0, one.dimension(1).mean());
        assertEquals(16.0, one.dimension(1).meanSquare());
        assertNull(one.dimension(1).std());
        assertEquals(5.0, one.l2().spread().mean());
        assertEquals(7.0, one.l1().p50());
        assertEquals(4.0, one.linf().spread().max());
        assertNull(one.output().std());
        // merging empties changes nothing
        one.merge(new GradientSummary(2));
        empty.merge(one);
        assertEquals(1, empty.count());
        assertEquals(-4.0, empty.dimension(1).mean());
    }

    @Test
    void handCaseOfTwoRows() {
        GradientSummary s = new GradientSummary(1);
        s.add(1, new double[] {1});
        s.add(3, new double[] {-3});
        // mean −1, mean |g| 2, mean g² 5, std √((4 + 4)/1) = √8
        GradientSummary.DimensionStats d = s.dimension(0);
        assertEquals(-1.0, d.mean());
        assertEquals(2.0, d.meanAbs());
        assertEquals(5.0, d.meanSquare());
        assertEquals(Math.sqrt(8), d.std(), 1e-15);
        assertEquals(Math.sqrt(2), s.output().std(), 1e-15);
    }

    @Test
    void refusesMismatchedDimensions() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GradientSummary(3).merge(new GradientSummary(4)));
        assertEquals("dimension mismatch: expecting 3 but got 4", e.getMessage());
    }

    @Test
    void serialisationRoundTrips() throws Exception {
        Random rnd = new Random(8);
        int rows = 9000;
        double[][] g = data(rnd, rows);
        double[] outputs = new double[rows];
        GradientSummary s = new GradientSummary(DIMS);
        addAll(s, g, outputs, 0, rows, 512);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(s);
        }
        assertTrue(bytes.size() < 400_000, "serialised size " + bytes.size());
        GradientSummary copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (GradientSummary) in.readObject();
        }
        assertEquals(s.count(), copy.count());
        assertEquals(s.dimension(4), copy.dimension(4));
        assertEquals(s.l2(), copy.l2());
        assertEquals(s.linf(), copy.linf());
        // and it keeps working: more rows after the trip give what they give without it
        addAll(copy, g, outputs, 0, 100, 100);
        addAll(s, g, outputs, 0, 100, 100);
        assertEquals(s.dimension(1), copy.dimension(1));
    }
}
