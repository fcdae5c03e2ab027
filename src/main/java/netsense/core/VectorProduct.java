package netsense.core;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link MatrixProduct} on the JDK Vector API, as register tiles: a tile of C — 4 rows × 4
 * vectors, 16 accumulators — starts in registers (from C, the biases or 0), is carried through
 * the whole sum over j, each step loading four vectors of A and broadcasting four weights for
 * sixteen fused multiply-adds, and is stored once, times S when there is one. The whole sum of
 * an entry stays in one register lane from its start to its store.
 *
 * <p>Edges take the same tile: a last tile of fewer than 4 rows (or of fewer than 4 vectors)
 * computes its last row (vector) again in the places of the missing ones — the same loads, the
 * same sums, the same stores to the same place, since a tile loads all it reads before it
 * stores — so every shape runs one code path. Columns past the last whole vector run a scalar
 * loop of {@link Math#fma}, the same fused operation in the same order as a lane. An entry of C
 * is therefore the same bits wherever its column is, and whatever {@code cols} and {@code m}
 * are: {@code fma(w_i,n−1, a_n−1,k, … fma(w_i0, a_0k, c⁰_ik))}, then times {@code s_ik}.
 */
final class VectorProduct extends MatrixProduct {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /**
     * The tile: rows of C, and vectors of L columns — 4 × 4 where there are 32 vector registers
     * (AVX-512), 4 × 3 where there are 16 (AVX2): 12 accumulators, 3 loads and a broadcast. The
     * fourth column is a constant condition, so C2 compiles only the code of the tile in use.
     */
    private static final boolean FOUR = S.vectorBitSize() >= 512;
    private static final int ROWS = 4;
    private static final int VECTORS = FOUR ? 4 : 3;

    @Override
    void multiply(double[] w, int wOff, int m, int n, double[] a, int aOff, int cols, double[] c, int cOff,
                  boolean accumulate, double[] b, int bOff, double[] s) {
        int vectors = cols / L;
        if (accumulate || m < ROWS || vectors < VECTORS) {
            vectorByVector(w, wOff, m, n, a, aOff, cols, c, cOff, accumulate, b, bOff, s);
            return;
        }
        // the last tiles of a row or a column of tiles are moved back to end at the edge: they compute
        // some entries again, to the same bits (a sum starts from the bias or 0, never from C)
        for (int q = 0; q < vectors; q += VECTORS) {
            int k = Math.min(q, vectors - VECTORS) * L;
            for (int i = 0; i < m; i += ROWS) {
                int r = Math.min(i, m - ROWS);
                tile(w, wOff + r * n, n, a, aOff + k, cols, c, cOff + r * cols + k, b, bOff + r, s);
            }
        }
        for (int k = vectors * L; k < cols; k++) {
            for (int i = 0; i < m; i++) {
                double x = b == null ? 0.0 : b[bOff + i];
                scalar(w, wOff + i * n, n, a, aOff + k, cols, c, cOff + i * cols + k, x, s);
            }
        }
    }

    /** C's entry at {@code ci} = the fused sum from {@code x} over W's row at {@code wi} and A's column at {@code ak}, × S. */
    private static void scalar(double[] w, int wi, int n, double[] a, int ak, int cols, double[] c, int ci, double x,
                               double[] s) {
        for (int j = 0; j < n; j++) {
            x = Math.fma(w[wi + j], a[ak + j * cols], x); // fused, as the vector lanes
        }
        c[ci] = s == null ? x : x * s[ci];
    }

    /**
     * The product one vector of one row at a time: for {@code C += W·A} (no caller in the kernels,
     * whose sums start from the biases or 0) and for products too small for a tile. Same order
     * and operations as the tiles.
     */
    private static void vectorByVector(double[] w, int wOff, int m, int n, double[] a, int aOff, int cols,
                                       double[] c, int cOff, boolean accumulate, double[] b, int bOff, double[] s) {
        int end = cols / L * L;
        VectorMask<Double> fresh = S.maskAll(!accumulate);
        for (int i = 0; i < m; i++) {
            int wi = wOff + i * n;
            int ci = cOff + i * cols;
            double start = b == null ? 0.0 : b[bOff + i];
            DoubleVector from = DoubleVector.broadcast(S, start);
            for (int k = 0; k < end; k += L) {
                // C's entries or the start value: a blend, not a branch (C2 boxes a vector two paths merge)
                DoubleVector x = DoubleVector.fromArray(S, c, ci + k).blend(from, fresh);
                for (int j = 0; j < n; j++) {
                    x = DoubleVector.fromArray(S, a, aOff + j * cols + k).fma(DoubleVector.broadcast(S, w[wi + j]), x);
                }
                if (s == null) {
                    x.intoArray(c, ci + k);
                } else {
                    x.mul(DoubleVector.fromArray(S, s, ci + k)).intoArray(c, ci + k);
                }
            }
            for (int k = end; k < cols; k++) {
                scalar(w, wi, n, a, aOff + k, cols, c, ci + k, accumulate ? c[ci + k] : start, s);
            }
        }
    }

    /** Rows 0..3 of C from {@code c0}, VECTORS vectors of columns: W's rows from {@code w0}, A's columns from {@code a0}. */
    private static void tile(double[] w, int w0, int n, double[] a, int a0, int cols, double[] c, int c0,
                             double[] b, int b0, double[] s) {
        int c1 = c0 + cols;
        int c2 = c1 + cols;
        int c3 = c2 + cols;
        // each sum starts from the row's bias, or 0
        DoubleVector x00 = start(b, b0 + 0);
        DoubleVector x01 = x00;
        DoubleVector x02 = x00;
        DoubleVector x03 = x00;
        DoubleVector x10 = start(b, b0 + 1);
        DoubleVector x11 = x10;
        DoubleVector x12 = x10;
        DoubleVector x13 = x10;
        DoubleVector x20 = start(b, b0 + 2);
        DoubleVector x21 = x20;
        DoubleVector x22 = x20;
        DoubleVector x23 = x20;
        DoubleVector x30 = start(b, b0 + 3);
        DoubleVector x31 = x30;
        DoubleVector x32 = x30;
        DoubleVector x33 = x30;
        int w1 = w0 + n;
        int w2 = w1 + n;
        int w3 = w2 + n;
        for (int j = 0; j < n; j++) {
            int aj = a0 + j * cols;
            DoubleVector y0 = DoubleVector.fromArray(S, a, aj);
            DoubleVector y1 = DoubleVector.fromArray(S, a, aj + L);
            DoubleVector y2 = DoubleVector.fromArray(S, a, aj + 2 * L);
            DoubleVector y3 = FOUR ? DoubleVector.fromArray(S, a, aj + 3 * L) : y2;
            DoubleVector v = DoubleVector.broadcast(S, w[w0 + j]);
            x00 = y0.fma(v, x00);
            x01 = y1.fma(v, x01);
            x02 = y2.fma(v, x02);
            if (FOUR) {
                x03 = y3.fma(v, x03);
            }
            v = DoubleVector.broadcast(S, w[w1 + j]);
            x10 = y0.fma(v, x10);
            x11 = y1.fma(v, x11);
            x12 = y2.fma(v, x12);
            if (FOUR) {
                x13 = y3.fma(v, x13);
            }
            v = DoubleVector.broadcast(S, w[w2 + j]);
            x20 = y0.fma(v, x20);
            x21 = y1.fma(v, x21);
            x22 = y2.fma(v, x22);
            if (FOUR) {
                x23 = y3.fma(v, x23);
            }
            v = DoubleVector.broadcast(S, w[w3 + j]);
            x30 = y0.fma(v, x30);
            x31 = y1.fma(v, x31);
            x32 = y2.fma(v, x32);
            if (FOUR) {
                x33 = y3.fma(v, x33);
            }
        }
        // one branch, each side storing: C2 boxes a vector that two paths merge
        if (s == null) {
            x00.intoArray(c, c0);
            x01.intoArray(c, c0 + L);
            x02.intoArray(c, c0 + 2 * L);
            x10.intoArray(c, c1);
            x11.intoArray(c, c1 + L);
            x12.intoArray(c, c1 + 2 * L);
            x20.intoArray(c, c2);
            x21.intoArray(c, c2 + L);
            x22.intoArray(c, c2 + 2 * L);
            x30.intoArray(c, c3);
            x31.intoArray(c, c3 + L);
            x32.intoArray(c, c3 + 2 * L);
            if (FOUR) {
                x03.intoArray(c, c0 + 3 * L);
                x13.intoArray(c, c1 + 3 * L);
                x23.intoArray(c, c2 + 3 * L);
                x33.intoArray(c, c3 + 3 * L);
            }
        } else {
            x00.mul(DoubleVector.fromArray(S, s, c0)).intoArray(c, c0);
            x01.mul(DoubleVector.fromArray(S, s, c0 + L)).intoArray(c, c0 + L);
            x02.mul(DoubleVector.fromArray(S, s, c0 + 2 * L)).intoArray(c, c0 + 2 * L);
            x10.mul(DoubleVector.fromArray(S, s, c1)).intoArray(c, c1);
            x11.mul(DoubleVector.fromArray(S, s, c1 + L)).intoArray(c, c1 + L);
            x12.mul(DoubleVector.fromArray(S, s, c1 + 2 * L)).intoArray(c, c1 + 2 * L);
            x20.mul(DoubleVector.fromArray(S, s, c2)).intoArray(c, c2);
            x21.mul(DoubleVector.fromArray(S, s, c2 + L)).intoArray(c, c2 + L);
            x22.mul(DoubleVector.fromArray(S, s, c2 + 2 * L)).intoArray(c, c2 + 2 * L);
            x30.mul(DoubleVector.fromArray(S, s, c3)).intoArray(c, c3);
            x31.mul(DoubleVector.fromArray(S, s, c3 + L)).intoArray(c, c3 + L);
            x32.mul(DoubleVector.fromArray(S, s, c3 + 2 * L)).intoArray(c, c3 + 2 * L);
            if (FOUR) {
                x03.mul(DoubleVector.fromArray(S, s, c0 + 3 * L)).intoArray(c, c0 + 3 * L);
                x13.mul(DoubleVector.fromArray(S, s, c1 + 3 * L)).intoArray(c, c1 + 3 * L);
                x23.mul(DoubleVector.fromArray(S, s, c2 + 3 * L)).intoArray(c, c2 + 3 * L);
                x33.mul(DoubleVector.fromArray(S, s, c3 + 3 * L)).intoArray(c, c3 + 3 * L);
            }
        }
    }

    private static DoubleVector start(double[] b, int at) {
        return DoubleVector.broadcast(S, b == null ? 0.0 : b[at]);
    }

    @Override
    String name() {
        return "JDK Vector API, " + S.vectorBitSize() + "-bit (" + L + " doubles)";
    }
}
