package netsense.core;

/**
 * The two products the kernel is made of, on row-major arrays given as (array, offset) with
 * the row length as leading dimension. Callers check bounds once per block; these loops
 * check nothing and allocate nothing.
 */
final class Gemm {
    private Gemm() {}

    /**
     * {@code C += A·B}: A is {@code rows × inner}, B is {@code inner × cols}, C is
     * {@code rows × cols}, all row-major and dense. The innermost loop runs along a row of B
     * and a row of C (an axpy), which the JIT vectorises.
     *
     * @param a Not modified. @param b Not modified. @param c Modified; must not alias a or b.
     */
    static void multiplyAdd(double[] a, int aOff, int rows, int inner,
                            double[] b, int bOff, int cols, double[] c, int cOff) {
        for (int r = 0; r < rows; r++) {
            int cRow = cOff + r * cols;
            int aRow = aOff + r * inner;
            for (int j = 0; j < inner; j++) {
                double s = a[aRow + j];
                if (s == 0.0) {
                    continue; // relu zeros and saturated slopes add nothing
                }
                int bRow = bOff + j * cols;
                for (int i = 0; i < cols; i++) {
                    c[cRow + i] += s * b[bRow + i];
                }
            }
        }
    }

    /** {@code Σ_j x[xOff + j]·y[yOff + j]} for {@code j < n}. Not modified: x, y. */
    static double dot(double[] x, int xOff, double[] y, int yOff, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int j = 0;
        for (; j + 3 < n; j += 4) {
            s0 += x[xOff + j] * y[yOff + j];
            s1 += x[xOff + j + 1] * y[yOff + j + 1];
            s2 += x[xOff + j + 2] * y[yOff + j + 2];
            s3 += x[xOff + j + 3] * y[yOff + j + 3];
        }
        for (; j < n; j++) {
            s0 += x[xOff + j] * y[yOff + j];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
