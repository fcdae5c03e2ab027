package netsense.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The backward pass from a seed vector v (the gradient of v·a[L]) and the Jacobian, against
 * central finite differences of the network written out by its definition ({@link TestNetworks}),
 * against the one-output kernel, and against hand-derived values; both precisions, odd sizes.
 */
class SeedAndJacobianTest {
    /** Odd widths and several outputs; the last is a single layer. */
    static final int[][] SHAPES = {{3, 5, 2}, {7, 13, 9, 4}, {1, 1}, {5, 3}, {17, 9, 13, 4}, {2, 67, 5}};
    static final Activation[] SMOOTH = {Activation.TANH, Activation.SIGMOID, Activation.SOFTPLUS, Activation.IDENTITY};

    static List<String> everyKernel() {
        List<String> impls = new ArrayList<>(List.of("plain", "vector", "plain-f32", "vector-f32"));
        if (Backends.vectorWithNativeBlas() != null) {
            impls.addAll(List.of("native", "native-f32"));
        }
        return impls;
    }

    /** Σ_i v_i a[L]_i(x), by the definition. */
    static double seeded(Network net, double[] x, double[] v, int vOff) {
        double[] y = TestNetworks.outputs(net, x);
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            s += v[vOff + i] * y[i];
        }
        return s;
    }

    /** ∇x (v·a[L])(x) by central differences. */
    static double[] finiteDifference(Network net, double[] x, double[] v, int vOff) {
        double[] g = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            double h = 1e-5 * Math.max(1, Math.abs(x[j]));
            double[] plus = x.clone();
            double[] minus = x.clone();
            plus[j] += h;
            minus[j] -= h;
            g[j] = (seeded(net, plus, v, vOff) - seeded(net, minus, v, vOff)) / (plus[j] - minus[j]);
        }
        return g;
    }

    /** Every entry of {@code actual[off..off+n)} within {@code rel} of the largest |expected| entry. */
    static void closeToScale(double[] expected, double[] actual, int off, double rel, String what) {
        double scale = 0;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int j = 0; j < expected.length; j++) {
            double err = Math.abs(actual[off + j] - expected[j]);
            assertTrue(err <= rel * Math.max(scale, 1e-12), what + " entry " + j + ": " + actual[off + j]
                    + " against " + expected[j] + " (scale " + scale + ")");
        }
    }

    /** float64 against finite differences to 1e-7; float32 to 1e-4 (its stated accuracy). */
    static double tolerance(String impl) {
        return impl.endsWith("-f32") ? 1e-4 : 1e-7;
    }

    @Test
    void oneSeedForTheBlockMatchesFiniteDifferencesOfVDotF() {
        Random rnd = new Random(10);
        for (int[] shape : SHAPES) {
            Network net = TestNetworks.random(rnd, shape, SMOOTH);
            int n1 = shape[0];
            int nL = net.outputWidth();
            for (int rows : new int[] {1, 7, 103}) {
                double[] x = TestNetworks.randomRows(rnd, rows, n1);
                double[] seed = new double[3 + nL];  // at an offset
                for (int i = 0; i < nL; i++) {
                    seed[3 + i] = rnd.nextGaussian();
                }
                for (String impl : everyKernel()) {
                    double[] y = new double[2 + rows * nL];
                    double[] g = new double[5 + rows * n1];
                    GradientKernel.using(impl, net, 0, rows).computeFromSeed(x, 0, rows, seed, 3, 0, y, 2, g, 5);
                    for (int r = 0; r < rows; r++) {
                        double[] xr = TestNetworks.row(x, r, n1);
                        String what = impl + " " + net.shape() + " rows " + rows + " row " + r;
                        closeToScale(finiteDifference(net, xr, seed, 3), g, 5 + r * n1, tolerance(impl), what);
                        double[] yr = TestNetworks.outputs(net, xr);
                        for (int i = 0; i < nL; i++) {
                            assertEquals(yr[i], y[2 + r * nL + i], 1e-5 * Math.max(1, Math.abs(yr[i])), what + " output");
                        }
                    }
                }
            }
        }
    }

    @Test
    void aSeedPerRowMatchesFiniteDifferencesAndDirectionalDerivatives() {
        Random rnd = new Random(11);
        for (int[] shape : SHAPES) {
            Network net = TestNetworks.random(rnd, shape, SMOOTH);
            int n1 = shape[0];
            int nL = net.outputWidth();
            int rows = 13;
            double[] x = TestNetworks.randomRows(rnd, rows, n1);
            double[] seeds = TestNetworks.randomRows(rnd, rows, nL);
            for (String impl : everyKernel()) {
                double[] y = new double[rows * nL];
                double[] g = new double[rows * n1];
                BlockKernel kernel = GradientKernel.using(impl, net, 0, 16);
                kernel.computeFromSeed(x, 0, rows, seeds, 0, nL, y, 0, g, 0);
                for (int r = 0; r < rows; r++) {
                    double[] xr = TestNetworks.row(x, r, n1);
                    String what = impl + " " + net.shape() + " row " + r;
                    closeToScale(finiteDifference(net, xr, seeds, r * nL), g, r * n1, tolerance(impl), what);
                    // d/dt v·f(x + t u) at 0 = g·u, for a random direction u
                    double[] u = TestNetworks.randomRows(rnd, 1, n1);
                    double t = 1e-5;
                    double[] plus = xr.clone();
                    double[] minus = xr.clone();
                    for (int j = 0; j < n1; j++) {
                        plus[j] += t * u[j];
                        minus[j] -= t * u[j];
                    }
                    double fd = (seeded(net, plus, seeds, r * nL) - seeded(net, minus, seeds, r * nL)) / (2 * t);
                    double dot = 0;
                    double size = 0;
                    for (int j = 0; j < n1; j++) {
                        dot += g[r * n1 + j] * u[j];
                        size += Math.abs(g[r * n1 + j] * u[j]);
                    }
                    assertEquals(fd, dot, tolerance(impl) * Math.max(size, 1e-9), what + " directional derivative");
                }
            }
        }
    }

    /** v = e_k through the seed path gives what the one-output path gives for k. */
    @Test
    void theUnitSeedIsTheOneOutputGradient() {
        Random rnd = new Random(12);
        Network net = TestNetworks.random(rnd, new int[] {9, 31, 6}, Activation.TANH, Activation.SIGMOID);
        int rows = 37;
        double[] x = TestNetworks.randomRows(rnd, rows, 9);
        for (String impl : everyKernel()) {
            for (int k = 0; k < 6; k++) {
                double[] e = new double[6];
                e[k] = 1;
                double[] ys = new double[rows * 6];
                double[] gs = new double[rows * 9];
                GradientKernel.using(impl, net, 0, rows).computeFromSeed(x, 0, rows, e, 0, 0, ys, 0, gs, 0);
                double[] y = new double[rows];
                double[] g = new double[rows * 9];
                GradientKernel.using(impl, net, k, rows).compute(x, 0, rows, y, 0, g, 0);
                for (int r = 0; r < rows; r++) {
                    assertEquals(y[r], ys[r * 6 + k], 1e-15 * Math.abs(y[r]), impl + " output " + k);
                }
                for (int i = 0; i < g.length; i++) {
                    assertEquals(g[i], gs[i], 1e-14 * Math.max(1e-3, Math.abs(g[i])), impl + " k=" + k + " entry " + i);
                }
            }
        }
    }

    @Test
    void theJacobianMatchesPerOutputRunsAndFiniteDifferences() {
        Random rnd = new Random(13);
        for (int[] shape : SHAPES) {
            Network net = TestNetworks.random(rnd, shape, SMOOTH);
            int n1 = shape[0];
            int nL = net.outputWidth();
            for (int rows : new int[] {1, 7, 103}) {
                double[] x = TestNetworks.randomRows(rnd, rows, n1);
                for (String impl : everyKernel()) {
                    double[] y = new double[1 + rows * nL];
                    double[] jac = new double[4 + rows * nL * n1];
                    GradientKernel.using(impl, net, 0, rows).computeJacobian(x, 0, rows, y, 1, jac, 4);
                    double[] yk = new double[rows];
                    double[] gk = new double[rows * n1];
                    for (int k = 0; k < nL; k++) {
                        GradientKernel.using(impl, net, k, rows).compute(x, 0, rows, yk, 0, gk, 0);
                        for (int r = 0; r < rows; r++) {
                            String what = impl + " " + net.shape() + " rows " + rows + " row " + r + " output " + k;
                            assertEquals(yk[r], y[1 + r * nL + k], 1e-14 * Math.max(1, Math.abs(yk[r])), what);
                            for (int j = 0; j < n1; j++) {
                                double e = gk[r * n1 + j];
                                assertEquals(e, jac[4 + (r * nL + k) * n1 + j], 1e-13 * Math.max(1e-3, Math.abs(e)),
                                        what + " dim " + j);
                            }
                        }
                    }
                    for (int r = 0; r < Math.min(rows, 9); r++) {
                        double[] xr = TestNetworks.row(x, r, n1);
                        for (int k = 0; k < nL; k++) {
                            double[] ek = new double[nL];
                            ek[k] = 1;
                            closeToScale(finiteDifference(net, xr, ek, 0), jac, 4 + (r * nL + k) * n1, tolerance(impl),
                                    impl + " " + net.shape() + " Jacobian row " + r + " output " + k);
                        }
                    }
                }
            }
        }
    }

    /**
     * Model [1, 2], sigmoid, W = (1, −1)ᵀ, b = 0: a = (σ(x), σ(−x)), Jacobian (σ'(x), −σ'(x)),
     * and with v = (1, 2) the gradient −σ'(x). At x = −110 and −390 σ' is below float's range:
     * float32 hands those rows to float64, in every pass, and counts them.
     */
    @Test
    void float32KeepsSaturatedRowsInTheSeedAndJacobianPasses() {
        Network net = Network.of(List.of(new Network.Layer(new double[][] {{1}, {-1}}, new double[] {0, 0},
                Activation.SIGMOID)));
        double[] xs = {-390, -110, 0.5, 5};
        double[] v = {1, 2};
        for (String impl : everyKernel()) {
            BlockKernel kernel = GradientKernel.using(impl, net, 0, 4);
            double[] y = new double[8];
            double[] g = new double[4];
            double[] jac = new double[8];
            kernel.computeFromSeed(xs, 0, 4, v, 0, 0, y, 0, g, 0);
            long afterSeed = kernel.rowsRecomputed();
            kernel.computeJacobian(xs, 0, 4, y, 0, jac, 0);
            for (int r = 0; r < 4; r++) {
                double e = Math.exp(-Math.abs(xs[r]));
                double slope = e / ((1 + e) * (1 + e));
                double value = xs[r] >= 0 ? 1 / (1 + e) : e / (1 + e);
                assertEquals(value, y[2 * r], 1e-6 * value, impl + " output at " + xs[r]);
                assertEquals(-slope, g[r], 1e-6 * slope, impl + " seeded gradient at " + xs[r]);
                assertEquals(slope, jac[2 * r], 1e-6 * slope, impl + " Jacobian (0) at " + xs[r]);
                assertEquals(-slope, jac[2 * r + 1], 1e-6 * slope, impl + " Jacobian (1) at " + xs[r]);
            }
            boolean f32 = impl.endsWith("-f32");
            assertEquals(f32 ? 2 : 0, afterSeed, impl + ": rows recomputed by the seed pass");
            assertEquals(f32 ? 4 : 0, kernel.rowsRecomputed(), impl + ": rows recomputed by both passes");
        }
    }

    /** The per-row seeds of the rows float32 recomputes go with them to float64. */
    @Test
    void float32RecomputesWithEachRowsOwnSeed() {
        Network net = Network.of(List.of(new Network.Layer(new double[][] {{1}, {-1}}, new double[] {0, 0},
                Activation.SIGMOID)));
        double[] xs = {0.5, -110, 2, -390, -1};
        double[] seeds = {1, 0, 3, -1, 0.5, 0.25, -2, 4, 1, 3};
        BlockKernel kernel = GradientKernel.using("plain-f32", net, 0, 8);
        double[] y = new double[10];
        double[] g = new double[5];
        kernel.computeFromSeed(xs, 0, 5, seeds, 0, 2, y, 0, g, 0);
        for (int r = 0; r < 5; r++) {
            double e = Math.exp(-Math.abs(xs[r]));
            double slope = e / ((1 + e) * (1 + e));
            double expected = slope * (seeds[2 * r] - seeds[2 * r + 1]);
            assertEquals(expected, g[r], 1e-6 * Math.abs(expected), "row " + r);
        }
        assertEquals(2, kernel.rowsRecomputed());
    }

    @Test
    void refusesABadSeedLayoutAndShortArrays() {
        Network net = TestNetworks.random(new Random(1), new int[] {2, 3, 3}, Activation.TANH);
        BlockKernel kernel = new GradientKernel(net, 0, 4);
        double[] x = new double[8];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> kernel.computeFromSeed(x, 0, 4, new double[12], 0, 2, new double[12], 0, new double[8], 0));
        assertEquals("seed stride 2: it is 0 (one seed for the block) or 3 (one seed of nL entries per row)",
                e.getMessage());
        assertThrows(IndexOutOfBoundsException.class,
                () -> kernel.computeFromSeed(x, 0, 4, new double[11], 0, 3, new double[12], 0, new double[8], 0));
        assertThrows(IndexOutOfBoundsException.class,
                () -> kernel.computeFromSeed(x, 0, 4, new double[3], 1, 0, new double[12], 0, new double[8], 0));
        // outputs are rows × nL in the seed and Jacobian passes, the Jacobian rows × nL × n1
        assertThrows(IndexOutOfBoundsException.class,
                () -> kernel.computeFromSeed(x, 0, 4, new double[3], 0, 0, new double[11], 0, new double[8], 0));
        assertThrows(IndexOutOfBoundsException.class,
                () -> kernel.computeJacobian(x, 0, 4, new double[12], 0, new double[23], 0));
        e = assertThrows(IllegalArgumentException.class,
                () -> kernel.computeJacobian(new double[10], 0, 5, new double[15], 0, new double[30], 0));
        assertEquals("block of 5 rows, this kernel takes 0..4", e.getMessage());
        double[] out = {42};
        kernel.computeJacobian(new double[0], 0, 0, out, 0, new double[0], 0);
        assertEquals(42, out[0]);
    }

    /** After a warm-up, no entry allocates (the float64 kernels; float32 allocates its fallback once). */
    @Test
    void theEntriesAllocateNothing() throws Exception {
        // in a JVM of its own, as an executor runs the kernel: C2's inlining decisions (a vector
        // crossing a call that is not inlined is boxed) depend on what else the JVM compiled before
        String out = ActivationDeterminismTest.run(List.of("--add-modules", "jdk.incubator.vector", "-Xmx512m"),
                Allocations.class.getName());
        List<String> lines = out.lines().filter(l -> l.startsWith("allocated ")).toList();
        assertEquals(everyKernel().size(), lines.size(), out);
        for (String line : lines) {
            assertTrue(line.endsWith(" 0"), "bytes allocated in 400 blocks, still after 200 rounds: " + line);
        }
    }

    /** Runs every kernel's four entries until a round of 100 allocates nothing; prints each kernel's last round. */
    public static final class Allocations {
        public static void main(String[] args) {
            Random rnd = new Random(14);
            Network net = TestNetworks.random(rnd, new int[] {16, 32, 32, 3}, Activation.TANH, Activation.SIGMOID);
            int rows = 64;
            double[] x = TestNetworks.randomRows(rnd, rows, 16);
            double[] seeds = TestNetworks.randomRows(rnd, rows, 3);
            double[] y = new double[rows * 3];
            double[] g = new double[rows * 3 * 16];
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            for (String impl : everyKernel()) {
                BlockKernel kernel = GradientKernel.using(impl, net, 1, rows);
                Runnable all = () -> {
                    kernel.compute(x, 0, rows, y, 0, g, 0);
                    kernel.computeFromSeed(x, 0, rows, seeds, 0, 0, y, 0, g, 0);
                    kernel.computeFromSeed(x, 0, rows, seeds, 0, 3, y, 0, g, 0);
                    kernel.computeJacobian(x, 0, rows, y, 0, g, 0);
                };
                // steady state: the Vector API allocates until the JIT has compiled its intrinsics
                long id = Thread.currentThread().getId();
                long allocated = Long.MAX_VALUE;
                for (int round = 0; round < 200 && allocated > 0; round++) {
                    long before = threads.getThreadAllocatedBytes(id);
                    for (int i = 0; i < 100; i++) {
                        all.run();
                    }
                    allocated = threads.getThreadAllocatedBytes(id) - before;
                }
                System.out.println("allocated " + impl + " " + allocated);
            }
        }
    }
}
