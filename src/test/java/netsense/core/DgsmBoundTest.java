package netsense.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link DgsmBound}: the SPEC's identity network on uniform inputs, whose bound is exactly
 * 12/π² times the true total Sobol' index, algebraically and from sampled rows through the
 * kernel and the summary; the normal case, where the bound equals the index; and by hand.
 */
class DgsmBoundTest {
    static final double[] W = {1.0, -2.0, 0.5, 3.0, 0.0};

    /** f(x) = Σ w_i x_i + 0.7: one identity layer. */
    static Network linear() {
        double[][] w = {W.clone()};
        return Network.of(List.of(new Network.Layer(w, new double[] {0.7}, Activation.IDENTITY)));
    }

    /** True total indices of the linear f on independent inputs of variances var_i: w_i² var_i / Σ w_j² var_j. */
    static double[] totalIndices(double[] variances) {
        double total = 0;
        for (int i = 0; i < W.length; i++) {
            total += W[i] * W[i] * variances[i];
        }
        double[] s = new double[W.length];
        for (int i = 0; i < W.length; i++) {
            s[i] = W[i] * W[i] * variances[i] / total;
        }
        return s;
    }

    @Test
    void uniformBoundIsTwelveOverPiSquaredTimesTheTotalIndexExactly() {
        double a = -1;
        double b = 3;
        double var = (b - a) * (b - a) / 12;
        double d = 0;
        for (double w : W) {
            d += w * w * var;
        }
        double[] st = totalIndices(new double[] {var, var, var, var, var});
        double c = DgsmBound.uniformConstant(a, b);
        assertEquals(16 / (Math.PI * Math.PI), c, 1e-15);
        for (int i = 0; i < W.length; i++) {
            double bound = DgsmBound.bound(c, W[i] * W[i], d);
            assertEquals(12 / (Math.PI * Math.PI) * st[i], bound, 1e-15 * Math.max(bound, 1e-300), "dim " + i);
        }
    }

    static GradientSummary sampled(Random rnd, int rows, boolean normal, double[] lo, double[] hi) {
        int n = W.length;
        GradientKernel kernel = new GradientKernel(linear(), 0, 1000);
        GradientSummary s = new GradientSummary(n);
        double[] x = new double[1000 * n];
        double[] y = new double[1000];
        double[] g = new double[1000 * n];
        for (int start = 0; start < rows; start += 1000) {
            int m = Math.min(1000, rows - start);
            for (int r = 0; r < m; r++) {
                for (int i = 0; i < n; i++) {
                    x[r * n + i] = normal ? lo[i] + hi[i] * rnd.nextGaussian() : lo[i] + (hi[i] - lo[i]) * rnd.nextDouble();
                }
            }
            kernel.compute(x, 0, m, y, 0, g, 0);
            s.addBlock(y, 0, g, 0, m, null, x, 0);
        }
        return s;
    }

    /**
     * Rows drawn uniform on [a_i, b_i] (a different range per dimension), through the kernel:
     * the bound from the observed ranges, and from the given ones, is 12/π² S_Ti within sampling
     * error (the sample variance of 200,000 rows: about 0.2 % relative; observed ranges: 1e-5).
     */
    @Test
    void uniformBoundFromSampledRows() {
        double[] a = {-1, 0, 2, -5, 0};
        double[] b = {3, 1, 2.5, 5, 1};
        double[] var = new double[W.length];
        for (int i = 0; i < W.length; i++) {
            var[i] = (b[i] - a[i]) * (b[i] - a[i]) / 12;
        }
        double[] st = totalIndices(var);
        GradientSummary s = sampled(new Random(41), 200_000, false, a, b);
        double[] observed = DgsmBound.bounds(s, DgsmBound.constants(s, DgsmBound.Poincare.UNIFORM, null));
        double[][] given = new double[W.length][];
        for (int i = 0; i < W.length; i++) {
            given[i] = new double[] {a[i], b[i]};
        }
        double[] fromGiven = DgsmBound.bounds(s, DgsmBound.constants(s, DgsmBound.Poincare.UNIFORM, given));
        for (int i = 0; i < W.length; i++) {
            double want = 12 / (Math.PI * Math.PI) * st[i];
            assertEquals(want, observed[i], 0.01 * want + 1e-300, "observed bounds, dim " + i);
            assertEquals(want, fromGiven[i], 0.01 * want + 1e-300, "given bounds, dim " + i);
            assertTrue(fromGiven[i] >= observed[i], "given ranges hold the observed ones");
        }
        assertEquals(0.0, observed[4], "w = 0: no sensitivity");
    }

    /** Normal inputs: C_i = σ_i², and for the linear f the bound equals S_Ti. */
    @Test
    void normalBoundEqualsTheTotalIndexOfALinearFunction() {
        double[] mu = {0, 10, -3, 1, 0};
        double[] sigma = {1, 0.5, 4, 2, 1};
        double[] var = new double[W.length];
        for (int i = 0; i < W.length; i++) {
            var[i] = sigma[i] * sigma[i];
        }
        double[] st = totalIndices(var);
        GradientSummary s = sampled(new Random(42), 200_000, true, mu, sigma);
        double[] bounds = DgsmBound.bounds(s, DgsmBound.constants(s, DgsmBound.Poincare.NORMAL, null));
        for (int i = 0; i < W.length; i++) {
            assertEquals(st[i], bounds[i], 0.015 * st[i] + 1e-300, "dim " + i);
        }
    }

    @Test
    void byHandAndRefusals() {
        assertEquals(1.0, DgsmBound.uniformConstant(0, Math.PI), 1e-15);
        assertEquals(4.0, DgsmBound.normalConstant(2));
        assertEquals(1.5, DgsmBound.bound(2, 3, 4));
        assertTrue(Double.isNaN(DgsmBound.bound(2, 3, 0)), "a constant output: undefined");
        assertEquals("bounds [2.0, 1.0]: expecting finite a ≤ b",
                assertThrows(IllegalArgumentException.class, () -> DgsmBound.uniformConstant(2, 1)).getMessage());
        GradientSummary noInputs = new GradientSummary(2);
        noInputs.add(1, new double[] {1, 2});
        noInputs.add(2, new double[] {1, 3});
        assertEquals("the normal bound needs the inputs' std, and the summary has no inputs",
                assertThrows(IllegalStateException.class,
                        () -> DgsmBound.constants(noInputs, DgsmBound.Poincare.NORMAL, null)).getMessage());
        assertEquals("input bounds: expecting 2 pairs [a, b] but got 1",
                assertThrows(IllegalArgumentException.class, () -> DgsmBound.constants(noInputs,
                        DgsmBound.Poincare.UNIFORM, new double[][] {{0, 1}})).getMessage());
        // given bounds need no inputs: C = (1/π)², (2/π)²; ν = (1, 6.5); D = 0.5
        double[] b = DgsmBound.bounds(noInputs, DgsmBound.constants(noInputs, DgsmBound.Poincare.UNIFORM,
                new double[][] {{0, 1}, {-1, 1}}));
        assertEquals(1 / (Math.PI * Math.PI) / 0.5, b[0], 1e-15);
        assertEquals(4 / (Math.PI * Math.PI) * 6.5 / 0.5, b[1], 1e-14);
        assertEquals("normal", DgsmBound.Poincare.NORMAL.id());
    }
}
