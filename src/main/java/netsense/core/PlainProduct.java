package netsense.core;

/** {@link MatrixProduct} in plain loops: the reference, and the fallback without the Vector API. */
final class PlainProduct extends MatrixProduct {
    @Override
    void multiply(double[] w, int wOff, int m, int n, double[] a, int aOff, int cols, double[] c, int cOff,
                  boolean accumulate, double[] b, int bOff, double[] s) {
        start(m, cols, c, cOff, accumulate, b, bOff);
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * cols;
            for (int j = 0; j < n; j++) {
                double wij = w[wOff + i * n + j];
                int aj = aOff + j * cols;
                for (int k = 0; k < cols; k++) {
                    c[ci + k] += wij * a[aj + k];
                }
            }
        }
        scale(c, cOff, m * cols, s);
    }

    @Override
    String name() {
        return "plain Java";
    }
}
