package netsense.core;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The kernel's moves between a row-major block and its feature-major workspaces on the JDK
 * Vector API: a vector of one feature for L consecutive rows is one gather from the rows (and
 * back, L features of one row one gather from the workspace), then a contiguous store. Copies
 * only: the bits are those of the scalar loops. Instances hold their index maps, so one kernel
 * (one thread) owns one.
 */
final class VectorTranspose {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private final int[] across = new int[L];
    private final int[] down = new int[L];
    private int acrossStride = -1;
    private int downStride = -1;

    /** {@code a[j·rows + r] = x[xOff + r·n + j]}, j &lt; n, r &lt; rows. */
    void toFeatureMajor(double[] x, int xOff, int n, int rows, double[] a) {
        int[] map = map(across, n, true);
        int r = 0;
        for (; r + L <= rows; r += L) {
            int from = xOff + r * n;
            for (int j = 0; j < n; j++) {
                DoubleVector.fromArray(S, x, from + j, map, 0).intoArray(a, j * rows + r);
            }
        }
        for (; r < rows; r++) {
            int from = xOff + r * n;
            for (int j = 0; j < n; j++) {
                a[j * rows + r] = x[from + j];
            }
        }
    }

    /** {@code dst[dstOff + r·stride + j] = a[j·rows + r]}, j &lt; m, r &lt; rows. */
    void toRowMajor(double[] a, int m, int rows, double[] dst, int dstOff, int stride) {
        int[] map = map(down, rows, false);
        int whole = m / L * L;
        for (int r = 0; r < rows; r++) {
            int to = dstOff + r * stride;
            for (int j = 0; j < whole; j += L) {
                DoubleVector.fromArray(S, a, j * rows + r, map, 0).intoArray(dst, to + j);
            }
            for (int j = whole; j < m; j++) {
                dst[to + j] = a[j * rows + r];
            }
        }
    }

    /** {0, stride, 2·stride, …}, rebuilt only when the stride changes. */
    private int[] map(int[] map, int stride, boolean first) {
        if (stride != (first ? acrossStride : downStride)) {
            for (int i = 0; i < L; i++) {
                map[i] = i * stride;
            }
            if (first) {
                acrossStride = stride;
            } else {
                downStride = stride;
            }
        }
        return map;
    }
}
