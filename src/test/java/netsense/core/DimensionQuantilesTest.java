package netsense.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link DimensionQuantiles}: by hand, against the exact quantiles of the sorted values, and
 * the same counts bit for bit under any split and order of merges.
 */
class DimensionQuantilesTest {
    static final double[] RANKS = {0, 0.05, 0.25, 0.5, 0.75, 0.95, 1};

    /** The exact quantile of the definition: the value of rank max(1, ⌈p·n⌉) of the sorted values. */
    static double exact(double[] sorted, double p) {
        long target = Math.max(1, (long) Math.ceil(p * sorted.length));
        return sorted[(int) target - 1];
    }

    static DimensionQuantiles of(double... column) {
        DimensionQuantiles q = new DimensionQuantiles(1);
        q.addBlock(column, 0, column.length);
        return q;
    }

    @Test
    void handDerivedBucketMiddles() {
        // 2 = 2^1·(1 + 0/32): bucket [2, 2.0625), middle 2.03125; 1 and 3 are the extremes, clamped
        DimensionQuantiles q = of(3, 1, 2);
        assertEquals(1.0, q.quantile(0, 0));
        assertEquals(1.0, q.quantile(0, 1.0 / 3));
        assertEquals(2.03125, q.quantile(0, 0.5));
        assertEquals(3.0, q.quantile(0, 0.9));
        assertEquals(3.0, q.quantile(0, 1));
        // 5 = 4·(1 + 8/32): [5, 5.125) → −5.0625, clamped to the minimum −5; −1 → −(1 + 1/64); zeros → 0
        DimensionQuantiles n = of(0, -1, 4, -5, -0.0);
        assertEquals(-5.0, n.quantile(0, 0.2));
        assertEquals(-1.015625, n.quantile(0, 0.4));
        assertEquals(0.0, n.quantile(0, 0.6));
        assertEquals(0.0, n.quantile(0, 0.8));
        assertEquals(4.0, n.quantile(0, 1));
        // 100 = 64·(1 + 18/32): [100, 102) → 101, within 1/64 of 100
        DimensionQuantiles h = of(100, 100, 200);
        assertEquals(101.0, h.quantile(0, 0.5));
        assertEquals(5, n.count());
    }

    @Test
    void emptyAndBadRanks() {
        DimensionQuantiles q = new DimensionQuantiles(2);
        assertTrue(Double.isNaN(q.quantile(1, 0.5)));
        assertTrue(Double.isNaN(q.min(0)));
        assertThrows(IllegalArgumentException.class, () -> q.quantile(0, 1.5));
        assertThrows(IllegalArgumentException.class, () -> q.quantile(0, Double.NaN));
        assertThrows(IndexOutOfBoundsException.class, () -> q.quantile(2, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new DimensionQuantiles(0));
    }

    /** Columns of every kind: signs, zeros, long tails, binades far apart, constants. */
    static double[][] columns(Random rnd, int rows) {
        double[][] c = new double[8][rows];
        for (int r = 0; r < rows; r++) {
            c[0][r] = rnd.nextGaussian();
            c[1][r] = Math.exp(8 * rnd.nextGaussian());                       // 1e-10 .. 1e10
            c[2][r] = rnd.nextDouble() < 0.3 ? 0.0 : -Math.exp(3 * rnd.nextGaussian());
            c[3][r] = 1e300 * rnd.nextGaussian();
            c[4][r] = 1e-300 * rnd.nextGaussian();
            c[5][r] = rnd.nextDouble() < 0.5 ? 1e-9 * rnd.nextGaussian() : rnd.nextGaussian(); // below the floor and not
            c[6][r] = 7.25;
            c[7][r] = (rnd.nextInt(5) - 2) * Double.MIN_VALUE;               // subnormals only
        }
        return c;
    }

    static double[] rowMajor(double[][] columns, int from, int to) {
        int d = columns.length;
        double[] flat = new double[(to - from) * d];
        for (int r = from; r < to; r++) {
            for (int i = 0; i < d; i++) {
                flat[(r - from) * d + i] = columns[i][r];
            }
        }
        return flat;
    }

    @Test
    void withinTheStatedBoundOfTheExactQuantiles() {
        Random rnd = new Random(5);
        for (int rows : new int[] {1, 2, 7, 100, 20_001}) {
            double[][] c = columns(rnd, rows);
            DimensionQuantiles q = new DimensionQuantiles(c.length);
            q.addBlock(rowMajor(c, 0, rows), 0, rows);
            for (int i = 0; i < c.length; i++) {
                double[] sorted = c[i].clone();
                Arrays.sort(sorted);
                double maxAbs = Math.max(-sorted[0], sorted[rows - 1]);
                for (double p = 0; p <= 1.0; p += 0.01) {
                    double want = exact(sorted, p);
                    double got = q.quantile(i, p);
                    double bound = Math.max(Math.abs(want) * DimensionQuantiles.RELATIVE_ACCURACY,
                            Math.max(maxAbs * Math.scalb(1.0, -DimensionQuantiles.FLOOR_BINADES), Double.MIN_NORMAL));
                    assertTrue(Math.abs(got - want) <= bound, "rows " + rows + " column " + i + " p " + p
                            + ": " + got + " vs exact " + want);
                }
                assertEquals(sorted[0] + 0.0, q.quantile(i, 0), "min of " + i);
                assertEquals(sorted[rows - 1] + 0.0, q.quantile(i, 1), "max of " + i);
            }
            assertEquals(7.25, q.quantile(6, 0.5), "a constant is itself");
        }
    }

    /** The largest doubles: the top bucket's upper end is +∞, so the middle is clamped to the maximum. */
    @Test
    void extremesOfTheDoubleRange() {
        DimensionQuantiles q = of(-Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE, 1e-300);
        assertEquals(-Double.MAX_VALUE, q.quantile(0, 0.25));
        assertEquals(0.0, q.quantile(0, 0.5), "1e-300 is below the floor of 1.8e308: zero");
        assertEquals(Double.MAX_VALUE, q.quantile(0, 0.75));
        DimensionQuantiles t = of(Double.MIN_VALUE, Double.MIN_VALUE);
        assertEquals(Double.MIN_VALUE, t.quantile(0, 0.5), "subnormals count as zero, clamped to the minimum");
    }

    /** The floor rises with the largest value: what was bucketed falls into the zeros, the same as if it came last. */
    @Test
    void theFloorMovesWithTheLargestValue() {
        DimensionQuantiles first = of(1e-8, 2e-8, 3e-8, 1.0);
        DimensionQuantiles last = of(1.0, 3e-8, 1e-8, 2e-8);
        for (double p : RANKS) {
            assertEquals(first.quantile(0, p), last.quantile(0, p));
        }
        assertEquals(1e-8, first.quantile(0, 0.5), "2e-8 < 2^-20 · 1: zero, clamped to the minimum");
        assertEquals(1e-8, first.quantile(0, 0.75), "3e-8: zero too");
    }

    static DimensionQuantiles split(double[][] c, Random rnd, int parts, boolean weighted, double[] weights) {
        int rows = c[0].length;
        int[] cuts = new int[parts + 1];
        cuts[parts] = rows;
        for (int p = 1; p < parts; p++) {
            cuts[p] = rnd.nextInt(rows + 1);
        }
        Arrays.sort(cuts);
        List<DimensionQuantiles> pieces = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
            DimensionQuantiles q = new DimensionQuantiles(c.length);
            int block = 1 + rnd.nextInt(300);
            for (int start = cuts[p]; start < cuts[p + 1]; start += block) {
                int n = Math.min(block, cuts[p + 1] - start);
                if (weighted) {
                    q.addBlock(rowMajor(c, start, start + n), 0, n, weights, start);
                } else {
                    q.addBlock(rowMajor(c, start, start + n), 0, n);
                }
            }
            pieces.add(q);
        }
        Collections.shuffle(pieces, rnd);
        DimensionQuantiles merged = new DimensionQuantiles(c.length);
        // merge as a tree of random shape: pairs of neighbours, then the rest in turn
        while (pieces.size() > 1) {
            int k = rnd.nextInt(pieces.size() - 1);
            pieces.get(k).merge(pieces.remove(k + 1));
        }
        return merged.merge(pieces.get(0));
    }

    @Test
    void anySplitAndOrderGivesTheSameQuantilesBitForBit() {
        Random rnd = new Random(8);
        int rows = 5000;
        double[][] c = columns(rnd, rows);
        DimensionQuantiles whole = new DimensionQuantiles(c.length);
        whole.addBlock(rowMajor(c, 0, rows), 0, rows);
        for (int trial = 0; trial < 12; trial++) {
            DimensionQuantiles q = split(c, rnd, 1 + rnd.nextInt(17), false, null);
            assertEquals(whole.count(), q.count());
            for (int i = 0; i < c.length; i++) {
                for (double p = 0; p <= 1.0; p += 0.005) {
                    assertEquals(Double.doubleToRawLongBits(whole.quantile(i, p)),
                            Double.doubleToRawLongBits(q.quantile(i, p)), "trial " + trial + " column " + i + " p " + p);
                }
            }
        }
    }

    /** A row of weight w is w copies of the row. */
    @Test
    void weightsAreRepeatedRows() {
        Random rnd = new Random(9);
        int rows = 800;
        double[][] c = columns(rnd, rows);
        double[] w = WeightedSummaryTest.poisson(rnd, rows);
        int total = 0;
        for (double x : w) {
            total += (int) x;
        }
        double[][] repeated = new double[c.length][total];
        int k = 0;
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < (int) w[r]; t++, k++) {
                for (int i = 0; i < c.length; i++) {
                    repeated[i][k] = c[i][r];
                }
            }
        }
        DimensionQuantiles want = new DimensionQuantiles(c.length);
        want.addBlock(rowMajor(repeated, 0, total), 0, total);
        DimensionQuantiles got = split(c, rnd, 5, true, w);
        assertEquals(total, got.count());
        for (int i = 0; i < c.length; i++) {
            for (double p = 0; p <= 1.0; p += 0.01) {
                assertEquals(want.quantile(i, p), got.quantile(i, p), "column " + i + " p " + p);
            }
        }
    }

    /** Values over the whole double range: never more buckets than the stated bound. */
    @Test
    void memoryStaysWithinTheBound() throws Exception {
        Random rnd = new Random(10);
        DimensionQuantiles q = new DimensionQuantiles(3);
        double[] row = new double[3];
        for (int r = 0; r < 200_000; r++) {
            for (int i = 0; i < 3; i++) {
                row[i] = (rnd.nextBoolean() ? 1 : -1) * Math.scalb(1 + rnd.nextDouble(), rnd.nextInt(2046) - 1022);
            }
            q.addBlock(row, 0, 1);
        }
        assertTrue(q.bucketsHeld() <= 3L * 2 * DimensionQuantiles.MAX_BUCKETS_PER_SIGN, "" + q.bucketsHeld());
        assertEquals(2 * 672 * 8 * 10_000L, DimensionQuantiles.maxBucketBytes(10_000));
        DimensionQuantiles back = GroupedSummariesTest.roundTrip(q);
        for (double p : RANKS) {
            assertEquals(q.quantile(2, p), back.quantile(2, p));
        }
    }

    /** Without extremes kept, the same quantiles when the extremes are given. */
    @Test
    void extremesGivenInstead() {
        Random rnd = new Random(12);
        int rows = 3000;
        double[][] c = columns(rnd, rows);
        DimensionQuantiles with = new DimensionQuantiles(c.length);
        DimensionQuantiles without = new DimensionQuantiles(c.length, false);
        with.addBlock(rowMajor(c, 0, rows), 0, rows);
        without.addBlock(rowMajor(c, 0, rows), 0, rows);
        for (int i = 0; i < c.length; i++) {
            double lo = Arrays.stream(c[i]).min().getAsDouble() + 0.0;
            double hi = Arrays.stream(c[i]).max().getAsDouble() + 0.0;
            assertEquals(lo, with.min(i));
            assertEquals(hi, with.max(i));
            for (double p : RANKS) {
                assertEquals(with.quantile(i, p), without.quantile(i, p, lo, hi), "column " + i + " p " + p);
            }
        }
        assertEquals("these quantiles keep no extremes: give them",
                assertThrows(IllegalStateException.class, () -> without.quantile(0, 0.5)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> with.merge(without));
    }

    @Test
    void mergeRefusesOtherWidths() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DimensionQuantiles(2).merge(new DimensionQuantiles(3)));
        assertEquals("dimension mismatch: expecting 2 but got 3", e.getMessage());
    }
}
