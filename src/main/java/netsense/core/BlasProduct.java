package netsense.core;

import dev.ludovic.netlib.blas.BLAS;

/**
 * {@link MatrixProduct} as one BLAS dgemm. Row-major {@code C(m × cols) += W(m × n)·A(n × cols)}
 * is, read column-major, {@code Cᵀ(cols × m) += Aᵀ(cols × n)·Wᵀ(n × m)}: dgemm("N", "N") on the
 * same arrays, no copies. A start from 0 is dgemm's β = 0; the biases are filled in first and
 * the factor S applied after.
 */
final class BlasProduct extends MatrixProduct {
    private final BLAS blas;

    BlasProduct(BLAS blas) {
        this.blas = blas;
    }

    @Override
    void multiply(double[] w, int wOff, int m, int n, double[] a, int aOff, int cols, double[] c, int cOff,
                  boolean accumulate, double[] b, int bOff, double[] s) {
        boolean zero = !accumulate && b == null;
        if (!zero) {
            start(m, cols, c, cOff, accumulate, b, bOff);
        }
        blas.dgemm("N", "N", cols, m, n, 1.0, a, aOff, cols, w, wOff, n, zero ? 0.0 : 1.0, c, cOff, cols);
        scale(c, cOff, m * cols, s);
    }

    @Override
    String name() {
        return "BLAS dgemm (" + blas.getClass().getSimpleName() + ")";
    }
}
