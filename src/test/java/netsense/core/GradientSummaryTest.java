package netsense.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.nio.file.Path;
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

    /** The exact Euclidean norm of v, rounded once to double. */
    static double exactL2(double... v) {
        BigDecimal ss = BigDecimal.ZERO;
        for (double x : v) {
            BigDecimal b = new BigDecimal(x);
            ss = ss.add(b.multiply(b));
        }
        return ss.sqrt(new MathContext(40)).doubleValue();
    }

    static double[] normsOf(double... g) {
        GradientSummary s = new GradientSummary(g.length);
        double[] norms = new double[3];
        s.addBlock(new double[] {0.5}, 0, g, 0, 1, norms);
        return norms;
    }

    @Test
    void l2NormNeitherUnderflowsNorOverflowsForAnyFiniteGradient() {
        double[][] rows = {
            {4e-170},                          // a saturated sigmoid: g² underflows to 0
            {3e-170, -4e-170},
            {Double.MIN_VALUE, Double.MIN_VALUE, -Double.MIN_VALUE},
            {1e154, 1e154, 1e154},             // Σ g² > 1.8e308
            {3e300, -4e300},
            {Double.MAX_VALUE / 4, Double.MAX_VALUE / 4},
            {1e-300, 1e300, 7},
            {0.0, -0.0, 0.0},
            {1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
        };
        for (double[] g : rows) {
            double l2 = normsOf(g)[1];
            double exact = exactL2(g);
            assertEquals(exact, l2, 2 * Math.ulp(exact), Arrays.toString(g));
        }
        assertEquals(5e-170, normsOf(3e-170, -4e-170)[1], 2 * Math.ulp(5e-170));
        assertEquals(4e-170, normsOf(4e-170)[0], 0, "l1");
        // the statistics of such rows hold the same norms
        GradientSummary s = new GradientSummary(2);
        s.add(1, new double[] {3e-170, -4e-170});
        s.add(1, new double[] {3e-170, -4e-170});
        assertEquals(5e-170, s.l2().spread().mean(), 2 * Math.ulp(5e-170));
        assertEquals(5e-170, s.l2().p50(), 2 * Math.ulp(5e-170));
    }

    @Test
    void aRowWhoseNormOverflowsIsRefusedNotAveraged() {
        double[] norms = new double[3];
        GradientSummary.rowNorms(new double[] {1.5e308, 1.5e308}, 0, 2, norms, 0);
        assertEquals(Double.POSITIVE_INFINITY, norms[0], "l1 = 3e308 is beyond the double range");
        assertEquals(Double.POSITIVE_INFINITY, norms[1]);
        assertEquals(1.5e308, norms[2]);
        GradientSummary s = new GradientSummary(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.add(0.5, new double[] {1.5e308, 1.5e308}));
        assertEquals("row 0: the gradient's L1 norm is not finite (Infinity)", e.getMessage());
        assertEquals(0, s.count());
    }

    /** Figures of a column, against exact arithmetic, with sums whose plain double form over- or underflows. */
    @Test
    void momentsOfHugeAndTinyColumnsAreTheExactFiguresWhereThoseAreDoubles() {
        int rows = 100;
        double[][] cases = {{1.3e154, -1.3e154}, {1e154, 1.2e154}, {1.7e308, 1.6e308}, {3e-170, 5e-170},
            {1e160, -1e160}, {Double.MIN_VALUE, 0}};
        for (double[] pair : cases) {
            double[] col = new double[rows];
            for (int r = 0; r < rows; r++) {
                col[r] = pair[r % 2];
            }
            for (int block : new int[] {1, 7, 100}) {
                GradientSummary s = new GradientSummary(1);
                double[] outputs = new double[rows];
                for (int start = 0; start < rows; start += block) {
                    int n = Math.min(block, rows - start);
                    s.addBlock(outputs, start, col, start, n);
                }
                GradientSummary.DimensionStats d = s.dimension(0);
                String what = Arrays.toString(pair) + " block " + block;
                MathContext mc = new MathContext(40);
                BigDecimal n = BigDecimal.valueOf(rows);
                BigDecimal mean = exactSum(col).divide(n, mc);
                BigDecimal ss = BigDecimal.ZERO;
                BigDecimal sq = BigDecimal.ZERO;
                for (double x : col) {
                    BigDecimal b = new BigDecimal(x);
                    ss = ss.add(b.subtract(mean).pow(2));
                    sq = sq.add(b.pow(2));
                }
                double std = ss.divide(BigDecimal.valueOf(rows - 1), mc).sqrt(mc).doubleValue();
                double meanSq = sq.divide(n, mc).doubleValue();
                close(mean.doubleValue(), d.mean(), 1e-15, "mean " + what);
                close(std, d.std(), 1e-14, "std " + what);
                if (Double.isInfinite(meanSq)) {
                    assertNull(d.meanSquare(), "mean_sq beyond the double range: " + what);
                } else {
                    assertNotNull(d.meanSquare(), what);
                    assertEquals(meanSq, d.meanSquare(), 1e-14 * meanSq + Double.MIN_VALUE, "mean_sq " + what);
                }
            }
        }
    }

    /** A constant column has std exactly 0 and its exact mean, whatever the blocks and the merge order. */
    @Test
    void constantDataGivesExactlyZeroSpreadWhateverTheSplit() {
        Random rnd = new Random(4);
        int rows = 1000;
        double[] g = new double[rows * 2];
        double[] outputs = new double[rows];
        for (int r = 0; r < rows; r++) {
            g[2 * r] = 0.1;
            g[2 * r + 1] = -2.7e-5;
            outputs[r] = 0.7;
        }
        for (int trial = 0; trial < 40; trial++) {
            GradientSummary merged = new GradientSummary(2);
            int start = 0;
            while (start < rows) {
                GradientSummary part = new GradientSummary(2);
                int end = Math.min(rows, start + 1 + rnd.nextInt(400));
                for (int b = start; b < end; ) {
                    int n = Math.min(end - b, 1 + rnd.nextInt(300));
                    part.addBlock(outputs, b, g, 2 * b, n);
                    b += n;
                }
                merged.merge(part);
                start = end;
            }
            assertEquals(0.0, merged.dimension(0).std(), 0, "trial " + trial);
            assertEquals(0.0, merged.dimension(1).std(), 0, "trial " + trial);
            assertEquals(0.1, merged.dimension(0).mean(), 0);
            assertEquals(-2.7e-5, merged.dimension(1).mean(), 0);
            assertEquals(0.0, merged.output().std(), 0);
            assertEquals(0.0, merged.l2().spread().std(), 0);
            assertEquals(0.0, merged.l1().spread().std(), 0);
        }
    }

    /** −0.0 and +0.0 are the same number: every figure is +0.0 whatever order they come in. */
    @Test
    void negativeZeroIsReportedAsZero() {
        for (double[] order : new double[][] {{0.0, -0.0}, {-0.0, 0.0}, {-0.0, -0.0}}) {
            GradientSummary a = new GradientSummary(1);
            a.add(order[0], new double[] {order[0]});
            GradientSummary b = new GradientSummary(1);
            b.add(order[1], new double[] {order[1]});
            a.merge(b);
            GradientSummary.DimensionStats d = a.dimension(0);
            for (Double v : new Double[] {d.min(), d.max(), d.mean(), d.meanAbs(), d.meanSquare(), d.std(),
                a.output().min(), a.output().max(), a.output().mean(), a.l2().p50(), a.l1().spread().min()}) {
                assertEquals(0L, Double.doubleToRawLongBits(v), Arrays.toString(order) + ": " + v);
            }
        }
    }

    static GradientSummary summaryOf(double[][] g, double[] outputs, int parts) {
        GradientSummary merged = new GradientSummary(DIMS);
        int rows = outputs.length;
        for (int p = 0; p < parts; p++) {
            GradientSummary s = new GradientSummary(DIMS);
            addAll(s, g, outputs, p * rows / parts, (p + 1) * rows / parts, 256);
            merged.merge(s);
        }
        return merged;
    }

    /** Above SKETCH_K rows the sketches compact: the same rows merged the same way give the same quantiles. */
    @Test
    void quantilesRepeatExactlyForTheSameInput() throws Exception {
        Random rnd = new Random(21);
        int rows = 60_000;
        double[][] g = data(rnd, rows);
        double[] outputs = new double[rows];
        for (int r = 0; r < rows; r++) {
            outputs[r] = rnd.nextDouble();
        }
        GradientSummary first = summaryOf(g, outputs, 5);
        for (int run = 0; run < 3; run++) {
            GradientSummary again = summaryOf(g, outputs, 5);
            assertEquals(first.l1(), again.l1(), "run " + run);
            assertEquals(first.l2(), again.l2(), "run " + run);
            assertEquals(first.linf(), again.linf(), "run " + run);
            assertEquals(first.output(), again.output(), "run " + run);
        }
        // and through serialisation, as the parts travel from executors
        GradientSummary viaBytes = new GradientSummary(DIMS);
        for (int p = 0; p < 5; p++) {
            GradientSummary s = new GradientSummary(DIMS);
            addAll(s, g, outputs, p * rows / 5, (p + 1) * rows / 5, 256);
            viaBytes.merge(roundTrip(s));
        }
        assertEquals(first.l2(), viaBytes.l2());
    }

    static GradientSummary roundTrip(GradientSummary s) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(s);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (GradientSummary) in.readObject();
        }
    }

    /**
     * The distribution the report bins: the fraction of values below a point, from the sketch,
     * exact below SKETCH_K rows; and min and max.
     */
    @Test
    void distributionsGiveTheFractionBelowAPoint() {
        GradientSummary s = new GradientSummary(1);
        for (int i = 1; i <= 10; i++) {
            s.add(i, new double[] {i});
        }
        GradientSummary.Distribution out = s.distribution(GradientSummary.Scalar.OUTPUT);
        assertEquals(10, out.count());
        assertEquals(1.0, out.min());
        assertEquals(10.0, out.max());
        assertEquals(0.0, out.fractionBelow(1.0));
        assertEquals(0.3, out.fractionBelow(3.5), 1e-15);
        assertEquals(0.9, out.fractionBelow(10.0), 1e-15);
        assertEquals(1.0, out.fractionBelow(Double.POSITIVE_INFINITY));
        assertEquals(0, new GradientSummary(1).distribution(GradientSummary.Scalar.L2).count());
    }

    /**
     * Nothing of DataSketches' memory library runs, so its warning ("Java versions &gt; Java 11 can
     * only operate in restricted mode") is never printed and System.err is never swapped: a fresh
     * JVM fills, serialises and reads back a summary with -verbose:class, and the memory library's
     * classes are never loaded and nothing reaches stderr.
     */
    @Test
    void theSketchLibrarysMemoryWarningCannotBePrinted() throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "-verbose:class", "-cp", System.getProperty("java.class.path"),
                SerialiseInAFreshJvm.class.getName()).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), err);
        assertTrue(out.contains("round trip ok"), out.length() > 2000 ? out.substring(out.length() - 2000) : out);
        assertFalse(out.contains("org.apache.datasketches.memory"), "datasketches-memory was loaded");
        assertEquals("", err);
    }

    /** The fresh JVM of {@link #theSketchLibrarysMemoryWarningCannotBePrinted}. */
    static final class SerialiseInAFreshJvm {
        public static void main(String[] args) throws Exception {
            Random rnd = new Random(3);
            GradientSummary s = new GradientSummary(DIMS);
            addAll(s, data(rnd, 9000), new double[9000], 0, 9000, 500);
            GradientSummary back = roundTrip(s);
            if (!back.l2().equals(s.l2())) {
                throw new AssertionError("round trip changed the quantiles");
            }
            System.out.println("round trip ok");
        }
    }
}
