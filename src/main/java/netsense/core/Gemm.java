package netsense.core;

/**
 * The one product the kernel is made of, on row-major arrays given as (array, offset):
 * {@code C += M·A}, where M is a small matrix of weights and A and C hold one row per neuron
 * and one column per input row of the block ("feature-major"), so that every inner loop runs
 * along a whole block row. Callers check bounds once per block; these loops check nothing
 * and allocate nothing.
 */
final class Gemm {
    /** Columns of A and C handled at a time, so that the rows being combined stay in L1/L2. */
    static final int TILE = 256;

    private Gemm() {}

    /**
     * {@code C[i][c] += Σ_j M[i][j]·A[j][c]} for {@code i < m}, {@code j < n}, {@code c < cols}:
     * M is {@code m × n} row-major from {@code mOff}; A and C are arrays of rows (one array per
     * neuron, one entry per input row of the block). Separate arrays per row matter: the JIT
     * vectorises a loop over several arrays at one index, not over one array at several
     * offsets. Four rows of A are combined per pass over a row of C, which quarters the loads
     * and stores of C.
     *
     * @param w Not modified. @param a Not modified. @param c Modified; no row of c may be a row of a.
     */
    static void accumulate(double[] w, int mOff, int m, int n, double[][] a, int cols, double[][] c) {
        for (int t0 = 0; t0 < cols; t0 += TILE) {
            int t1 = Math.min(cols, t0 + TILE);
            for (int i = 0; i < m; i++) {
                double[] ci = c[i];
                int wi = mOff + i * n;
                int j = 0;
                for (; j + 3 < n; j += 4) {
                    double w0 = w[wi + j];
                    double w1 = w[wi + j + 1];
                    double w2 = w[wi + j + 2];
                    double w3 = w[wi + j + 3];
                    double[] a0 = a[j];
                    double[] a1 = a[j + 1];
                    double[] a2 = a[j + 2];
                    double[] a3 = a[j + 3];
                    for (int k = t0; k < t1; k++) {
                        ci[k] += w0 * a0[k] + w1 * a1[k] + w2 * a2[k] + w3 * a3[k];
                    }
                }
                for (; j < n; j++) {
                    double w0 = w[wi + j];
                    double[] a0 = a[j];
                    for (int k = t0; k < t1; k++) {
                        ci[k] += w0 * a0[k];
                    }
                }
            }
        }
    }

    /** Row-major {@code rows × cols} from {@code src} into the rows of {@code dst} ({@code cols × rows}). */
    static void transposeIn(double[] src, int srcOff, int rows, int cols, double[][] dst) {
        for (int r = 0; r < rows; r++) {
            int s = srcOff + r * cols;
            for (int c = 0; c < cols; c++) {
                dst[c][r] = src[s + c];
            }
        }
    }

    /** The rows of {@code src} ({@code cols × rows}) into row-major {@code rows × cols} at {@code dst}. */
    static void transposeOut(double[][] src, int rows, int cols, double[] dst, int dstOff) {
        for (int r = 0; r < rows; r++) {
            int d = dstOff + r * cols;
            for (int c = 0; c < cols; c++) {
                dst[d + c] = src[c][r];
            }
        }
    }
}
