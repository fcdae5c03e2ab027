package netsense.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A softmax output layer in every kernel and pass (one output, seed, Jacobian), and activations
 * with a per-layer α, against the network written out by its definition ({@link TestNetworks})
 * and central finite differences; and a hand-derived softmax gradient.
 */
class SoftmaxAndAlphaTest {
    static final int[][] SHAPES = {{3, 5, 2}, {7, 13, 9, 4}, {1, 3}, {5, 3}, {2, 67, 5}};
    static final Activation[] HIDDEN = {Activation.TANH, Activation.GELU, Activation.SILU, Activation.ELU};

    static Network classifier(Random rnd, int[] shape, Activation hidden) {
        Activation[] acts = new Activation[shape.length - 1];
        java.util.Arrays.fill(acts, hidden);
        acts[acts.length - 1] = Activation.SOFTMAX;
        Network base = TestNetworks.random(rnd, shape, Activation.TANH);
        List<Network.Layer> layers = new java.util.ArrayList<>();
        for (int l = 2; l <= base.depth(); l++) {
            Network.Layer b = base.layer(l);
            layers.add(new Network.Layer(b.weights(), b.bias(), acts[l - 2]));
        }
        return Network.of(layers);
    }

    @Test
    void oneOutputOfASoftmaxMatchesItsDefinitionAndFiniteDifferences() {
        Random rnd = new Random(7);
        for (int[] shape : SHAPES) {
            for (Activation hidden : HIDDEN) {
                Network net = classifier(rnd, shape, hidden);
                int n1 = shape[0];
                int rows = 9;
                double[] x = TestNetworks.randomRows(rnd, rows, n1);
                for (int k = 0; k < net.outputWidth(); k++) {
                    for (String impl : SeedAndJacobianTest.everyKernel()) {
                        boolean f32 = impl.endsWith("-f32");
                        BlockKernel kernel = GradientKernel.using(impl, net, k, rows);
                        double[] y = new double[rows];
                        double[] g = new double[rows * n1];
                        kernel.compute(x, 0, rows, y, 0, g, 0);
                        for (int r = 0; r < rows; r++) {
                            double[] xr = TestNetworks.row(x, r, n1);
                            String what = impl + " " + hidden + " " + java.util.Arrays.toString(shape) + " k=" + k;
                            assertEquals(TestNetworks.output(net, xr, k), y[r], f32 ? 1e-6 : 1e-14, what);
                            double[] want = TestNetworks.gradient(net, xr, k);
                            SeedAndJacobianTest.closeToScale(want, g, r * n1, f32 ? 1e-4 : 1e-12, what);
                            if (!f32) {
                                SeedAndJacobianTest.closeToScale(GradientKernelTest.finiteDifference(net, xr, k), g,
                                        r * n1, 1e-7, what + " finite differences");
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void seedsAndTheJacobianThroughASoftmax() {
        Random rnd = new Random(8);
        for (int[] shape : SHAPES) {
            Network net = classifier(rnd, shape, Activation.TANH);
            int n1 = shape[0];
            int nL = net.outputWidth();
            int rows = 5;
            double[] x = TestNetworks.randomRows(rnd, rows, n1);
            double[] seeds = TestNetworks.randomRows(rnd, rows, nL);
            for (String impl : SeedAndJacobianTest.everyKernel()) {
                boolean f32 = impl.endsWith("-f32");
                BlockKernel kernel = GradientKernel.using(impl, net, 0, rows);
                double[] y = new double[rows * nL];
                double[] g = new double[rows * n1];
                kernel.computeFromSeed(x, 0, rows, seeds, 0, nL, y, 0, g, 0);
                double[] jy = new double[rows * nL];
                double[] jac = new double[rows * nL * n1];
                kernel.computeJacobian(x, 0, rows, jy, 0, jac, 0);
                for (int r = 0; r < rows; r++) {
                    double[] xr = TestNetworks.row(x, r, n1);
                    String what = impl + " " + java.util.Arrays.toString(shape) + " row " + r;
                    double[] s = TestNetworks.outputs(net, xr);
                    double sum = 0;
                    for (int i = 0; i < nL; i++) {
                        assertEquals(s[i], y[r * nL + i], f32 ? 1e-6 : 1e-14, what);
                        assertEquals(s[i], jy[r * nL + i], f32 ? 1e-6 : 1e-14, what);
                        sum += y[r * nL + i];
                    }
                    assertEquals(1.0, sum, f32 ? 1e-6 : 1e-14, "probabilities sum to 1");
                    double[] fd = SeedAndJacobianTest.finiteDifference(net, xr, seeds, r * nL);
                    SeedAndJacobianTest.closeToScale(fd, g, r * n1, f32 ? 1e-4 : 1e-7, what + " seed");
                    for (int k = 0; k < nL; k++) {
                        double[] want = TestNetworks.gradient(net, xr, k);
                        SeedAndJacobianTest.closeToScale(want, jac, (r * nL + k) * n1, f32 ? 1e-4 : 1e-12,
                                what + " Jacobian row " + k);
                    }
                }
            }
        }
    }

    /**
     * One softmax layer, W = I, b = 0, at x = (0, ln 2, ln 5): s = (1, 2, 5)/8 and
     * ∂s_k/∂x_j = s_k (δ_kj − s_j): for k = 2, (−5/64, −10/64, 15/64).
     */
    @Test
    void handDerivedSoftmaxGradient() {
        Network net = Network.of(List.of(new Network.Layer(new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}},
                new double[3], Activation.SOFTMAX)));
        for (String impl : SeedAndJacobianTest.everyKernel()) {
            double tol = impl.endsWith("-f32") ? 1e-7 : 1e-16;
            double[] y = new double[1];
            double[] g = new double[3];
            GradientKernel.using(impl, net, 2, 1).compute(new double[] {0, Math.log(2), Math.log(5)}, 0, 1, y, 0, g, 0);
            assertEquals(5.0 / 8, y[0], tol, impl);
            assertEquals(-5.0 / 64, g[0], tol, impl);
            assertEquals(-10.0 / 64, g[1], tol, impl);
            assertEquals(15.0 / 64, g[2], tol, impl);
        }
    }

    /** Logits of ±1e4 overflow no exponential: the outputs are 0 and 1 exactly, the gradients finite. */
    @Test
    void saturatedLogitsStayFinite() {
        Network net = Network.of(List.of(new Network.Layer(new double[][] {{1e4}, {-1e4}}, new double[2],
                Activation.SOFTMAX)));
        for (String impl : SeedAndJacobianTest.everyKernel()) {
            double[] y = new double[2];
            double[] g = new double[2];
            GradientKernel.using(impl, net, 0, 2).compute(new double[] {1, -1}, 0, 2, y, 0, g, 0);
            assertEquals(1.0, y[0], 0, impl);
            assertEquals(0.0, y[1], 0, impl);
            assertTrue(Double.isFinite(g[0]) && Double.isFinite(g[1]), impl);
        }
    }

    @Test
    void alphaReachesEveryKernel() {
        Random rnd = new Random(9);
        for (Activation a : new Activation[] {Activation.LEAKY_RELU, Activation.ELU}) {
            for (double alpha : new double[] {0.2, 1.7}) {
                Network net = TestNetworks.random(rnd, new int[] {6, 11, 7, 1}, alpha, a);
                assertEquals(alpha, net.alpha(2), 0);
                double[] x = TestNetworks.randomRows(rnd, 6, 6);
                for (String impl : SeedAndJacobianTest.everyKernel()) {
                    boolean f32 = impl.endsWith("-f32");
                    double[] y = new double[6];
                    double[] g = new double[36];
                    GradientKernel.using(impl, net, 0, 6).compute(x, 0, 6, y, 0, g, 0);
                    for (int r = 0; r < 6; r++) {
                        double[] xr = TestNetworks.row(x, r, 6);
                        if (GradientKernelTest.nearKink(net, xr)) {
                            continue;
                        }
                        String what = impl + " " + a + " alpha " + alpha;
                        assertEquals(TestNetworks.output(net, xr, 0), y[r], f32 ? 1e-5 : 1e-14, what);
                        SeedAndJacobianTest.closeToScale(GradientKernelTest.finiteDifference(net, xr, 0), g, r * 6,
                                f32 ? 1e-4 : 1e-7, what);
                    }
                }
            }
        }
    }

    @Test
    void networkRefusesAHiddenSoftmaxAndMisplacedAlphas() {
        double[][] w = {{1, 2}, {3, 4}};
        double[] b = {0, 0};
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> Network.of(List.of(
                new Network.Layer(w, b, Activation.SOFTMAX), new Network.Layer(w, b, Activation.TANH))));
        assertEquals("layer 2: softmax is allowed on the output layer only (layer 3), not on a hidden layer",
                e.getMessage());
        e = assertThrows(InvalidModelException.class, () -> Network.of(List.of(
                new Network.Layer(w, b, Activation.RELU, 0.1))));
        assertEquals("layer 2: relu takes no alpha (only leaky_relu and elu do)", e.getMessage());
        e = assertThrows(InvalidModelException.class, () -> Network.of(List.of(
                new Network.Layer(w, b, Activation.ELU, Double.POSITIVE_INFINITY))));
        assertEquals("layer 2: elu needs a finite alpha, got Infinity", e.getMessage());
        Network net = Network.of(List.of(new Network.Layer(w, b, Activation.LEAKY_RELU),
                new Network.Layer(w, b, Activation.SOFTMAX)));
        assertEquals(0.01, net.alpha(2), 0);
        assertTrue(Double.isNaN(net.alpha(3)));
    }
}
