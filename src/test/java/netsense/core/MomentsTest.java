package netsense.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MomentsTest {

    /**
     * The Vector API loops must give the scalar loops' figures bit for bit, for every width
     * (whole vectors, a remainder, none), weighted or not, with rows of weight 0 among them.
     */
    @Test
    void vectorLoopsGiveTheScalarFiguresBitForBit() {
        assumeTrue(Backends.vectorWanted(), "the Vector API is not available in this JVM");
        SplittableRandom rnd = new SplittableRandom(17);
        for (int columns : new int[] {1, 2, 3, 7, 8, 9, 16, 17, 31}) {
            for (boolean weighted : new boolean[] {false, true}) {
                Moments vector = new Moments(columns);
                Moments scalar = new Moments(columns).scalarOnly();
                for (int block = 0; block < 6; block++) {
                    int rows = 1 + rnd.nextInt(300);
                    int off = rnd.nextInt(5);
                    double[] data = new double[off + rows * columns];
                    double magnitude = Math.scalb(1.0, rnd.nextInt(-60, 60)); // blocks that rescale the sums
                    for (int i = off; i < data.length; i++) {
                        data[i] = (rnd.nextDouble() - 0.4) * magnitude;
                    }
                    double[] weights = null;
                    if (weighted) {
                        weights = new double[rows + 2];
                        for (int r = 0; r < weights.length; r++) {
                            weights[r] = rnd.nextInt(4); // Poisson-like: 0 to 3, zeros skipped
                        }
                    }
                    vector.addBlock(data, off, rows, weights, 2);
                    scalar.addBlock(data, off, rows, weights, 2);
                }
                assertEquals(scalar.count(), vector.count());
                assertEquals(scalar.weight(), vector.weight());
                for (int j = 0; j < columns; j++) {
                    String at = columns + " columns" + (weighted ? ", weighted" : "") + ", column " + j;
                    assertEquals(bits(scalar.mean(j)), bits(vector.mean(j)), "mean, " + at);
                    assertEquals(bits(scalar.meanAbs(j)), bits(vector.meanAbs(j)), "mean |x|, " + at);
                    assertEquals(bits(scalar.meanSquare(j)), bits(vector.meanSquare(j)), "mean x², " + at);
                    assertEquals(bits(scalar.std(j)), bits(vector.std(j)), "std, " + at);
                    assertEquals(bits(scalar.min(j)), bits(vector.min(j)), "min, " + at);
                    assertEquals(bits(scalar.max(j)), bits(vector.max(j)), "max, " + at);
                }
            }
        }
    }

    /** A hand case through either loop: the rows (1, −2), (3, 4), (5, −6). */
    @Test
    void handCase() {
        for (boolean scalarOnly : new boolean[] {false, true}) {
            Moments m = new Moments(2);
            if (scalarOnly) {
                m.scalarOnly();
            }
            m.addBlock(new double[] {1, -2, 3, 4}, 0, 2);
            m.addBlock(new double[] {5, -6}, 0, 1);
            assertEquals(3.0, m.mean(0));
            assertEquals(-4.0 / 3, m.mean(1), 1e-15);
            assertEquals(4.0, m.meanAbs(1));
            assertEquals(35.0 / 3, m.meanSquare(0), 1e-14);
            assertEquals(2.0, m.std(0), 1e-15);                       // var = ((−2)² + 0 + 2²)/2
            assertEquals(Math.sqrt(152.0 / 3 / 2), m.std(1), 1e-14);  // Σ(x − mean)² = (4 + 256 + 196)/9
            assertEquals(-6.0, m.min(1));
            assertEquals(5.0, m.max(0));
        }
    }

    private static long bits(double v) {
        return Double.doubleToRawLongBits(v);
    }

    /** Moments kept for the spread only give the full moments' mean, std and extremes bit for bit, and nothing else. */
    @Test
    void spreadOnlyGivesTheSameSpreadAndRefusesTheRest() {
        SplittableRandom rnd = new SplittableRandom(23);
        for (int columns : new int[] {1, 4, 8, 17}) {
            for (boolean scalarOnly : new boolean[] {false, true}) {
                Moments full = new Moments(columns);
                Moments spread = Moments.spread(columns);
                if (scalarOnly) {
                    full.scalarOnly();
                    spread.scalarOnly();
                }
                for (int block = 0; block < 5; block++) {
                    int rows = 1 + rnd.nextInt(200);
                    double[] data = new double[rows * columns];
                    for (int i = 0; i < data.length; i++) {
                        data[i] = rnd.nextGaussian() * 1e3 + 7;
                    }
                    full.addBlock(data, 0, rows);
                    spread.addBlock(data, 0, rows);
                }
                for (int j = 0; j < columns; j++) {
                    assertEquals(bits(full.mean(j)), bits(spread.mean(j)));
                    assertEquals(bits(full.std(j)), bits(spread.std(j)));
                    assertEquals(bits(full.min(j)), bits(spread.min(j)));
                    assertEquals(bits(full.max(j)), bits(spread.max(j)));
                }
                org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> spread.meanAbs(0));
                org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> spread.meanSquare(0));
                org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> full.merge(spread));
            }
        }
    }
}
