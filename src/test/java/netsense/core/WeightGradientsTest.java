package netsense.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The weight gradient from the kernel's backward pass against central finite differences of
 * the cost, the cost computed by a naive one-row forward pass written here; hand-derived
 * cases; and the same sums whatever the blocks.
 */
class WeightGradientsTest {
    /** Elementwise activations: every one the enum has, but a vector one (softmax: last layer only). */
    static Activation[] elementwise() {
        return Arrays.stream(Activation.values()).filter(a -> !a.id().equals("softmax")).toArray(Activation[]::new);
    }

    /** The mean cost of the rows by the definition: a[l] = σ(W a[l-1] + b) per row, then the loss. */
    static double naiveCost(Network net, Loss loss, double[] x, double[] y, int rows) {
        int n1 = net.inputWidth();
        int nL = net.outputWidth();
        double total = 0;
        for (int r = 0; r < rows; r++) {
            double[] a = Arrays.copyOfRange(x, r * n1, (r + 1) * n1);
            for (int l = 2; l <= net.depth(); l++) {
                double[] next = new double[net.width(l)];
                for (int i = 0; i < next.length; i++) {
                    double z = net.bias(l, i);
                    for (int j = 0; j < a.length; j++) {
                        z += net.weight(l, i, j) * a[j];
                    }
                    next[i] = net.activation(l).value(z);
                }
                a = next;
            }
            if (loss == Loss.MSE) {
                for (int i = 0; i < nL; i++) {
                    total += 0.5 * (y[r * nL + i] - a[i]) * (y[r * nL + i] - a[i]);
                }
            } else {
                double sum = 0;
                for (double v : a) {
                    sum += Math.exp(v);
                }
                total += -Math.log(Math.exp(a[(int) y[r]]) / sum);
            }
        }
        return total / rows;
    }

    static double[] labels(Random rnd, Loss loss, int rows, int nL) {
        double[] y = new double[rows * loss.labelWidth(nL)];
        for (int i = 0; i < y.length; i++) {
            y[i] = loss == Loss.MSE ? rnd.nextDouble() : rnd.nextInt(nL);
        }
        return y;
    }

    private static double[] meanGradient(Network net, Loss loss, double[] x, double[] y, int rows, double[] inputGrad) {
        WeightGradients wg = new WeightGradients(net, loss, rows);
        double[] g = new double[wg.parameterCount()];
        wg.addGradient(x, 0, y, 0, rows, g, inputGrad, 0);
        for (int i = 0; i < g.length; i++) {
            g[i] /= rows;
        }
        return g;
    }

    @Test
    void everyActivationAndLossAgainstFiniteDifferences() {
        Random rnd = new Random(15);
        int[] widths = {3, 5, 4, 3};
        for (Loss loss : Loss.values()) {
            for (Activation hidden : elementwise()) {
                for (Activation output : loss == Loss.MSE ? elementwise() : new Activation[] {Activation.IDENTITY}) {
                    Network net = TestNetworks.random(rnd, widths, hidden, hidden, output);
                    int rows = 6;
                    double[] x = TestNetworks.randomRows(rnd, rows, widths[0]);
                    double[] y = labels(rnd, loss, rows, widths[3]);
                    double[] g = meanGradient(net, loss, x, y, rows, null);
                    double[] theta = net.parameters();
                    double h = 1e-6;
                    double scale = Arrays.stream(g).map(Math::abs).max().orElse(0);
                    for (int i = 0; i < theta.length; i++) {
                        double[] plus = theta.clone();
                        double[] minus = theta.clone();
                        plus[i] += h;
                        minus[i] -= h;
                        double fd = (naiveCost(net.withParameters(plus), loss, x, y, rows)
                                - naiveCost(net.withParameters(minus), loss, x, y, rows)) / (2 * h);
                        assertEquals(fd, g[i], 1e-7 * Math.max(1, scale),
                                loss.id() + " " + hidden.id() + "/" + output.id() + " parameter " + i);
                    }
                }
            }
        }
    }

    @Test
    void inputGradientFromTheSamePassAgainstFiniteDifferences() {
        Random rnd = new Random(3);
        for (Loss loss : Loss.values()) {
            Network net = TestNetworks.random(rnd, new int[] {4, 6, 3}, Activation.TANH,
                    loss == Loss.MSE ? Activation.SIGMOID : Activation.IDENTITY);
            int rows = 5;
            double[] x = TestNetworks.randomRows(rnd, rows, 4);
            double[] y = labels(rnd, loss, rows, 3);
            double[] ig = new double[rows * 4];
            meanGradient(net, loss, x, y, rows, ig);
            for (int r = 0; r < rows; r++) {
                double[] xr = Arrays.copyOfRange(x, r * 4, r * 4 + 4);
                double[] yr = Arrays.copyOfRange(y, r * loss.labelWidth(3), (r + 1) * loss.labelWidth(3));
                for (int j = 0; j < 4; j++) {
                    double[] p = xr.clone();
                    double[] m = xr.clone();
                    p[j] += 1e-6;
                    m[j] -= 1e-6;
                    double fd = (naiveCost(net, loss, p, yr, 1) - naiveCost(net, loss, m, yr, 1)) / 2e-6;
                    assertEquals(fd, ig[r * 4 + j], 1e-8, loss.id() + " row " + r + " dim " + j);
                }
            }
        }
    }

    /** a = w·x + b, C = ½(a − y)²: ∂C/∂w = (a − y)·x, ∂C/∂b = a − y. */
    @Test
    void linearRegressionByHand() {
        Network net = Network.of(java.util.List.of(
                new Network.Layer(new double[][] {{2.0, -1.0}}, new double[] {0.5}, Activation.IDENTITY)));
        double[] x = {3.0, 4.0};
        double[] y = {1.0};
        double[] g = meanGradient(net, Loss.MSE, x, y, 1, null);
        double r = 2.0 * 3 - 4 + 0.5 - 1.0; // 1.5
        assertArrayEquals(new double[] {r * 3, r * 4, r}, g, 0);
    }

    /**
     * Logits z = W x + b with W = 0, b = (0, ln 3): softmax = (1/4, 3/4); label 0, so
     * ∂C/∂z = (1/4 − 1, 3/4) and ∂C/∂W = ∂C/∂z · xᵀ; C = −ln(1/4).
     */
    @Test
    void softmaxCrossEntropyByHand() {
        Network net = Network.of(java.util.List.of(new Network.Layer(new double[][] {{0, 0}, {0, 0}},
                new double[] {0, Math.log(3)}, Activation.IDENTITY)));
        double[] x = {2.0, -1.0};
        double[] y = {0};
        WeightGradients wg = new WeightGradients(net, Loss.CROSS_ENTROPY, 1);
        double[] g = new double[6];
        double cost = wg.addGradient(x, 0, y, 0, 1, g, null, 0);
        assertEquals(Math.log(4), cost, 1e-15);
        assertArrayEquals(new double[] {-0.75 * 2, -0.75 * -1, 0.75 * 2, 0.75 * -1, -0.75, 0.75}, g, 1e-15);
    }

    @Test
    void blocksAddUpToTheWholeBatch() {
        Random rnd = new Random(7);
        Network net = TestNetworks.random(rnd, new int[] {5, 8, 8, 2}, Activation.SIGMOID, Activation.TANH,
                Activation.SIGMOID);
        int rows = 103;
        double[] x = TestNetworks.randomRows(rnd, rows, 5);
        double[] y = labels(rnd, Loss.MSE, rows, 2);
        double[] whole = meanGradient(net, Loss.MSE, x, y, rows, null);
        for (int block : new int[] {1, 7, 64}) {
            WeightGradients wg = new WeightGradients(net, Loss.MSE, block);
            double[] g = new double[wg.parameterCount()];
            for (int from = 0; from < rows; from += block) {
                int n = Math.min(block, rows - from);
                wg.addGradient(x, from * 5, y, from * 2, n, g, null, 0);
            }
            for (int i = 0; i < g.length; i++) {
                assertEquals(whole[i], g[i] / rows, 1e-13, "block " + block + " parameter " + i);
            }
        }
    }

    @Test
    void setParametersIsSeenByTheNextBlock() {
        Random rnd = new Random(9);
        Network a = TestNetworks.random(rnd, new int[] {3, 4, 2}, Activation.SIGMOID);
        Network b = TestNetworks.random(rnd, new int[] {3, 4, 2}, Activation.SIGMOID);
        double[] x = TestNetworks.randomRows(rnd, 4, 3);
        double[] y = labels(rnd, Loss.MSE, 4, 2);
        WeightGradients wg = new WeightGradients(a, Loss.MSE, 4);
        wg.setParameters(b.parameters());
        assertEquals(naiveCost(b, Loss.MSE, x, y, 4), wg.cost(x, 0, y, 0, 4) / 4, 1e-15);
        assertTrue(Arrays.equals(a.parameters(), a.parameters()), "the given network is not changed");
        assertEquals(naiveCost(a, Loss.MSE, x, y, 4), new WeightGradients(a, Loss.MSE, 4).cost(x, 0, y, 0, 4) / 4,
                1e-15);
    }
}
