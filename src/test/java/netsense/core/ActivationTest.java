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
        // leaky relu: α·z below 0 (default α = 0.01), slope α at 0 and below (PyTorch's convention)
        assertEquals(-0.02, Activation.LEAKY_RELU.value(-2), 1e-17);
        assertEquals(0.01, Activation.LEAKY_RELU.derivative(-2), 0);
        assertEquals(0.01, Activation.LEAKY_RELU.derivative(0), 0);
        assertEquals(-0.6, Activation.LEAKY_RELU.value(-3, 0.2), 2e-16);
        assertEquals(3, Activation.LEAKY_RELU.value(3, 0.2), 0);
        // elu: α(e^z − 1), slope α e^z; at z = −ln 2: −α/2 and α/2
        assertEquals(-0.5, Activation.ELU.value(-Math.log(2)), 1e-16);
        assertEquals(0.5, Activation.ELU.derivative(-Math.log(2)), 1e-16);
        assertEquals(-0.75, Activation.ELU.value(-Math.log(2), 1.5), 1e-16);
        assertEquals(1.5, Activation.ELU.derivative(0, 1.5), 0);
        assertEquals(2, Activation.ELU.value(2, 1.5), 0);
        assertEquals(1, Activation.ELU.derivative(2, 1.5), 0);
        // silu: z σ(z); at ln 3, σ = 3/4: value (3/4) ln 3, slope 3/4 + ln 3 · 3/16
        assertEquals(0.75 * Math.log(3), Activation.SILU.value(Math.log(3)), 1e-15);
        assertEquals(0.75 + Math.log(3) * 3 / 16, Activation.SILU.derivative(Math.log(3)), 1e-15);
        assertEquals(0.5, Activation.SILU.derivative(0), 0);
        // gelu: Φ(0) = 1/2, φ(0) = 1/√(2π); Φ(1) = 0.841344746068542948585232545632 (tables)
        assertEquals(0, Activation.GELU.value(0), 0);
        assertEquals(0.5, Activation.GELU.derivative(0), 0);
        assertEquals(0.841344746068542948585232545632, Activation.GELU.value(1), 2e-16);
        assertEquals(-(1 - 0.841344746068542948585232545632), Activation.GELU.value(-1), 2e-16);
        assertEquals(0.841344746068542948585232545632 + Math.exp(-0.5) / Math.sqrt(2 * Math.PI),
                Activation.GELU.derivative(1), 4e-16);
    }

    /** The softmax of a vector by hand: (ln 1, ln 2, ln 5) gives (1/8, 2/8, 5/8); shifted by 1000 the same. */
    @Test
    void softmaxByHandAndWithoutOverflow() {
        for (double shift : new double[] {0, 1000, -1000, 1e300 / 1e10}) {
            double[] z = {Math.log(1) + shift, Math.log(2) + shift, Math.log(5) + shift};
            double[] d = new double[3];
            Activation.SOFTMAX.apply(z, d, 0, 3);
            double tol = 1e-15 * Math.max(1, Math.abs(shift));
            assertEquals(1.0 / 8, z[0], tol, "shift " + shift);
            assertEquals(2.0 / 8, z[1], tol);
            assertEquals(5.0 / 8, z[2], tol);
            assertEquals(5.0 / 8 * 3.0 / 8, d[2], tol, "the Jacobian's diagonal s(1 − s)");
        }
        double[] strided = {0, 9, Math.log(3), 9};
        Activation.softmax(strided, 0, 2, 2); // entries 0 and 2 only
        assertEquals(0.25, strided[0], 1e-16);
        assertEquals(0.75, strided[2], 1e-16);
        assertEquals(9, strided[1], 0);
        double[] nan = {1, Double.NaN, 2};
        Activation.softmax(nan, 0, 3, 1);
        for (double v : nan) {
            assertTrue(Double.isNaN(v), "a NaN entry spoils the whole softmax");
        }
    }

    @Test
    void alphaIsTakenByLeakyReluAndEluOnly() {
        for (Activation a : Activation.values()) {
            boolean takes = a == Activation.LEAKY_RELU || a == Activation.ELU;
            assertEquals(takes, a.takesAlpha(), a.id());
        }
        assertEquals(0.01, Activation.LEAKY_RELU.defaultAlpha(), 0);
        assertEquals(1.0, Activation.ELU.defaultAlpha(), 0);
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
        double[] alphas = a.takesAlpha() ? new double[] {a.defaultAlpha(), 0.3, 2.5, -0.2} : new double[] {Double.NaN};
        for (double alpha : alphas) {
            for (double z = -8.05; z <= 8; z += 0.37) {
                double h = 1e-6;
                double fd = (a.value(z + h, alpha) - a.value(z - h, alpha)) / (2 * h);
                assertEquals(fd, a.derivative(z, alpha), 1e-8, a + " at " + z + ", alpha " + alpha);
            }
        }
    }

    /** The new activations' values against formulas of the test's own (TestNetworks), over a range. */
    @ParameterizedTest
    @EnumSource(value = Activation.class, names = {"LEAKY_RELU", "ELU", "SILU", "GELU"})
    void valuesMatchTheirDefinitions(Activation a) {
        for (double z = -20.05; z <= 20; z += 0.137) { // beyond, the reference's e^{−z²} loses digits
            double want = TestNetworks.sigma(a, a.defaultAlpha(), z);
            assertEquals(want, a.value(z), 1e-12 * Math.max(Math.abs(want), 1e-300), a + " at " + z);
            double slope = TestNetworks.sigmaPrime(a, a.defaultAlpha(), z);
            assertEquals(slope, a.derivative(z), 1e-12 * Math.max(Math.abs(slope), 1e-300), a + "' at " + z);
        }
    }

    /** NaN in gives NaN out, value and derivative, on the plain and the Vector API loops alike. */
    @ParameterizedTest
    @EnumSource(value = Activation.class, names = "SOFTMAX", mode = EnumSource.Mode.EXCLUDE) // a NaN spoils its whole vector
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
        // relu of −0 and of negatives is +0, so that no −0.0 leaks into the outputs; nor do the others' underflows
        assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(Activation.RELU.value(-0.0)));
        assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(Activation.RELU.value(-2)));
        for (Activation u : new Activation[] {Activation.SILU, Activation.GELU, Activation.LEAKY_RELU, Activation.ELU}) {
            double v = u == Activation.LEAKY_RELU || u == Activation.ELU ? u.value(-Double.MIN_VALUE, 0.01)
                    : u.value(-1000);
            assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(v), u.id());
        }
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
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Activation.fromId("swish"));
        assertEquals("unknown activation \"swish\" (known: sigmoid, tanh, relu, softplus, identity, leaky_relu, elu, "
                + "silu, gelu, softmax)", e.getMessage());
    }
}
