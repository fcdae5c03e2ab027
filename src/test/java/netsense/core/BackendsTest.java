package netsense.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every implementation the kernel can run agrees with the plain one and with a naive product. */
class BackendsTest {

    static List<MatrixProduct> products() {
        List<MatrixProduct> p = new ArrayList<>(List.of(new PlainProduct(), new VectorProduct()));
        MatrixProduct nat = Backends.nativeBlas();
        if (nat != null) {
            p.add(nat);
        }
        return p;
    }

    @Test
    void theVectorApiIsPresentInTheTestJvm() {
        // the surefire argLine adds jdk.incubator.vector, as Spark does for its JVMs
        assertTrue(Backends.vectorAvailable());
        assertTrue(GradientKernel.backend().startsWith("products: JDK Vector API"), GradientKernel.backend());
    }

    /** Prints {@link GradientKernel#backend()}, for a child JVM. */
    public static final class BackendLine {
        public static void main(String[] args) {
            System.out.println(GradientKernel.backend());
        }
    }

    /** A JVM without the Vector API module says so, and what to add, in the line the job logs. */
    @Test
    void theFallbackSaysWhy() throws Exception {
        String line = ActivationDeterminismTest.run(List.of(), BackendLine.class.getName()).strip();
        assertTrue(line.startsWith("products: plain Java; activations: plain Java (the JDK Vector API is not available:"
                + " module jdk.incubator.vector not resolved (java.lang.NoClassDefFoundError: jdk/incubator/vector/"),
                line);
        assertTrue(line.contains("); add --add-modules jdk.incubator.vector); float32 products: plain Java"), line);
        String forced = ActivationDeterminismTest.run(List.of("--add-modules", "jdk.incubator.vector",
                "-Dnetsense.kernel=plain"), BackendLine.class.getName()).strip();
        assertTrue(forced.startsWith("products: plain Java; activations: plain Java (-Dnetsense.kernel=plain);"), forced);
        assertEquals(null, Backends.fallbackReason());
    }

    @Test
    void nativeBlasLoadsInCi() {
        // .ci/run installs OpenBLAS, so that CI checks the native path as well
        if ("true".equals(System.getenv("CI"))) {
            assertNotNull(Backends.nativeBlas(), "native BLAS did not load");
        }
    }

    /** Sizes with 1, odd and prime widths, blocks shorter than a vector and not multiples of it. */
    private static final int[][] SIZES = {{1, 1, 1}, {3, 2, 5}, {4, 7, 8}, {5, 3, 9}, {103, 67, 103}, {1, 103, 1024},
        {64, 64, 7}, {9, 1, 17}, {7, 3, 1}, {1, 32, 256}, {32, 1, 64}, {6, 5, 33}, {2, 9, 23}};

    @Test
    void productsMatchANaiveTripleLoop() {
        Random rnd = new Random(103);
        for (int[] size : SIZES) {
            int m = size[0];
            int n = size[1];
            int cols = size[2];
            double[] w = random(rnd, 3 + m * n);
            double[] a = random(rnd, 5 + n * cols);
            double[] c0 = random(rnd, 2 + m * cols);
            double[] bias = random(rnd, 4 + m);
            double[] s = random(rnd, 2 + m * cols);
            // each mode: what C starts from (C, the biases, 0) and whether S multiplies the result
            for (String mode : new String[] {"add", "add-scaled", "affine", "product", "product-scaled"}) {
                double[] expected = c0.clone();
                for (int i = 0; i < m; i++) {
                    for (int k = 0; k < cols; k++) {
                        int ci = 2 + i * cols + k;
                        double sum = mode.startsWith("add") ? c0[ci] : mode.equals("affine") ? bias[4 + i] : 0;
                        for (int j = 0; j < n; j++) {
                            sum += w[3 + i * n + j] * a[5 + j * cols + k];
                        }
                        expected[ci] = mode.endsWith("scaled") ? sum * s[ci] : sum;
                    }
                }
                for (MatrixProduct p : products()) {
                    double[] c = c0.clone();
                    switch (mode) {
                        case "add" -> p.multiplyAdd(w, 3, m, n, a, 5, cols, c, 2);
                        case "add-scaled" -> p.multiply(w, 3, m, n, a, 5, cols, c, 2, true, null, 0, s);
                        case "affine" -> p.affine(w, 3, m, n, a, 5, cols, c, 2, bias, 4);
                        case "product" -> p.product(w, 3, m, n, a, 5, cols, c, 2, null);
                        default -> p.product(w, 3, m, n, a, 5, cols, c, 2, s);
                    }
                    for (int i = 0; i < c.length; i++) {
                        assertEquals(expected[i], c[i], 1e-12 * Math.max(1, Math.abs(expected[i])),
                                p.name() + " " + mode + " " + m + "x" + n + "x" + cols + " at " + i);
                    }
                }
            }
        }
    }

    /**
     * The Vector API product gives an entry the same bits whatever the number of columns and the
     * column's place (in a whole tile, a clamped edge tile or the scalar tail): each column of a
     * wide product equals the same column computed alone, and the fused sum written out here.
     */
    @Test
    void theVectorProductsEntriesDoNotDependOnTheirColumnsPlace() {
        Random rnd = new Random(7);
        MatrixProduct v = new VectorProduct();
        for (int[] size : SIZES) {
            int m = size[0];
            int n = size[1];
            int cols = size[2];
            double[] w = random(rnd, m * n);
            double[] a = random(rnd, n * cols);
            double[] bias = random(rnd, m);
            double[] s = random(rnd, m * cols);
            double[] c = new double[m * cols];
            v.affine(w, 0, m, n, a, 0, cols, c, 0, bias, 0);
            double[] scaled = new double[m * cols];
            v.product(w, 0, m, n, a, 0, cols, scaled, 0, s);
            for (int k = 0; k < cols; k++) {
                double[] column = new double[n];
                double[] sColumn = new double[m];
                for (int j = 0; j < n; j++) {
                    column[j] = a[j * cols + k];
                }
                for (int i = 0; i < m; i++) {
                    sColumn[i] = s[i * cols + k];
                }
                double[] alone = new double[m];
                v.affine(w, 0, m, n, column, 0, 1, alone, 0, bias, 0);
                double[] aloneScaled = new double[m];
                v.product(w, 0, m, n, column, 0, 1, aloneScaled, 0, sColumn);
                for (int i = 0; i < m; i++) {
                    double fused = bias[i];
                    double fromZero = 0;
                    for (int j = 0; j < n; j++) {
                        fused = Math.fma(w[i * n + j], column[j], fused);
                        fromZero = Math.fma(w[i * n + j], column[j], fromZero);
                    }
                    String at = m + "x" + n + "x" + cols + " row " + i + " column " + k;
                    assertEquals(Double.doubleToRawLongBits(fused), Double.doubleToRawLongBits(c[i * cols + k]), at);
                    assertEquals(Double.doubleToRawLongBits(alone[i]), Double.doubleToRawLongBits(c[i * cols + k]), at);
                    assertEquals(Double.doubleToRawLongBits(fromZero * sColumn[i]),
                            Double.doubleToRawLongBits(scaled[i * cols + k]), at + " scaled");
                    assertEquals(Double.doubleToRawLongBits(aloneScaled[i]),
                            Double.doubleToRawLongBits(scaled[i * cols + k]), at + " scaled");
                }
            }
        }
    }

    static double[] random(Random rnd, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextGaussian();
        }
        return v;
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void vectorActivationsMatchTheScalarOnes(Activation a) {
        Random rnd = new Random(a.ordinal());
        int n = 1031;
        double[] z = new double[n];
        for (int i = 0; i < n; i++) {
            double scale = Math.pow(10, rnd.nextInt(9) - 6); // 1e-6 .. 1e2, across the series cut-off
            z[i] = rnd.nextGaussian() * scale;
        }
        z[0] = 0;
        z[1] = -1000;
        z[2] = 1000;
        z[3] = 0.0625;
        z[4] = -0.0625;
        double[] zs = z.clone();
        double[] ds = new double[n];
        a.apply(zs, ds, 0, n);
        double[] zv = z.clone();
        double[] dv = new double[n];
        VectorActivations.apply(a, zv, dv, 0, n);
        for (int i = 0; i < n; i++) {
            assertEquals(zs[i], zv[i], 2e-15 * Math.abs(zs[i]) + 1e-300, a + " value at " + z[i]);
            assertEquals(ds[i], dv[i], 2e-15 * Math.abs(ds[i]) + 1e-300, a + " derivative at " + z[i]);
        }
    }

    @Test
    void float32StaysWithinItsStatedAccuracyOfFloat64() {
        Random rnd = new Random(32);
        int[][] shapes = {{2, 2, 3, 1}, {16, 32, 32, 1}, {100, 256, 256, 1}, {7, 103, 65, 3}, {2, 2, 3, 1},
            {16, 32, 32, 1}, {1, 1}};
        double worst = 0;
        for (int s = 0; s < shapes.length; s++) {
            int[] shape = shapes[s];
            Network net = TestNetworks.random(rnd, shape, Activation.TANH, Activation.SIGMOID);
            int rows = 103;
            double[] x = TestNetworks.randomRows(rnd, rows, shape[0]);
            if (s >= 4) { // saturated: inputs up to ±400, so that σ' reaches 1e-170 and below float's range
                for (int i = 0; i < x.length; i++) {
                    x[i] *= 100;
                }
            }
            double[] y64 = new double[rows];
            double[] g64 = new double[rows * shape[0]];
            GradientKernel.using("plain", net, 0, rows).compute(x, 0, rows, y64, 0, g64, 0);
            List<String> impls = new ArrayList<>(List.of("plain-f32", "vector-f32"));
            if (FloatBackends.vectorWithNativeBlas() != null) {
                impls.add("native-f32");
            }
            for (String impl : impls) {
                double[] y = new double[rows];
                double[] g = new double[rows * shape[0]];
                GradientKernel.using(impl, net, 0, rows).compute(x, 0, rows, y, 0, g, 0);
                for (int r = 0; r < rows; r++) {
                    assertEquals(y64[r], y[r], 1e-5 * Math.max(1, Math.abs(y64[r])), impl + " output");
                    double scale = 0;
                    double err = 0;
                    for (int j = 0; j < shape[0]; j++) {
                        scale = Math.max(scale, Math.abs(g64[r * shape[0] + j]));
                        err = Math.max(err, Math.abs(g64[r * shape[0] + j] - g[r * shape[0] + j]));
                    }
                    double rel = scale == 0 ? (err == 0 ? 0 : Double.POSITIVE_INFINITY) : err / scale;
                    worst = Math.max(worst, rel);
                    assertTrue(rel <= 1e-4, impl + " " + net.shape() + " row " + r + ": " + rel);
                }
            }
        }
        System.err.printf("float32 kernel: largest error %.2e of the gradient's largest entry%n", worst);
    }

    @Test
    void everyBackendAgreesOnRandomNetworksAndBlocks() {
        Random rnd = new Random(12);
        int[][] shapes = {{2, 2, 3, 1}, {16, 32, 32, 1}, {7, 103, 65, 3}, {100, 70, 1}};
        Activation[] mix = {Activation.TANH, Activation.SIGMOID, Activation.SOFTPLUS, Activation.RELU};
        for (int[] shape : shapes) {
            Network net = TestNetworks.random(rnd, shape, mix);
            for (int rows : new int[] {1, 7, 103, 256}) {
                double[] x = TestNetworks.randomRows(rnd, rows, shape[0]);
                int k = net.outputWidth() - 1;
                double[] y0 = new double[rows];
                double[] g0 = new double[rows * shape[0]];
                GradientKernel.using("plain", net, k, rows).compute(x, 0, rows, y0, 0, g0, 0);
                List<String> names = new ArrayList<>(List.of("vector"));
                if (Backends.vectorWithNativeBlas() != null) {
                    names.add("native");
                }
                for (String impl : names) {
                    double[] y = new double[rows];
                    double[] g = new double[rows * shape[0]];
                    BlockKernel kernel = GradientKernel.using(impl, net, k, rows);
                    assertNotNull(kernel);
                    kernel.compute(x, 0, rows, y, 0, g, 0);
                    for (int i = 0; i < rows; i++) {
                        assertEquals(y0[i], y[i], 1e-12 * Math.max(1, Math.abs(y0[i])), impl + " output");
                    }
                    for (int i = 0; i < g.length; i++) {
                        assertEquals(g0[i], g[i], 1e-12 * Math.max(1e-3, Math.abs(g0[i])),
                                impl + " " + net.shape() + " rows " + rows + " entry " + i);
                    }
                }
            }
        }
    }

    static List<String> everyKernel() {
        List<String> impls = new ArrayList<>(List.of("plain", "vector", "plain-f32", "vector-f32"));
        if (Backends.vectorWithNativeBlas() != null) {
            impls.addAll(List.of("native", "native-f32"));
        }
        return impls;
    }

    /**
     * An intermediate ∞ − ∞ gives NaN, which every activation carries on in every kernel: a NaN
     * output or gradient (a rejected row), never an accepted finite one. Model [1, 2, 1]: the
     * hidden identity layer turns x = 1e308 into (+∞, −∞), the output layer adds them.
     */
    @ParameterizedTest
    @EnumSource(Activation.class)
    void nanFromInfinityMinusInfinityReachesTheResultInEveryKernel(Activation a) {
        Network net = Network.of(List.of(
                new Network.Layer(new double[][] {{10}, {-10}}, new double[] {0, 0}, Activation.IDENTITY),
                new Network.Layer(new double[][] {{1, 1}}, new double[] {0}, a)));
        for (String impl : everyKernel()) {
            double[] y = new double[2];
            double[] g = new double[2];
            GradientKernel.using(impl, net, 0, 2).compute(new double[] {1e308, 0.5}, 0, 2, y, 0, g, 0);
            assertTrue(Double.isNaN(y[0]), a + " " + impl + ": output " + y[0]);
            assertTrue(Double.isNaN(g[0]), a + " " + impl + ": gradient " + g[0]);
            assertTrue(Double.isFinite(y[1]) && Double.isFinite(g[1]), a + " " + impl + ": the good row");
        }
    }

    static List<String> float32Kernels() {
        List<String> impls = new ArrayList<>(List.of("plain-f32", "vector-f32"));
        if (FloatBackends.vectorWithNativeBlas() != null) {
            impls.add("native-f32");
        }
        return impls;
    }

    /** Model [1, 1], sigmoid, w = 1, b = 0: σ(x) and σ'(x) = e^−|x| / (1 + e^−|x|)² by hand. */
    static final double[] SATURATED_X = {-390, -110, -60, 0.5, 5, 3e38, 1e39, -1e39};

    static Network oneSigmoid() {
        return Network.of(List.of(new Network.Layer(new double[][] {{1}}, new double[] {0}, Activation.SIGMOID)));
    }

    /**
     * float32 gives what float64 gives on a saturated sigmoid, an input beyond float's range and
     * σ' below float's least subnormal (σ'(−110) = 1.7e-48): the hand-derived values to 1e-6.
     */
    @Test
    void float32KeepsSaturatedAndOutOfRangeRows() {
        Network net = oneSigmoid();
        int rows = SATURATED_X.length;
        for (String impl : float32Kernels()) {
            double[] y = new double[rows];
            double[] g = new double[rows];
            GradientKernel.using(impl, net, 0, rows).compute(SATURATED_X, 0, rows, y, 0, g, 0);
            for (int r = 0; r < rows; r++) {
                double x = SATURATED_X[r];
                double e = Math.exp(-Math.abs(x));
                double value = x >= 0 ? 1 / (1 + e) : e / (1 + e);
                double slope = e / ((1 + e) * (1 + e));
                assertEquals(value, y[r], 1e-6 * value, impl + " output at " + x);
                assertEquals(slope, g[r], 1e-6 * slope, impl + " gradient at " + x);
            }
        }
    }

    /** The rows handed to float64 are counted: those that left float's range, and only those. */
    @Test
    void float32CountsTheRowsItRecomputes() {
        for (String impl : float32Kernels()) {
            BlockKernel k = GradientKernel.using(impl, oneSigmoid(), 0, 16);
            double[] y = new double[16];
            double[] g = new double[16];
            k.compute(SATURATED_X, 0, SATURATED_X.length, y, 0, g, 0);
            // −390, −110: σ' is 0 in float; 3e38: the gradient is exactly 0; ±1e39: beyond float
            assertEquals(5, k.rowsRecomputed(), impl);
            k.compute(new double[] {0.1, -2, 7}, 0, 3, y, 0, g, 0);
            assertEquals(5, k.rowsRecomputed(), impl + ": ordinary rows stay in float32");
        }
        // weights outside float's range: every row in float64
        Network tiny = Network.of(List.of(new Network.Layer(new double[][] {{1e-50, 1}}, new double[] {0},
                Activation.IDENTITY)));
        BlockKernel k = GradientKernel.using("plain-f32", tiny, 0, 4);
        double[] g = new double[8];
        k.compute(new double[] {1, 2, 3, 4}, 0, 2, new double[2], 0, g, 0);
        assertEquals(1e-50, g[0], 0);
        assertEquals(2, k.rowsRecomputed());
        assertEquals(0, GradientKernel.using("plain", tiny, 0, 4).rowsRecomputed());
    }
}
