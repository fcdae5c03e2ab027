package netsense.core;

/**
 * {@code C = (C₀ + W·A) ⊙ S}, the one product the kernel is made of. All are dense row-major
 * arrays given as (array, offset): W is {@code m × n} (weights), A is {@code n × cols} and C is
 * {@code m × cols}, A and C with leading dimension {@code cols} — one row per neuron, one
 * column per input row of the block. C₀, what C starts from, is C itself ({@link #multiplyAdd}),
 * a value per row ({@link #affine}: the biases) or 0 ({@link #product}); S, when given, has C's
 * layout and multiplies the result entry by entry (σ' in the backward pass). Callers check
 * bounds once per block; implementations check nothing and allocate nothing. C must not
 * overlap W, A or S.
 *
 * <p>Implementations: {@link PlainProduct} (plain loops, always there), {@link VectorProduct}
 * (the JDK Vector API, register-blocked) and {@link BlasProduct} (native BLAS dgemm through
 * Spark's bundled dev.ludovic.netlib). {@link Backends} picks among them. The Vector API's
 * entries are, for every implementation of the same kind, the same bits whatever {@code cols}
 * and the column's place: see {@link VectorProduct}.
 */
abstract class MatrixProduct {
    /**
     * The product, entry by entry: {@code c_ik = (c⁰_ik + Σ_j w_ij·a_jk) · s_ik}, where
     * {@code c⁰_ik} is C's own entry when {@code accumulate}, else {@code b[bOff + i]} (0 when
     * {@code b} is null), and the factor {@code s_ik} is 1 when {@code s} is null.
     *
     * @param c Modified: m × cols from {@code cOff}
     * @param s Not modified: m × cols from {@code cOff} (C's layout), or null
     */
    abstract void multiply(double[] w, int wOff, int m, int n, double[] a, int aOff, int cols, double[] c, int cOff,
                           boolean accumulate, double[] b, int bOff, double[] s);

    /** {@code C += W·A}. */
    final void multiplyAdd(double[] w, int wOff, int m, int n, double[] a, int aOff, int cols, double[] c, int cOff) {
        multiply(w, wOff, m, n, a, aOff, cols, c, cOff, true, null, 0, null);
    }

    /** {@code C = b + W·A}, {@code b[bOff + i]} along row i (a layer's pre-activations). */
    final void affine(double[] w, int wOff, int m, int n, double[] a, int aOff, int cols, double[] c, int cOff,
                      double[] b, int bOff) {
        multiply(w, wOff, m, n, a, aOff, cols, c, cOff, false, b, bOff, null);
    }

    /** {@code C = (W·A) ⊙ S}, or {@code C = W·A} when {@code s} is null (the backward step). */
    final void product(double[] w, int wOff, int m, int n, double[] a, int aOff, int cols, double[] c, int cOff,
                       double[] s) {
        multiply(w, wOff, m, n, a, aOff, cols, c, cOff, false, null, 0, s);
    }

    abstract String name();

    /** Rows {@code 0..m} of C set to {@code b[bOff + i]} (0 when b is null), unless {@code accumulate}. */
    static void start(int m, int cols, double[] c, int cOff, boolean accumulate, double[] b, int bOff) {
        if (!accumulate) {
            for (int i = 0; i < m; i++) {
                java.util.Arrays.fill(c, cOff + i * cols, cOff + (i + 1) * cols, b == null ? 0.0 : b[bOff + i]);
            }
        }
    }

    /** C ⊙= S over {@code count} entries from {@code cOff}, when s is not null. */
    static void scale(double[] c, int cOff, int count, double[] s) {
        if (s != null) {
            for (int i = cOff; i < cOff + count; i++) {
                c[i] *= s[i];
            }
        }
    }
}
