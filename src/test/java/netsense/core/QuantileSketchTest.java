package netsense.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class QuantileSketchTest {

    /** The sketch's level sort must order exactly as Arrays.sort: any difference moves its quantiles. */
    @Test
    void levelSortOrdersAsArraysSortDoes() {
        SplittableRandom rnd = new SplittableRandom(3);
        double[] special = {0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE,
            Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_NORMAL, -Double.MIN_NORMAL, 1.0, -1.0};
        for (int size : new int[] {0, 1, 2, 255, 256, 257, 1000, 2048, 4099}) {
            for (int kind = 0; kind < 6; kind++) {
                double[] a = new double[size];
                for (int i = 0; i < size; i++) {
                    a[i] = switch (kind) {
                        case 0 -> rnd.nextDouble() * 2 - 1;                                  // mixed signs
                        case 1 -> Math.scalb(rnd.nextDouble(), rnd.nextInt(-1074, 1024)) * (rnd.nextBoolean() ? 1 : -1);
                        case 2 -> special[rnd.nextInt(special.length)];                   // extremes, many ties
                        case 3 -> 42.5;                                                    // one value: every pass skipped
                        case 4 -> i;                                                       // sorted already
                        default -> 1.0 + rnd.nextInt(3) * Math.ulp(1.0);                   // differing in the last bit only
                    };
                }
                double[] expected = a.clone();
                Arrays.sort(expected);
                QuantileSketch.sort(a, size);
                assertArrayEquals(expected, a, "size " + size + ", kind " + kind);
            }
        }
    }

    /**
     * Sent from a task to the driver, a sketch comes back the same: every quantile and fraction to
     * the bit, and it goes on taking items and merging as the original does — empty, below k, and
     * over several levels (one of them empty after a compaction).
     */
    @Test
    void serializedAndReadBackItIsTheSameSketch() throws Exception {
        SplittableRandom rnd = new SplittableRandom(9);
        for (int n : new int[] {0, 5, 150, 3000, 200_000}) {
            QuantileSketch a = new QuantileSketch(200);
            for (int i = 0; i < n; i++) {
                a.update(rnd.nextGaussian());
            }
            QuantileSketch b = GroupedSummariesTest.roundTrip(a);
            assertEquals(a.count(), b.count());
            for (double r = 0; r <= 1.0; r += 0.01) {
                assertEquals(Double.doubleToLongBits(a.quantile(r)), Double.doubleToLongBits(b.quantile(r)),
                        n + " items, rank " + r);
            }
            double[] more = new double[5000];
            for (int i = 0; i < more.length; i++) {
                more[i] = rnd.nextGaussian() * 3;
            }
            QuantileSketch other = new QuantileSketch(200);
            other.update(more, 0, 1, more.length);
            a.update(more, 0, 1, 777);
            b.update(more, 0, 1, 777);
            a.merge(other);
            b.merge(other);
            for (double r = 0; r <= 1.0; r += 0.01) {
                assertEquals(Double.doubleToLongBits(a.quantile(r)), Double.doubleToLongBits(b.quantile(r)),
                        n + " items and more, rank " + r);
                assertEquals(a.fractionBelow(r * 4 - 2), b.fractionBelow(r * 4 - 2));
            }
        }
    }

    /** Items added a block at a time (with a stride, across many compactions) make the sketch that one at a time makes. */
    @Test
    void blockUpdatesMakeTheSameSketchAsSingleOnes() {
        SplittableRandom rnd = new SplittableRandom(5);
        QuantileSketch single = new QuantileSketch(200);
        QuantileSketch blocks = new QuantileSketch(200);
        for (int block = 0; block < 400; block++) {
            int rows = rnd.nextInt(1, 700);
            double[] s = new double[3 * rows];
            for (int i = 0; i < s.length; i++) {
                s[i] = rnd.nextGaussian() * (rnd.nextInt(50) == 0 ? -0.0 : 1.0); // −0.0 among them
            }
            for (int r = 0; r < rows; r++) {
                single.update(s[3 * r + 1]);
            }
            blocks.update(s, 1, 3, rows);
        }
        assertEquals(single.count(), blocks.count());
        assertEquals(single.min(), blocks.min());
        assertEquals(single.max(), blocks.max());
        for (double rank = 0; rank <= 1; rank += 0.001) {
            assertEquals(single.quantile(rank), blocks.quantile(rank), "rank " + rank);
        }
    }

    /** A long stream of one sketch (level 0 compacted thousands of times): every rank within the stated error. */
    @Test
    void aLongStreamStaysWithinTheRankError() {
        int n = 1_000_000;
        SplittableRandom rnd = new SplittableRandom(11);
        double[] values = new double[n];
        QuantileSketch sketch = new QuantileSketch(GradientSummary.SKETCH_K);
        for (int i = 0; i < n; i++) {
            // a heavy tail and a point mass: 10 % of the rows exactly 1.0
            values[i] = rnd.nextInt(10) == 0 ? 1.0 : Math.exp(3 * rnd.nextGaussian());
            sketch.update(values[i]);
        }
        Arrays.sort(values);
        double bound = QuantileSketch.rankError(GradientSummary.SKETCH_K);
        for (double rank = 0.01; rank < 1; rank += 0.01) {
            double q = sketch.quantile(rank);
            // the true ranks the answer covers: [values < q, values <= q]
            double lo = (double) GradientSummaryTest.lowerBound(values, q) / n;
            double hi = (double) GradientSummaryTest.lowerBound(values, Math.nextUp(q)) / n;
            double error = rank < lo ? lo - rank : rank > hi ? rank - hi : 0.0;
            assertEquals(0.0, error, bound, "rank " + rank + ": quantile " + q + " covers ranks [" + lo + ", " + hi + "]");
        }
        assertEquals(n, sketch.count());
    }
}
