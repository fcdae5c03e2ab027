package netsense.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class GradientKernelTest {

    /**
     * The 2-2-3-1 sigmoid network of the hand derivation below. Weights and biases are chosen
     * so that every pre-activation at x = (1, −1) is 0, where σ = 1/2 and σ' = 1/4 exactly.
     */
    static Network handNetwork() {
        return Network.of(List.of(
                new Network.Layer(new double[][] {{1, 1}, {2, 0.5}}, new double[] {0, -1.5}, Activation.SIGMOID),
                new Network.Layer(new double[][] {{1, -1}, {2, 0}, {0.5, 0.5}}, new double[] {0, -1, -0.5},
                        Activation.SIGMOID),
                new Network.Layer(new double[][] {{1, -2, 3}}, new double[] {-1}, Activation.SIGMOID)));
    }

    /*
     * Forward at x = (1, −1):
     *   z[2] = W2 x + b2 = (1 − 1 + 0, 2 − 0.5 − 1.5) = (0, 0)     a[2] = (1/2, 1/2)
     *   z[3] = W3 a[2] + b3 = (1/2 − 1/2, 1 − 1, 1/4 + 1/4 − 1/2) = (0, 0, 0)   a[3] = (1/2, 1/2, 1/2)
     *   z[4] = W4 a[3] + b4 = 1/2 − 1 + 3/2 − 1 = 0               a[4] = 1/2
     * Backward, σ'(0) = 1/4 everywhere:
     *   g[4] = 1;  g[4] ⊙ σ'(z[4]) = 1/4
     *   g[3] = (1/4)·W4 = (1/4, −1/2, 3/4);  ⊙ 1/4 = (1/16, −1/8, 3/16)
     *   g[2] = (1/16, −1/8, 3/16)·W3 = (1/16 − 1/4 + 3/32, −1/16 + 3/32) = (−3/32, 1/32);  ⊙ 1/4 = (−3/128, 1/128)
     *   g[1] = (−3/128, 1/128)·W2 = (−3/128 + 2/128, −3/128 + 0.5/128) = (−1/128, −5/256)
     */
    @Test
    void handDerivedTwoTwoThreeOne() {
        GradientKernel kernel = new GradientKernel(handNetwork(), 0, 4);
        double[] out = new double[1];
        double[] grad = new double[2];
        kernel.compute(new double[] {1, -1}, 0, 1, out, 0, grad, 0);
        assertEquals(0.5, out[0], 1e-15);
        assertEquals(-1.0 / 128, grad[0], 1e-15);
        assertEquals(-5.0 / 256, grad[1], 1e-15);
    }

    /** A one-layer network: ∇x σ(w·x + b) = σ'(w·x + b) w, with σ = tanh and w·x + b = ln 2 worked out by hand. */
    @Test
    void handDerivedSingleLayerTanh() {
        Network net = Network.of(List.of(new Network.Layer(new double[][] {{2, -1, 0.5}},
                new double[] {Math.log(2) - 1.5}, Activation.TANH)));
        // z = 2·1 − 1·1 + 0.5·1 + ln2 − 1.5 = ln 2;  tanh(ln 2) = (2 − 1/2)/(2 + 1/2) = 3/5;  tanh' = 1 − 9/25 = 16/25
        GradientKernel kernel = new GradientKernel(net, 0, 1);
        double[] out = new double[1];
        double[] grad = new double[3];
        kernel.compute(new double[] {1, 1, 1}, 0, 1, out, 0, grad, 0);
        assertEquals(0.6, out[0], 1e-15);
        assertEquals(2 * 16.0 / 25, grad[0], 1e-15);
        assertEquals(-16.0 / 25, grad[1], 1e-15);
        assertEquals(0.5 * 16.0 / 25, grad[2], 1e-15);
    }

    @ParameterizedTest
    @EnumSource(value = Activation.class, names = "SOFTMAX", mode = EnumSource.Mode.EXCLUDE) // output only: below
    void matchesCentralFiniteDifferences(Activation activation) {
        int[][] shapes = {{5, 1}, {3, 7, 1}, {8, 16, 16, 16, 16, 1}, {40, 33, 2}, {1, 3, 3, 1}, {24, 130, 1}};
        for (long seed = 1; seed <= 3; seed++) {
            Random rnd = new Random(seed);
            for (int[] shape : shapes) {
                Network net = TestNetworks.random(rnd, shape, activation);
                int k = shape[shape.length - 1] - 1;
                GradientKernel kernel = new GradientKernel(net, k, 8);
                int n1 = shape[0];
                double[] x = TestNetworks.randomRows(rnd, 8, n1);
                double[] out = new double[8];
                double[] grad = new double[8 * n1];
                kernel.compute(x, 0, 8, out, 0, grad, 0);
                int checked = 0;
                for (int r = 0; r < 8; r++) {
                    double[] xr = TestNetworks.row(x, r, n1);
                    if ((activation == Activation.RELU || activation == Activation.LEAKY_RELU) && nearKink(net, xr)) {
                        continue; // a central difference across a kink measures nothing
                    }
                    double[] fd = finiteDifference(net, xr, k);
                    double scale = 0;
                    for (double v : fd) {
                        scale = Math.max(scale, Math.abs(v));
                    }
                    for (int j = 0; j < n1; j++) {
                        double err = Math.abs(grad[r * n1 + j] - fd[j]) / Math.max(scale, 1e-12);
                        assertTrue(err <= 1e-7, () -> activation + " " + java.util.Arrays.toString(shape)
                                + " relative error " + err);
                    }
                    checked++;
                }
                assertTrue(checked >= 6, "too few rows away from relu kinks: " + checked);
            }
        }
    }

    static boolean nearKink(Network net, double[] x) {
        for (double[] z : TestNetworks.preActivations(net, x)) {
            for (double v : z) {
                if (Math.abs(v) < 1e-3) {
                    return true;
                }
            }
        }
        return false;
    }

    static double[] finiteDifference(Network net, double[] x, int k) {
        double[] g = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            double h = 1e-5 * Math.max(1, Math.abs(x[j]));
            double[] plus = x.clone();
            double[] minus = x.clone();
            plus[j] += h;
            minus[j] -= h;
            g[j] = (TestNetworks.output(net, plus, k) - TestNetworks.output(net, minus, k)) / (plus[j] - minus[j]);
        }
        return g;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 64, 1000})
    void blockMatchesOneRowReference(int rows) {
        Random rnd = new Random(rows);
        int[][] shapes = {{3, 5, 1}, {17, 9, 13, 4}, {1, 1}, {31, 64, 7, 3}};
        Activation[] mix = {Activation.TANH, Activation.SIGMOID, Activation.SOFTPLUS, Activation.RELU,
            Activation.IDENTITY};
        for (int[] shape : shapes) {
            Network net = TestNetworks.random(rnd, shape, mix);
            int n1 = shape[0];
            for (int k = 0; k < net.outputWidth(); k++) {
                GradientKernel kernel = new GradientKernel(net, k, rows + 3);
                double[] x = TestNetworks.randomRows(rnd, rows, n1);
                // offsets inside larger arrays, to catch indexing that assumes 0
                double[] xs = new double[x.length + 5];
                System.arraycopy(x, 0, xs, 5, x.length);
                double[] out = new double[rows + 2];
                double[] grad = new double[rows * n1 + 3];
                kernel.compute(xs, 5, rows, out, 2, grad, 3);
                for (int r = 0; r < rows; r++) {
                    double[] xr = TestNetworks.row(x, r, n1);
                    double y = TestNetworks.output(net, xr, k);
                    assertEquals(y, out[2 + r], 1e-13 * Math.max(1, Math.abs(y)), "output row " + r);
                    double[] ref = TestNetworks.gradient(net, xr, k);
                    for (int j = 0; j < n1; j++) {
                        assertEquals(ref[j], grad[3 + r * n1 + j], 1e-13 * Math.max(1, Math.abs(ref[j])),
                                "shape " + net.shape() + " k=" + k + " row " + r + " dim " + j);
                    }
                }
            }
        }
    }

    @Test
    void reusedKernelGivesTheSameAsAFreshOne() {
        Random rnd = new Random(7);
        Network net = TestNetworks.random(rnd, new int[] {6, 10, 1}, Activation.TANH);
        GradientKernel used = new GradientKernel(net, 0, 50);
        double[] big = TestNetworks.randomRows(rnd, 50, 6);
        used.compute(big, 0, 50, new double[50], 0, new double[300], 0);
        double[] x = TestNetworks.randomRows(rnd, 3, 6);
        double[] g1 = new double[18];
        double[] g2 = new double[18];
        used.compute(x, 0, 3, new double[3], 0, g1, 0);
        new GradientKernel(net, 0, 3).compute(x, 0, 3, new double[3], 0, g2, 0);
        assertEquals(java.util.Arrays.toString(g2), java.util.Arrays.toString(g1));
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void saturatedPreActivationsStayFinite(Activation activation) {
        // z = ±1000 in the hidden layer and beyond (a softmax output over two neurons: tanh hidden)
        Activation hidden = activation.elementwise() ? activation : Activation.TANH;
        Network net = Network.of(List.of(
                new Network.Layer(new double[][] {{1000, 0}, {-1000, 0}, {0, 1000}}, new double[] {0, 0, 0}, hidden),
                new Network.Layer(activation.elementwise() ? new double[][] {{1000, -1000, 1}}
                        : new double[][] {{1000, -1000, 1}, {-1000, 1000, 0}},
                        activation.elementwise() ? new double[] {0} : new double[] {0, 0}, activation)));
        GradientKernel kernel = new GradientKernel(net, 0, 4);
        double[] x = {1, -1, -1, 1, 1, 1, 0.5, -0.25};
        double[] out = new double[4];
        double[] grad = new double[8];
        kernel.compute(x, 0, 4, out, 0, grad, 0);
        for (int r = 0; r < 4; r++) {
            assertTrue(Double.isFinite(out[r]), activation + " output " + out[r]);
            assertTrue(Double.isFinite(grad[2 * r]) && Double.isFinite(grad[2 * r + 1]), activation + " gradient");
        }
    }

    @Test
    void refusesABadOutputIndexAndOversizedBlock() {
        Network net = TestNetworks.random(new Random(1), new int[] {2, 3, 2}, Activation.TANH);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new GradientKernel(net, 2, 4));
        assertEquals("output index 2 is not in 0..1 (the output layer has 2 neurons)", e.getMessage());
        GradientKernel kernel = new GradientKernel(net, 1, 4);
        e = assertThrows(IllegalArgumentException.class,
                () -> kernel.compute(new double[10], 0, 5, new double[5], 0, new double[10], 0));
        assertEquals("block of 5 rows, this kernel takes 0..4", e.getMessage());
    }

    @Test
    void zeroRowsIsANoOp() {
        Network net = TestNetworks.random(new Random(1), new int[] {2, 3, 1}, Activation.TANH);
        double[] out = {42};
        new GradientKernel(net, 0, 4).compute(new double[0], 0, 0, out, 0, new double[0], 0);
        assertEquals(42, out[0]);
    }
}
