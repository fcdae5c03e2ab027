package netsense.core;

/**
 * The float32 counterparts of {@link Backends}: {@code C += W·A} on float arrays — plain loops,
 * the JDK Vector API, or native BLAS sgemm for wide layers — and activations computed on float
 * vectors. Chosen once per JVM, with the same system properties as {@link Backends}.
 */
final class FloatBackends {
    private FloatBackends() {}

    /** {@code C += W·A}, float32, same layout as {@link MatrixProduct}. */
    abstract static class Product {
        abstract void multiplyAdd(float[] w, int wOff, int m, int n, float[] a, int aOff, int cols, float[] c, int cOff);

        abstract String name();
    }

    static final class Plain extends Product {
        @Override
        void multiplyAdd(float[] w, int wOff, int m, int n, float[] a, int aOff, int cols, float[] c, int cOff) {
            for (int i = 0; i < m; i++) {
                int ci = cOff + i * cols;
                for (int j = 0; j < n; j++) {
                    float wij = w[wOff + i * n + j];
                    int aj = aOff + j * cols;
                    for (int k = 0; k < cols; k++) {
                        c[ci + k] += wij * a[aj + k];
                    }
                }
            }
        }

        @Override
        String name() {
            return "plain Java (float32)";
        }
    }

    static final class Blas extends Product {
        private final dev.ludovic.netlib.blas.BLAS blas;

        Blas(dev.ludovic.netlib.blas.BLAS blas) {
            this.blas = blas;
        }

        @Override
        void multiplyAdd(float[] w, int wOff, int m, int n, float[] a, int aOff, int cols, float[] c, int cOff) {
            blas.sgemm("N", "N", cols, m, n, 1.0f, a, aOff, cols, w, wOff, n, 1.0f, c, cOff, cols);
        }

        @Override
        String name() {
            return "BLAS sgemm (" + blas.getClass().getSimpleName() + ")";
        }
    }

    /** Products and activations for float32. */
    record Backend(Product product, Product wide, long wideFrom, boolean vector) {
        Product forLayer(int m, int n) {
            return (long) m * n >= wideFrom ? wide : product;
        }

        String describe() {
            return "float32 products: " + product.name() + (wide == product ? ""
                    : "; layers of " + wideFrom + "+ weights: " + wide.name());
        }
    }

    static final Backend PLAIN = plain();
    static final Backend DEFAULT = choose();

    private static Backend plain() {
        Plain p = new Plain();
        return new Backend(p, p, Long.MAX_VALUE, false);
    }

    static Backend vector() {
        VectorFloatProduct v = new VectorFloatProduct();
        return new Backend(v, v, Long.MAX_VALUE, true);
    }

    static Backend vectorWithNativeBlas() {
        dev.ludovic.netlib.blas.BLAS blas = Backends.vectorAvailable() ? NativeBlas.instance() : null;
        return blas == null ? null : new Backend(new VectorFloatProduct(), new Blas(blas), Backends.NATIVE_FROM, true);
    }

    private static Backend choose() {
        if (!Backends.vectorWanted()) {
            return PLAIN;
        }
        Backend b = Backends.nativeWanted() ? vectorWithNativeBlas() : null;
        return b != null ? b : vector();
    }
}
