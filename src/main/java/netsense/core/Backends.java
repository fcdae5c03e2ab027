package netsense.core;

import java.util.Locale;

/**
 * Which implementations the kernel runs, chosen once per JVM: the JDK Vector API when the
 * {@code jdk.incubator.vector} module is present (Spark adds it to every JVM it starts), plain
 * Java loops otherwise; and for the products of wide layers, native BLAS (OpenBLAS or another
 * libblas.so.3, through Spark's bundled dev.ludovic.netlib) when it loads.
 *
 * <p>System properties override the choice: {@code netsense.kernel=auto|vector|plain} and
 * {@code netsense.blas=auto|off}.
 */
final class Backends {
    /** A set of implementations. {@code wide} serves layers of at least {@code wideFrom} weights. */
    record Backend(MatrixProduct product, MatrixProduct wide, long wideFrom, boolean vectorActivations) {
        MatrixProduct forLayer(int m, int n) {
            return (long) m * n >= wideFrom ? wide : product;
        }

        /**
         * σ and σ' of {@code z[from..to)}. An infinite pre-activation is an overflow of W·a + b,
         * not a limit (its true value may be anything, ∞ − ∞ or fused: 0): it becomes NaN, so that
         * its row ends as a bad row rather than with a saturated, wrong figure.
         */
        void activate(Activation a, double alpha, double[] z, double[] d, int from, int to) {
            if (vectorActivations) {
                VectorActivations.overflowToNaN(z, from, to);
                VectorActivations.apply(a, alpha, z, d, from, to);
            } else {
                for (int i = from; i < to; i++) {
                    if (Double.isInfinite(z[i])) {
                        z[i] = Double.NaN;
                    }
                }
                a.apply(z, d, from, to, alpha);
            }
        }

        String describe() {
            return "products: " + product.name() + (wide == product ? ""
                    : "; layers of " + wideFrom + "+ weights: " + wide.name())
                    + "; activations: " + (vectorActivations ? "JDK Vector API" : "plain Java");
        }
    }

    /** Layers with at least this many weights go to native BLAS, where the call costs little. */
    static final long NATIVE_FROM = 64 * 64;

    /** Why the Vector API does not run in this JVM, or null when it does. */
    private static final String VECTOR_PROBLEM = probeVector();
    static final Backend PLAIN = plain();
    static final Backend DEFAULT = choose();

    private Backends() {}

    private static Backend plain() {
        PlainProduct p = new PlainProduct();
        return new Backend(p, p, Long.MAX_VALUE, false);
    }

    static Backend vector() {
        VectorProduct v = new VectorProduct();
        return new Backend(v, v, Long.MAX_VALUE, true);
    }

    /** Vector API plus native BLAS for wide layers; null when either is missing. */
    static Backend vectorWithNativeBlas() {
        MatrixProduct nat = nativeBlas();
        return nat == null || !vectorAvailable() ? null : new Backend(new VectorProduct(), nat, NATIVE_FROM, true);
    }

    static boolean vectorAvailable() {
        return VECTOR_PROBLEM == null;
    }

    private static String probeVector() {
        try {
            new VectorProduct().name();
            return null;
        } catch (LinkageError e) {
            String module = "jdk.incubator.vector";
            return "the JDK Vector API is not available: " + (ModuleLayer.boot().findModule(module).isEmpty()
                    ? "module " + module + " not resolved (" + e + "); add --add-modules " + module
                    : e.toString());
        }
    }

    /**
     * Why {@link #DEFAULT} runs plain Java loops — the system property or what kept the Vector
     * API from loading — or null when it does not.
     */
    static String fallbackReason() {
        if (DEFAULT != PLAIN) {
            return null;
        }
        return VECTOR_PROBLEM != null ? VECTOR_PROBLEM : "-Dnetsense.kernel=plain";
    }

    /** Native BLAS, or null: {@link NativeBlas#status()} says why. */
    static MatrixProduct nativeBlas() {
        dev.ludovic.netlib.blas.BLAS blas = NativeBlas.instance();
        return blas == null ? null : new BlasProduct(blas);
    }

    /** What the system properties and this JVM allow: the Vector API, and native BLAS beside it. */
    static boolean vectorWanted() {
        return !System.getProperty("netsense.kernel", "auto").toLowerCase(Locale.ROOT).equals("plain")
                && vectorAvailable();
    }

    static boolean nativeWanted() {
        return !System.getProperty("netsense.blas", "auto").toLowerCase(Locale.ROOT).equals("off");
    }

    private static Backend choose() {
        if (!vectorWanted()) {
            return PLAIN;
        }
        Backend b = nativeWanted() ? vectorWithNativeBlas() : null;
        return b != null ? b : vector();
    }
}
