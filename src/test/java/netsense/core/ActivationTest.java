package netsense.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ActivationTest {

    @Test
    void handValues() {
        assertEquals(0.5, Activation.SIGMOID.value(0), 0);
        assertEquals(0.25, Activation.SIGMOID.derivative(0), 0);
        // σ(ln 3) = 1/(1 + 1/3) = 3/4; σ' = 3/4 · 1/4 = 3/16
        assertEquals(0.75, Activation.SIGMOID.value(Math.log(3)), 1e-15);
        assertEquals(3.0 / 16, Activation.SIGMOID.derivative(Math.log(3)), 1e-15);
        assertEquals(0.25, Activation.SIGMOID.value(-Math.log(3)), 1e-15);
        // tanh(ln 2) = 3/5, tanh' = 16/25
        assertEquals(0.6, Activation.TANH.value(Math.log(2)), 1e-15);
        assertEquals(-0.6, Activation.TANH.value(-Math.log(2)), 1e-15);
        assertEquals(16.0 / 25, Activation.TANH.derivative(Math.log(2)), 1e-15);
        assertEquals(1e-10, Activation.TANH.value(1e-10), 1e-25);
        // softplus(ln 3) = ln 4; derivative σ(ln 3) = 3/4
        assertEquals(Math.log(4), Activation.SOFTPLUS.value(Math.log(3)), 1e-15);
        assertEquals(0.75, Activation.SOFTPLUS.derivative(Math.log(3)), 1e-15);
        assertEquals(Math.log(2), Activation.SOFTPLUS.value(0), 1e-15);
        assertEquals(3.5, Activation.RELU.value(3.5), 0);
        assertEquals(0, Activation.RELU.value(-2), 0);
        assertEquals(0, Activation.RELU.derivative(0), 0, "relu'(0) = 0 by convention");
        assertEquals(1, Activation.RELU.derivative(1e-300), 0);
        assertEquals(-7, Activation.IDENTITY.value(-7), 0);
        assertEquals(1, Activation.IDENTITY.derivative(-7), 0);
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void finiteEverywhere(Activation a) {
        double[] zs = {-Double.MAX_VALUE, -1e300, -1000, -745, -709, -40, -1e-300, 0, 1e-300, 40, 709, 745, 1000,
            1e300, Double.MAX_VALUE};
        for (double z : zs) {
            double v = a.value(z);
            double d = a.derivative(z);
            assertTrue(Double.isFinite(v) && Double.isFinite(d), a + " at " + z + ": " + v + ", " + d);
        }
        if (a == Activation.SIGMOID) {
            assertEquals(1.0, a.value(1000), 0);
            assertEquals(0.0, a.value(-1000), 0);
        }
        if (a == Activation.SOFTPLUS) {
            assertEquals(1000.0, a.value(1000), 0);
            assertEquals(0.0, a.value(-1000), 1e-300);
        }
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void derivativeMatchesFiniteDifferences(Activation a) {
        for (double z = -8.05; z <= 8; z += 0.37) {
            double h = 1e-6;
            double fd = (a.value(z + h) - a.value(z - h)) / (2 * h);
            assertEquals(fd, a.derivative(z), 1e-8, a + " at " + z);
        }
    }

    /** NaN in gives NaN out, value and derivative, on the plain and the Vector API loops alike. */
    @ParameterizedTest
    @EnumSource(Activation.class)
    void nanPropagatesOnEveryBackend(Activation a) {
        int n = 37; // whole vectors and a scalar tail
        for (int at : new int[] {0, 5, n - 1}) {
            double[] z = new double[n];
            java.util.Arrays.fill(z, -1.5);
            z[at] = Double.NaN;
            double[] zs = z.clone();
            double[] ds = new double[n];
            a.apply(zs, ds, 0, n);
            double[] zv = z.clone();
            double[] dv = new double[n];
            VectorActivations.apply(a, zv, dv, 0, n);
            assertTrue(Double.isNaN(zs[at]) && Double.isNaN(ds[at]), a + " plain at " + at + ": " + zs[at] + ", " + ds[at]);
            assertTrue(Double.isNaN(zv[at]) && Double.isNaN(dv[at]), a + " vector at " + at + ": " + zv[at] + ", " + dv[at]);
            assertTrue(Double.isFinite(zv[(at + 1) % n]) && Double.isFinite(dv[(at + 1) % n]), a + " neighbour");
        }
        // relu of −0 and of negatives is +0, so that no −0.0 leaks into the outputs
        assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(Activation.RELU.value(-0.0)));
        assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(Activation.RELU.value(-2)));
    }

    @Test
    void tailsKeepRelativePrecision() {
        // σ'(30) = e^−30/(1+e^−30)² — σ(1−σ) would lose every digit here
        double e = Math.exp(-30);
        assertEquals(e / ((1 + e) * (1 + e)), Activation.SIGMOID.derivative(30), 1e-14 * e);
        // tanh'(20) = 4e^−40/(1+e^−40)²
        double f = Math.exp(-40);
        assertEquals(4 * f / ((1 + f) * (1 + f)), Activation.TANH.derivative(20), 1e-14 * f);
    }

    @Test
    void namesRoundTripAndUnknownNamesAreRefused() {
        for (Activation a : Activation.values()) {
            assertEquals(a, Activation.fromId(a.id()));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Activation.fromId("gelu"));
        assertEquals("unknown activation \"gelu\" (known: sigmoid, tanh, relu, softplus, identity)", e.getMessage());
    }
}
