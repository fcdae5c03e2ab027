package netsense.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import netsense.core.BlockGradient;
import netsense.core.Network;
import org.junit.jupiter.api.Test;

/** jobs/bench --pass: the rows really go through the pass — its kernel, its checks — and out. */
class PassBenchTest extends SparkTestBase {

    /** A kernel whose output is NaN for every row whose first feature is above 0.8 (10 % of uniform rows). */
    record SometimesNaN(int width, int maxRows) implements BlockGradient {
        @Override
        public void compute(double[] x, int xOff, int rows, double[] outputs, int outOff, double[] g, int gOff) {
            for (int r = 0; r < rows; r++) {
                outputs[outOff + r] = x[xOff + r * width] > 0.8 ? Double.NaN : 0.5;
                for (int j = 0; j < width; j++) {
                    g[gOff + r * width + j] = 1.0;
                }
            }
        }
    }

    @Test
    void everyRowGoesThroughThePassAndBadResultsAreHeldBack() {
        Network net = randomNetwork(3, 4, 3, 1);
        PassBench.Run plain = PassBench.run(spark, net, 10_000, KernelFactory.NETSENSE);
        assertEquals(10_000, plain.outputRows());
        assertTrue(plain.nanosPerRow() > 0 && Double.isFinite(plain.nanosPerRow()), "ns a row: " + plain.nanosPerRow());
        PassBench.Run faulty = PassBench.run(spark, net, 10_000,
                (n, outputIndex, maxRows, precision) -> new SometimesNaN(n.inputWidth(), maxRows));
        // the made-up features are uniform on (−1, 1): a tenth of the rows above 0.8, give or take
        assertTrue(faulty.outputRows() > 8_500 && faulty.outputRows() < 9_500, "rows out: " + faulty.outputRows());
    }
}
