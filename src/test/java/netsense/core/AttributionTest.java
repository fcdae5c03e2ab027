package netsense.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import netsense.core.Attribution.Method;
import netsense.core.Attribution.Settings;
import org.junit.jupiter.api.Test;

/** The attribution methods against hand-derived cases and references written here, apart from the production code. */
class AttributionTest {
    static final int N1 = 3;

    static Network linear() { // f(x) = 0.5 x0 − 2 x1 + 0.25 x2 + 0.1
        return Network.of(List.of(new Network.Layer(new double[][] {{0.5, -2, 0.25}}, new double[] {0.1},
                Activation.IDENTITY)));
    }

    static Network tanhNet(long seed, int... widths) {
        return TestNetworks.random(new Random(seed), widths, Activation.TANH);
    }

    static Settings ig(int steps, Quadrature q) {
        return new Settings(Method.INTEGRATED_GRADIENTS, steps, q, 20, null, 0);
    }

    static Settings noisy(Method m, double sigma, int samples, long seed) {
        return new Settings(m, 50, Quadrature.GAUSS_LEGENDRE, samples, new double[] {sigma, sigma, sigma}, seed);
    }

    record Result(double[] out, double[] vectors, double[] deltas) {}

    static Result run(Network net, Settings s, double[] x, int rows, long[] keys, double[] base, int stride,
                      int maxRows) {
        Attribution a = new Attribution(BlockKernel.create(net, 0, maxRows, BlockKernel.Precision.FLOAT64),
                net.inputWidth(), net.outputWidth(), false, s);
        double[] out = new double[rows];
        double[] v = new double[rows * net.inputWidth()];
        double[] d = new double[rows];
        a.compute(x, 0, rows, keys, base, 0, stride, out, v, d);
        return new Result(out, v, d);
    }

    @Test
    void onALinearNetworkInputTimesGradientAndIntegratedGradientsAreTheLinearTerms() {
        double[] w = {0.5, -2, 0.25};
        double[] x = {1, 2, 3, -0.5, 0.25, 8};
        double[] base = {0.5, 0.5, 0.5};
        Result ixg = run(linear(), new Settings(Method.INPUT_X_GRADIENT, 1, Quadrature.GAUSS_LEGENDRE, 1, null, 0),
                x, 2, null, null, 0, 7);
        for (int r = 0; r < 2; r++) {
            for (int j = 0; j < N1; j++) {
                assertEquals(x[r * N1 + j] * w[j], ixg.vectors[r * N1 + j], 0.0, "x·w exactly");
            }
            assertEquals(0.5 * x[r * N1] - 2 * x[r * N1 + 1] + 0.25 * x[r * N1 + 2] + 0.1, ixg.out[r], 1e-15);
        }
        for (Quadrature q : Quadrature.values()) {
            Result ig = run(linear(), ig(7, q), x, 2, null, base, 0, 4);
            for (int r = 0; r < 2; r++) {
                for (int j = 0; j < N1; j++) {
                    assertEquals((x[r * N1 + j] - base[j]) * w[j], ig.vectors[r * N1 + j],
                            1e-15 * Math.abs((x[r * N1 + j] - base[j]) * w[j]), q + ": (x − x')·w");
                }
                assertEquals(0, ig.deltas[r], 1e-14, q + ": complete on a linear network");
            }
        }
    }

    @Test
    void gaussLegendreIsExactForPolynomialsOfDegreeTwoNMinusOneUpToAThousandPoints() {
        for (int n : new int[] {1, 2, 3, 4, 5, 7, 10, 50, 99, 500, 1000}) {
            double[][] rule = Quadrature.GAUSS_LEGENDRE.rule(n);
            double sum = 0;
            for (double wk : rule[1]) {
                sum += wk;
            }
            assertEquals(1.0, sum, 1e-13, "weights sum to 1, n = " + n);
            for (int d : new int[] {0, 1, 2 * n - 1}) {
                double integral = 0;
                for (int k = 0; k < n; k++) {
                    integral += rule[1][k] * Math.pow(rule[0][k], d);
                }
                assertEquals(1.0 / (d + 1), integral, 2e-13 / (d + 1) * Math.max(1, n / 50.0),
                        "∫ t^" + d + " with n = " + n);
            }
            for (int k = 1; k < n; k++) {
                assertTrue(rule[0][k] > rule[0][k - 1], "nodes increase");
            }
        }
        // closed forms: n = 2 nodes (1 ∓ 1/√3)/2 with 1/2 each; n = 3 nodes (1 ∓ √(3/5))/2, 1/2 with 5/18, 4/9
        double[][] two = Quadrature.GAUSS_LEGENDRE.rule(2);
        assertArrayEquals(new double[] {(1 - 1 / Math.sqrt(3)) / 2, (1 + 1 / Math.sqrt(3)) / 2}, two[0], 2e-16);
        assertArrayEquals(new double[] {0.5, 0.5}, two[1], 2e-16);
        double[][] three = Quadrature.GAUSS_LEGENDRE.rule(3);
        assertArrayEquals(new double[] {(1 - Math.sqrt(0.6)) / 2, 0.5, (1 + Math.sqrt(0.6)) / 2}, three[0], 2e-16);
        assertArrayEquals(new double[] {5.0 / 18, 4.0 / 9, 5.0 / 18}, three[1], 2e-16);
    }

    @Test
    void riemannRulesAreTheSpecsPointsAndWeights() {
        assertArrayEquals(new double[] {0, 0.25, 0.5, 0.75}, Quadrature.RIEMANN_LEFT.rule(4)[0], 0);
        assertArrayEquals(new double[] {0.25, 0.5, 0.75, 1}, Quadrature.RIEMANN_RIGHT.rule(4)[0], 0);
        assertArrayEquals(new double[] {0.125, 0.375, 0.625, 0.875}, Quadrature.RIEMANN_MIDDLE.rule(4)[0], 0);
        double[][] trapezoid = Quadrature.RIEMANN_TRAPEZOID.rule(5);
        assertArrayEquals(new double[] {0, 0.25, 0.5, 0.75, 1}, trapezoid[0], 0);
        assertArrayEquals(new double[] {0.125, 0.25, 0.25, 0.25, 0.125}, trapezoid[1], 0);
    }

    /**
     * Integrated gradients written out here: the 3-point Gauss–Legendre rule from its closed form,
     * the path points' gradients from a kernel computing one point at a time.
     */
    @Test
    void integratedGradientsEqualAReferenceQuadratureWrittenHere() {
        Network net = tanhNet(5, N1, 8, 5, 1);
        Random rnd = new Random(11);
        int rows = 9;
        double[] x = TestNetworks.randomRows(rnd, rows, N1);
        double[] base = TestNetworks.randomRows(rnd, rows, N1);
        double[] t = {(1 - Math.sqrt(0.6)) / 2, 0.5, (1 + Math.sqrt(0.6)) / 2};
        double[] w = {5.0 / 18, 4.0 / 9, 5.0 / 18};
        BlockKernel one = BlockKernel.create(net, 0, 1, BlockKernel.Precision.FLOAT64);
        Result ig = run(net, ig(3, Quadrature.GAUSS_LEGENDRE), x, rows, null, base, N1, 4);
        for (int r = 0; r < rows; r++) {
            double[] acc = new double[N1];
            for (int k = 0; k < 3; k++) {
                double[] p = new double[N1];
                for (int j = 0; j < N1; j++) {
                    p[j] = base[r * N1 + j] + t[k] * (x[r * N1 + j] - base[r * N1 + j]);
                }
                double[] g = new double[N1];
                one.compute(p, 0, 1, new double[1], 0, g, 0);
                for (int j = 0; j < N1; j++) {
                    acc[j] += w[k] * g[j];
                }
            }
            for (int j = 0; j < N1; j++) {
                double expected = (x[r * N1 + j] - base[r * N1 + j]) * acc[j];
                assertEquals(expected, ig.vectors[r * N1 + j], 1e-12 * Math.max(1e-3, Math.abs(expected)),
                        "row " + r + " dim " + j);
            }
        }
    }

    @Test
    void theCompletenessGapVanishesFasterWithGaussLegendreThanWithRiemann() {
        Network net = tanhNet(7, N1, 16, 16, 1);
        double[] x = {2.5, -1.5, 3.0};
        double[] gl = new double[4];
        double[] left = new double[4];
        double[] middle = new double[4];
        int[] steps = {16, 32, 64, 128};
        for (int i = 0; i < steps.length; i++) {
            gl[i] = Math.abs(run(net, ig(steps[i], Quadrature.GAUSS_LEGENDRE), x, 1, null, null, 0, 16).deltas[0]);
            left[i] = Math.abs(run(net, ig(steps[i], Quadrature.RIEMANN_LEFT), x, 1, null, null, 0, 16).deltas[0]);
            middle[i] = Math.abs(run(net, ig(steps[i], Quadrature.RIEMANN_MIDDLE), x, 1, null, null, 0, 16).deltas[0]);
        }
        for (int i = 1; i < steps.length; i++) {
            double leftRate = left[i - 1] / left[i];
            double middleRate = middle[i - 1] / middle[i];
            assertTrue(leftRate > 1.6 && leftRate < 2.5, "left Riemann: error halves with the steps, " + leftRate);
            assertTrue(middleRate > 3 && middleRate < 5.5, "midpoint: error quarters with the steps, " + middleRate + " " + java.util.Arrays.toString(middle));
        }
        assertTrue(gl[1] < 1e-12, "Gauss–Legendre at 32 points: " + gl[1]);
        assertTrue(gl[0] < middle[3] / 100, "16 Gauss–Legendre points beat 128 midpoints by far: " + gl[0] + " vs "
                + middle[3]);
    }

    @Test
    void smoothGradWithoutNoiseIsTheGradientAndVarGradIsZero() {
        Network net = tanhNet(3, N1, 6, 1);
        double[] x = TestNetworks.randomRows(new Random(2), 5, N1);
        long[] keys = {1, 2, 3, 4, 5};
        Result g = run(net, Settings.gradient(), x, 5, null, null, 0, 8);
        Result sg = run(net, noisy(Method.SMOOTHGRAD, 0, 7, 1), x, 5, keys, null, 0, 8);
        Result var = run(net, noisy(Method.VARGRAD, 0, 7, 1), x, 5, keys, null, 0, 8);
        for (int i = 0; i < g.vectors.length; i++) {
            assertEquals(g.vectors[i], sg.vectors[i], 1e-15 * Math.abs(g.vectors[i]));
            assertEquals(0, var.vectors[i], 1e-30);
        }
        assertArrayEquals(g.out, sg.out, 0);
    }

    @Test
    void smoothGradFamilyAgreesWithARecomputationHereAndRepeatsForAnyChunking() {
        Network net = tanhNet(4, N1, 6, 1);
        int rows = 6;
        double[] x = TestNetworks.randomRows(new Random(3), rows, N1);
        long[] keys = {10, 20, 30, 40, 50, 60};
        int samples = 5;
        double sigma = 0.3;
        BlockKernel one = BlockKernel.create(net, 0, 1, BlockKernel.Precision.FLOAT64);
        Result sg = run(net, noisy(Method.SMOOTHGRAD, sigma, samples, 9), x, rows, keys, null, 0, 4);
        Result sq = run(net, noisy(Method.SMOOTHGRAD_SQ, sigma, samples, 9), x, rows, keys, null, 0, 7);
        Result var = run(net, noisy(Method.VARGRAD, sigma, samples, 9), x, rows, keys, null, 0, 1);
        for (int r = 0; r < rows; r++) {
            double[] sum = new double[N1];
            double[] sumSq = new double[N1];
            for (int s = 0; s < samples; s++) {
                double[] p = new double[N1];
                for (int j = 0; j < N1; j++) {
                    p[j] = x[r * N1 + j] + sigma * KeyedRandom.normal(9, keys[r], s, j);
                }
                double[] g = new double[N1];
                one.compute(p, 0, 1, new double[1], 0, g, 0);
                for (int j = 0; j < N1; j++) {
                    sum[j] += g[j];
                    sumSq[j] += g[j] * g[j];
                }
            }
            for (int j = 0; j < N1; j++) {
                double mean = sum[j] / samples;
                double meanSq = sumSq[j] / samples;
                int i = r * N1 + j;
                assertEquals(mean, sg.vectors[i], 1e-14);
                assertEquals(meanSq, sq.vectors[i], 1e-14);
                assertEquals(meanSq - mean * mean, var.vectors[i], 1e-12);
                assertTrue(var.vectors[i] >= 0);
            }
        }
        // the same keys in other blocks and chunks: the same bits; another seed: other numbers
        Result again = run(net, noisy(Method.SMOOTHGRAD, sigma, samples, 9), x, rows, keys, null, 0, 13);
        assertArrayEquals(sg.vectors, again.vectors, 0);
        double[] lastRow = java.util.Arrays.copyOfRange(x, (rows - 1) * N1, rows * N1);
        Result alone = run(net, noisy(Method.SMOOTHGRAD, sigma, samples, 9), lastRow, 1, new long[] {keys[rows - 1]},
                null, 0, 2);
        assertArrayEquals(java.util.Arrays.copyOfRange(sg.vectors, (rows - 1) * N1, rows * N1), alone.vectors, 0);
        Result other = run(net, noisy(Method.SMOOTHGRAD, sigma, samples, 10), x, rows, keys, null, 0, 4);
        assertFalse(java.util.Arrays.equals(sg.vectors, other.vectors));
    }

    @Test
    void allOutputsGiveEachOutputsAttributionOnOnePass() {
        Network net = TestNetworks.random(new Random(8), new int[] {N1, 5, 4}, Activation.TANH, Activation.SIGMOID);
        int rows = 4;
        double[] x = TestNetworks.randomRows(new Random(9), rows, N1);
        for (Settings s : new Settings[] {Settings.gradient(), ig(6, Quadrature.RIEMANN_TRAPEZOID)}) {
            Attribution all = new Attribution(BlockKernel.create(net, 0, 5, BlockKernel.Precision.FLOAT64), N1, 4, true,
                    s);
            double[] out = new double[rows * 4];
            double[] v = new double[rows * 4 * N1];
            double[] d = new double[rows * 4];
            all.compute(x, 0, rows, null, null, 0, 0, out, v, d);
            for (int k = 0; k < 4; k++) {
                Attribution one = new Attribution(BlockKernel.create(net, k, 5, BlockKernel.Precision.FLOAT64), N1, 4,
                        false, s);
                double[] o1 = new double[rows];
                double[] v1 = new double[rows * N1];
                double[] d1 = new double[rows];
                one.compute(x, 0, rows, null, null, 0, 0, o1, v1, d1);
                for (int r = 0; r < rows; r++) {
                    assertEquals(o1[r], out[r * 4 + k], 1e-15);
                    assertEquals(d1[r], d[r * 4 + k], 1e-14);
                    for (int j = 0; j < N1; j++) {
                        assertEquals(v1[r * N1 + j], v[(r * 4 + k) * N1 + j], 1e-15, s.method() + " output " + k);
                    }
                }
            }
        }
    }

    /** Probabilities sum to 1, so every method's vectors of a softmax classifier sum to 0 over the outputs. */
    @Test
    void softmaxAttributionsSumToZeroOverTheClasses() {
        Network net = TestNetworks.random(new Random(12), new int[] {N1, 6, 4}, Activation.TANH, Activation.SOFTMAX);
        int rows = 5;
        double[] x = TestNetworks.randomRows(new Random(13), rows, N1);
        long[] keys = {1, 2, 3, 4, 5};
        for (Settings s : new Settings[] {Settings.gradient(), ig(8, Quadrature.GAUSS_LEGENDRE),
            noisy(Method.SMOOTHGRAD, 0.2, 4, 3)}) {
            Attribution all = new Attribution(BlockKernel.create(net, 0, 8, BlockKernel.Precision.FLOAT64), N1, 4, true,
                    s);
            double[] out = new double[rows * 4];
            double[] v = new double[rows * 4 * N1];
            all.compute(x, 0, rows, keys, null, 0, 0, out, v, new double[rows * 4]);
            for (int r = 0; r < rows; r++) {
                double p = 0;
                for (int k = 0; k < 4; k++) {
                    p += out[r * 4 + k];
                }
                assertEquals(1.0, p, 1e-15, "probabilities");
                for (int j = 0; j < N1; j++) {
                    double sum = 0;
                    double scale = 0;
                    for (int k = 0; k < 4; k++) {
                        sum += v[(r * 4 + k) * N1 + j];
                        scale = Math.max(scale, Math.abs(v[(r * 4 + k) * N1 + j]));
                    }
                    assertEquals(0, sum, 1e-15 + 1e-14 * scale, s.method() + " row " + r + " dim " + j);
                }
            }
        }
    }

    @Test
    void keyedNormalsAreStandardNormalAndDependOnEveryPartOfTheKey() {
        int n = 200_000;
        double sum = 0;
        double sumSq = 0;
        for (int i = 0; i < n; i++) {
            double z = KeyedRandom.normal(1, i / 100, i % 100, 3);
            sum += z;
            sumSq += z * z;
        }
        assertEquals(0, sum / n, 5 * Math.sqrt(1.0 / n));
        assertEquals(1, sumSq / n, 5 * Math.sqrt(2.0 / n));
        double z = KeyedRandom.normal(1, 2, 3, 4);
        assertNotEquals(z, KeyedRandom.normal(2, 2, 3, 4));
        assertNotEquals(z, KeyedRandom.normal(1, 3, 3, 4));
        assertNotEquals(z, KeyedRandom.normal(1, 2, 4, 4));
        assertNotEquals(z, KeyedRandom.normal(1, 2, 3, 5));
        assertEquals(z, KeyedRandom.normal(1, 2, 3, 4));
    }
}
