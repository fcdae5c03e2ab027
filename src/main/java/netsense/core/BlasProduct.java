package netsense.core;

import dev.ludovic.netlib.blas.BLAS;

/**
 * {@link MatrixProduct} as one BLAS dgemm. Row-major {@code C(m × cols) += W(m × n)·A(n × cols)}
 * is, read column-major, {@code Cᵀ(cols × m) += Aᵀ(cols × n)·Wᵀ(n × m)}: dgemm("N", "N") on the
 * same arrays, no copies.
 */
final class BlasProduct extends MatrixProduct {
    private final BLAS blas;

    BlasProduct(BLAS blas) {
        this.blas = blas;
    }

    @Override
    void multiplyAdd(double[] w, int wOff, int m, int n, double[] a, int aOff, int cols, double[] c, int cOff) {
        blas.dgemm("N", "N", cols, m, n, 1.0, a, aOff, cols, w, wOff, n, 1.0, c, cOff, cols);
    }

    @Override
    String name() {
        return "BLAS dgemm (" + blas.getClass().getSimpleName() + ")";
    }
}
