package netsense.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A row's output and gradient do not depend on which block it is computed in, nor where in the
 * block, to the bit: the job's rows then do not depend on how the input is partitioned. (Layers
 * of {@link Backends#NATIVE_FROM} weights or more go to native BLAS where it loads, whose last
 * bits may depend on the block's size; these shapes stay below it.)
 */
class BlockInvarianceTest {
    @Test
    void aRowsResultsAreTheSameInAnyBlockAtAnyPlace() {
        for (int[] shape : new int[][] {{16, 32, 32, 1}, {7, 12, 5, 1}, {3, 4, 1}, {60, 60, 1}}) {
            Network net = RandomNetworks.gaussian(11, shape, Activation.TANH, Activation.SIGMOID, 0.1);
            int n1 = shape[0];
            int rows = 300;
            double[] x = new double[rows * n1];
            Random rnd = new Random(3);
            for (int i = 0; i < x.length; i++) {
                x[i] = rnd.nextGaussian();
            }
            double[] y = new double[rows];
            double[] g = new double[rows * n1];
            BlockKernel whole = BlockKernel.create(net, 0, rows, BlockKernel.Precision.FLOAT64);
            whole.compute(x, 0, rows, y, 0, g, 0);
            for (int block : new int[] {1, 2, 5, 7, 8, 13, 64, 255}) {
                BlockKernel k = BlockKernel.create(net, 0, block, BlockKernel.Precision.FLOAT64);
                double[] yb = new double[rows];
                double[] gb = new double[rows * n1];
                for (int r = 0; r < rows; r += block) {
                    int m = Math.min(block, rows - r);
                    k.compute(x, r * n1, m, yb, r, gb, r * n1);
                }
                for (int r = 0; r < rows; r++) {
                    assertEquals(Double.doubleToLongBits(y[r]), Double.doubleToLongBits(yb[r]),
                            java.util.Arrays.toString(shape) + " block " + block + " row " + r + ": output");
                    for (int j = 0; j < n1; j++) {
                        assertEquals(Double.doubleToLongBits(g[r * n1 + j]), Double.doubleToLongBits(gb[r * n1 + j]),
                                java.util.Arrays.toString(shape) + " block " + block + " row " + r + " entry " + j);
                    }
                }
            }
        }
    }
}
