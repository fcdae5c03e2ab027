package netsense.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link BootstrapSummary}: Poisson(1) weights in law and against a brute-force inverse CDF;
 * each replicate's figures against weighted sums written out here; and the SPEC's proofs — the
 * interval holds the point estimate, its width shrinks as 1/√n, the same seed gives the same
 * intervals for 1 and 17 parts, and the 95 % interval of a known mean covers it in 90–99 % of
 * 200 seeded repeats.
 */
class BootstrapSummaryTest {

    /** The weight by the definition, written apart: inverse CDF of Poisson(1) at u from 32 bits of the key. */
    static int referenceWeight(long seed, long key, int b) {
        long h = KeyedRandom.bits(seed, key, BootstrapSummary.STREAM, b / 2);
        long v = (b % 2 == 0 ? h : h >>> 32) & 0xFFFF_FFFFL;
        double u = (v + 0.5) / 4294967296.0;
        double p = Math.exp(-1);
        double c = p;
        int k = 0;
        while (u >= c) {
            k++;
            p /= k;
            c += p;
        }
        return k;
    }

    @Test
    void weightsArePoissonOne() {
        long[] counts = new long[8];
        int draws = 400_000;
        double sum = 0;
        double sumSq = 0;
        for (int d = 0; d < draws; d++) {
            int w = BootstrapSummary.poissonWeight(7, d / 100, d % 100);
            assertEquals(referenceWeight(7, d / 100, d % 100), w, "key " + d / 100 + " replicate " + d % 100);
            counts[Math.min(w, 7)]++;
            sum += w;
            sumSq += (double) w * w;
        }
        double factorial = 1;
        for (int k = 0; k < 6; k++) {
            factorial *= Math.max(k, 1);
            double p = Math.exp(-1) / factorial;
            double sd = Math.sqrt(draws * p * (1 - p));
            assertEquals(draws * p, counts[k], 5 * sd, "P(w = " + k + ")");
        }
        assertEquals(1.0, sum / draws, 0.01);
        assertEquals(1.0, sumSq / draws - (sum / draws) * (sum / draws), 0.02);
        assertEquals(0, KeyedRandom.bits(3, 4, 5, 6) ^ KeyedRandom.mix(KeyedRandom.prefix(3, 4, 5) ^ 6));
    }

    static final int DIMS = 4;

    /** Rows: vector entries of different scale and sign; the output a function of them. */
    static double[][] rows(Random rnd, int n) {
        double[][] g = new double[n][DIMS];
        for (double[] row : g) {
            row[0] = 0.3 + rnd.nextGaussian();
            row[1] = 2 * rnd.nextGaussian();
            row[2] = Math.exp(rnd.nextGaussian());
            row[3] = 1e3 + 0.01 * rnd.nextGaussian();
        }
        return g;
    }

    static double[] outputs(double[][] g) {
        double[] y = new double[g.length];
        for (int r = 0; r < g.length; r++) {
            y[r] = 100 + g[r][0] + 0.5 * g[r][1] * g[r][1] + 1e-3 * g[r][3];
        }
        return y;
    }

    static double[] flat(double[][] rows, int from, int to) {
        int d = rows[0].length;
        double[] f = new double[(to - from) * d];
        for (int r = from; r < to; r++) {
            System.arraycopy(rows[r], 0, f, (r - from) * d, d);
        }
        return f;
    }

    static long[] keys(int n, long base) {
        long[] k = new long[n];
        for (int r = 0; r < n; r++) {
            k[r] = base + 31L * r;
        }
        return k;
    }

    static BootstrapSummary summary(int b, long seed, long[] keys, double[] y, double[][] g, int from, int to,
                                    int block) {
        BootstrapSummary s = new BootstrapSummary(b, DIMS, seed);
        for (int start = from; start < to; start += block) {
            int n = Math.min(block, to - start);
            s.addBlock(keys, start, y, start, flat(g, start, start + n), 0, n);
        }
        return s;
    }

    /** Each replicate's figures are the weighted figures of its weights, summed out here. */
    @Test
    void replicatesAreWeightedSumsWrittenOut() {
        Random rnd = new Random(51);
        int n = 300;
        int bs = 9;
        double[][] g = rows(rnd, n);
        double[] y = outputs(g);
        long[] keys = keys(n, 5);
        BootstrapSummary s = summary(bs, 42, keys, y, g, 0, n, 70);
        assertEquals(n, s.rows());
        for (int b = 0; b < bs; b++) {
            double w = 0;
            double[] sum = new double[DIMS];
            double[] abs = new double[DIMS];
            double[] sq = new double[DIMS];
            double sy = 0;
            for (int r = 0; r < n; r++) {
                int wr = referenceWeight(42, keys[r], b);
                w += wr;
                sy += wr * y[r];
                for (int i = 0; i < DIMS; i++) {
                    sum[i] += wr * g[r][i];
                    abs[i] += wr * Math.abs(g[r][i]);
                    sq[i] += wr * g[r][i] * g[r][i];
                }
            }
            double mean = sy / w;
            double m2 = 0;
            for (int r = 0; r < n; r++) {
                m2 += referenceWeight(42, keys[r], b) * (y[r] - mean) * (y[r] - mean);
            }
            assertEquals(w, s.replicateWeight(b), "W of replicate " + b);
            for (int i = 0; i < DIMS; i++) {
                GradientSummaryTest.close(sum[i] / w, s.replicateValue(BootstrapSummary.Figure.MEAN, i, b), 1e-12,
                        "mean " + i + " replicate " + b);
                GradientSummaryTest.close(abs[i] / w, s.replicateValue(BootstrapSummary.Figure.MEAN_ABS, i, b),
                        1e-13, "mean_abs " + i);
                GradientSummaryTest.close(sq[i] / w, s.replicateValue(BootstrapSummary.Figure.MEAN_SQ, i, b), 1e-13,
                        "mean_sq " + i);
            }
            GradientSummaryTest.close(m2 / (w - 1), s.replicateOutputVariance(b), 1e-11, "D of replicate " + b);
        }
    }

    /** Point figures of the whole input, as summary.json has them. */
    static GradientSummary point(double[][] g, double[] y) {
        GradientSummary p = new GradientSummary(DIMS);
        double[] flat = flat(g, 0, g.length);
        p.addBlock(y, 0, flat, 0, g.length, null, flat, 0);
        return p;
    }

    @Test
    void intervalsHoldThePointEstimates() {
        Random rnd = new Random(52);
        int n = 4000;
        double[][] g = rows(rnd, n);
        double[] y = outputs(g);
        BootstrapSummary s = summary(200, 1, keys(n, 0), y, g, 0, n, 512);
        GradientSummary p = point(g, y);
        double[] c = DgsmBound.constants(p, DgsmBound.Poincare.NORMAL, null);
        double[] dgsm = DgsmBound.bounds(p, c);
        List<BootstrapSummary.DimensionIntervals> ci = s.intervals(0.95, c);
        // point ranks by ν: dims 3 (1e6), 1 (4), 2 (e²≈7.4)... computed, not assumed
        for (int i = 0; i < DIMS; i++) {
            BootstrapSummary.DimensionIntervals d = ci.get(i);
            GradientSummary.DimensionStats pt = p.dimension(i);
            assertTrue(d.mean().contains(pt.mean()), i + ": " + d.mean() + " ∌ " + pt.mean());
            assertTrue(d.meanAbs().contains(pt.meanAbs()), i + ": " + d.meanAbs() + " ∌ " + pt.meanAbs());
            assertTrue(d.meanSquare().contains(pt.meanSquare()), i + ": " + d.meanSquare() + " ∌ " + pt.meanSquare());
            assertTrue(d.dgsmBound().contains(dgsm[i]), i + ": " + d.dgsmBound() + " ∌ " + dgsm[i]);
            int rank = 1;
            for (int j = 0; j < DIMS; j++) {
                rank += p.dimension(j).meanSquare() > pt.meanSquare() ? 1 : 0;
            }
            assertTrue(d.rank().contains(rank), i + ": rank " + d.rank() + " ∌ " + rank);
            assertEquals(rank, d.rankMedian(), "dimensions far apart: always the same rank");
        }
        assertEquals(new BootstrapSummary.Interval(1, 1), ci.get(3).rank());
    }

    @Test
    void widthShrinksAsOneOverRootN() {
        Random rnd = new Random(53);
        int n = 3000;
        double[][] g = rows(rnd, 4 * n);
        double[] y = outputs(g);
        long[] keys = keys(4 * n, 9);
        List<BootstrapSummary.DimensionIntervals> small = summary(200, 3, keys, y, g, 0, n, 256).intervals(0.95, null);
        List<BootstrapSummary.DimensionIntervals> large = summary(200, 3, keys, y, g, 0, 4 * n, 256)
                .intervals(0.95, null);
        for (int i = 0; i < DIMS; i++) {
            double[] ratios = {
                small.get(i).mean().width() / large.get(i).mean().width(),
                small.get(i).meanAbs().width() / large.get(i).meanAbs().width(),
                small.get(i).meanSquare().width() / large.get(i).meanSquare().width()};
            for (double ratio : ratios) {
                assertTrue(ratio > 1.6 && ratio < 2.5, "dim " + i + ": width ratio n : 4n = " + ratio);
            }
        }
    }

    static void sameIntervals(List<BootstrapSummary.DimensionIntervals> a, List<BootstrapSummary.DimensionIntervals> b,
                              double rel) {
        for (int i = 0; i < a.size(); i++) {
            BootstrapSummary.DimensionIntervals x = a.get(i);
            BootstrapSummary.DimensionIntervals y = b.get(i);
            BootstrapSummary.Interval[][] pairs = {{x.mean(), y.mean()}, {x.meanAbs(), y.meanAbs()},
                {x.meanSquare(), y.meanSquare()}, {x.dgsmBound(), y.dgsmBound()}};
            for (BootstrapSummary.Interval[] p : pairs) {
                double scale = Math.max(Math.abs(p[0].lo()), Math.abs(p[0].hi()));
                assertEquals(p[0].lo(), p[1].lo(), rel * scale, "dim " + i);
                assertEquals(p[0].hi(), p[1].hi(), rel * scale, "dim " + i);
            }
            assertEquals(x.rank(), y.rank());
            assertEquals(x.rankMedian(), y.rankMedian());
        }
    }

    /** The same seed and keys: the same intervals from one part and from 17 (of random blocks, through serialisation). */
    @Test
    void oneOrSeventeenPartsGiveTheSameIntervals() throws Exception {
        Random rnd = new Random(54);
        int n = 10_000;
        double[][] g = rows(rnd, n);
        g[17][2] = 0; // ties and a zero
        double[] y = outputs(g);
        long[] keys = keys(n, 123);
        double[] c = {1, 2, 3, 4};
        BootstrapSummary one = summary(100, 77, keys, y, g, 0, n, 1000);
        BootstrapSummary merged = new BootstrapSummary(100, DIMS, 77);
        for (int p = 0; p < 17; p++) {
            merged.merge(GroupedSummariesTest.roundTrip(summary(100, 77, keys, y, g, p * n / 17, (p + 1) * n / 17, 1 + rnd.nextInt(400))));
        }
        assertEquals(one.rows(), merged.rows());
        sameIntervals(one.intervals(0.95, c), merged.intervals(0.95, c), 1e-13);
        sameIntervals(one.intervals(0.8, c), merged.intervals(0.8, c), 1e-13);
        for (int b = 0; b < 100; b++) {
            assertEquals(one.replicateWeight(b), merged.replicateWeight(b), "weights are whole numbers: exact");
        }
    }

    /** Two identical columns tie in every replicate, in any split: the mean of the ranks they share. */
    @Test
    void identicalColumnsShareTheirRank() {
        Random rnd = new Random(55);
        int n = 500;
        double[][] g = rows(rnd, n);
        for (double[] row : g) {
            row[3] = row[1];
        }
        double[] y = outputs(g);
        List<BootstrapSummary.DimensionIntervals> ci = summary(50, 5, keys(n, 0), y, g, 0, n, 37)
                .intervals(0.95, null);
        assertEquals(ci.get(1).rank(), ci.get(3).rank());
        assertEquals(ci.get(1).rankMedian(), ci.get(3).rankMedian());
        // ν: 1.09, 4, e² ≈ 7.4, 4: dimension 2 first, then 1 and 3 sharing ranks 2 and 3
        assertEquals(2.5, ci.get(1).rankMedian());
        assertEquals(new BootstrapSummary.Interval(2.5, 2.5), ci.get(3).rank());
    }

    /** 200 seeded repeats of 300 rows of known mean 0.3 (and mean square 1.09): the 95 % interval covers it 90–99 % of the time. */
    @Test
    void ninetyFivePercentIntervalsCoverTheTruth() {
        int covered = 0;
        int coveredSq = 0;
        int repeats = 200;
        for (int rep = 0; rep < repeats; rep++) {
            Random rnd = new Random(1000 + rep);
            int n = 300;
            double[][] g = rows(rnd, n);
            double[] y = outputs(g);
            BootstrapSummary s = summary(200, rep, keys(n, 1_000_000L * rep), y, g, 0, n, 128);
            BootstrapSummary.DimensionIntervals d = s.intervals(0.95, null).get(0);
            covered += d.mean().contains(0.3) ? 1 : 0;
            coveredSq += d.meanSquare().contains(1.09) ? 1 : 0;
        }
        assertTrue(covered >= 180 && covered <= 198, "mean covered in " + covered + " of " + repeats);
        assertTrue(coveredSq >= 180 && coveredSq <= 198, "mean square covered in " + coveredSq + " of " + repeats);
    }

    /** A row weight f counts the row f times as one unit: the same as the row added f times (its key alike). */
    @Test
    void rowWeightsAreRepeatedRowsOfOneKey() {
        Random rnd = new Random(56);
        int n = 200;
        double[][] g = rows(rnd, n);
        double[] y = outputs(g);
        long[] keys = keys(n, 3);
        BootstrapSummary twice = summary(20, 8, keys, y, g, 0, n, 64);
        twice.merge(summary(20, 8, keys, y, g, 0, n, 50));
        BootstrapSummary weighted = new BootstrapSummary(20, DIMS, 8);
        double[] two = new double[n];
        java.util.Arrays.fill(two, 2.0);
        weighted.addBlock(keys, 0, y, 0, flat(g, 0, n), 0, n, two, 0);
        for (int b = 0; b < 20; b++) {
            assertEquals(twice.replicateWeight(b), weighted.replicateWeight(b));
            for (int i = 0; i < DIMS; i++) {
                GradientSummaryTest.close(twice.replicateValue(BootstrapSummary.Figure.MEAN_SQ, i, b),
                        weighted.replicateValue(BootstrapSummary.Figure.MEAN_SQ, i, b), 1e-14, "dim " + i);
            }
            GradientSummaryTest.close(twice.replicateOutputVariance(b) * (twice.replicateWeight(b) - 1),
                    weighted.replicateOutputVariance(b) * (weighted.replicateWeight(b) - 1), 1e-10, "M2 " + b);
        }
    }

    @Test
    void memoryBoundAndRefusals() {
        // totals 6·B·n, one block's product (3n + 3)·B, outputs 3·B, a chunk of 256 rows × (3n + 3 + B): doubles
        assertEquals(8L * (6 * 16 * 200 + 51 * 200 + 3 * 200 + 256 * (51 + 200)),
                BootstrapSummary.memoryBytes(200, 16));
        assertTrue(BootstrapSummary.fits(200, 10_000, BootstrapSummary.DEFAULT_MEMORY_LIMIT));
        assertFalse(BootstrapSummary.fits(400, 10_000, BootstrapSummary.DEFAULT_MEMORY_LIMIT));
        assertFalse(BootstrapSummary.fits(200, 30_000, BootstrapSummary.DEFAULT_MEMORY_LIMIT));
        BootstrapSummary s = new BootstrapSummary(3, 2, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.addBlock(new long[] {1, 2}, 0, new double[] {0, 1}, 0, new double[] {1, 2, 3, Double.NaN}, 0, 2));
        assertEquals("row 1: vector entry 1 is not finite (NaN)", e.getMessage());
        assertEquals(0, s.rows(), "nothing added");
        assertEquals(0.0, s.replicateWeight(0));
        assertEquals("cannot merge a bootstrap of 3 replicates, 2 dimensions and seed 1 into one of 3, 2 and 0",
                assertThrows(IllegalArgumentException.class, () -> s.merge(new BootstrapSummary(3, 2, 1))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.intervals(1.0, null));
        BootstrapSummary.DimensionIntervals empty = s.intervals(0.95, new double[] {1, 1}).get(0);
        assertNull(empty.mean());
        assertNull(empty.dgsmBound());
        assertNull(empty.rankMedian());
    }

    @Test
    void percentilesByHand() {
        // type 7 on 1..5 at 0.1: h = 0.4 → 1.4; at 0.975: h = 3.9 → 4.9
        double[] v = {5, 3, 1, 4, 2, Double.NaN};
        BootstrapSummary.Interval i = BootstrapSummary.percentileInterval(v, 0.1, 0.975);
        assertEquals(1.4, i.lo(), 1e-15);
        assertEquals(4.9, i.hi(), 1e-15);
    }
}
