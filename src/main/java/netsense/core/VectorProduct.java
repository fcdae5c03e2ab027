package netsense.core;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link MatrixProduct} on the JDK Vector API: a 4 × 2-vector register tile of C (eight
 * accumulators) is carried through the whole sum over j, so each step loads two vectors of A
 * and four weights for eight fused multiply-adds, and C is read and written once per tile.
 * Narrower tiles finish the edges.
 */
final class VectorProduct extends MatrixProduct {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    void multiplyAdd(double[] w, int wOff, int m, int n, double[] a, int aOff, int cols, double[] c, int cOff) {
        int k = 0;
        for (; k + 3 * L <= cols; k += 3 * L) {
            int i = 0;
            for (; i + 3 < m; i += 4) {
                tile4x3(w, wOff + i * n, n, a, aOff + k, cols, c, cOff + i * cols + k);
            }
            for (; i < m; i++) {
                tile1x2(w, wOff + i * n, n, a, aOff + k, cols, c, cOff + i * cols + k);
                tile1x1(w, wOff + i * n, n, a, aOff + k + 2 * L, cols, c, cOff + i * cols + k + 2 * L);
            }
        }
        for (; k + 2 * L <= cols; k += 2 * L) {
            int i = 0;
            for (; i + 3 < m; i += 4) {
                tile4x2(w, wOff + i * n, n, a, aOff + k, cols, c, cOff + i * cols + k);
            }
            for (; i < m; i++) {
                tile1x2(w, wOff + i * n, n, a, aOff + k, cols, c, cOff + i * cols + k);
            }
        }
        for (; k + L <= cols; k += L) {
            for (int i = 0; i < m; i++) {
                int wi = wOff + i * n;
                DoubleVector acc = DoubleVector.fromArray(S, c, cOff + i * cols + k);
                for (int j = 0; j < n; j++) {
                    acc = DoubleVector.fromArray(S, a, aOff + j * cols + k).fma(DoubleVector.broadcast(S, w[wi + j]), acc);
                }
                acc.intoArray(c, cOff + i * cols + k);
            }
        }
        for (; k < cols; k++) {
            for (int i = 0; i < m; i++) {
                int wi = wOff + i * n;
                double s = c[cOff + i * cols + k];
                for (int j = 0; j < n; j++) {
                    s = Math.fma(w[wi + j], a[aOff + j * cols + k], s); // fused, as the vector lanes: the same bits at any place
                }
                c[cOff + i * cols + k] = s;
            }
        }
    }

    /** Rows i..i+3 of C, columns k..k+2L: {@code w0} is W's row i, {@code a0} and {@code c0} column k. */
    private static void tile4x2(double[] w, int w0, int n, double[] a, int a0, int cols, double[] c, int c0) {
        int c1 = c0 + cols;
        int c2 = c1 + cols;
        int c3 = c2 + cols;
        DoubleVector x00 = DoubleVector.fromArray(S, c, c0);
        DoubleVector x01 = DoubleVector.fromArray(S, c, c0 + L);
        DoubleVector x10 = DoubleVector.fromArray(S, c, c1);
        DoubleVector x11 = DoubleVector.fromArray(S, c, c1 + L);
        DoubleVector x20 = DoubleVector.fromArray(S, c, c2);
        DoubleVector x21 = DoubleVector.fromArray(S, c, c2 + L);
        DoubleVector x30 = DoubleVector.fromArray(S, c, c3);
        DoubleVector x31 = DoubleVector.fromArray(S, c, c3 + L);
        int w1 = w0 + n;
        int w2 = w1 + n;
        int w3 = w2 + n;
        for (int j = 0; j < n; j++) {
            int aj = a0 + j * cols;
            DoubleVector b0 = DoubleVector.fromArray(S, a, aj);
            DoubleVector b1 = DoubleVector.fromArray(S, a, aj + L);
            DoubleVector v0 = DoubleVector.broadcast(S, w[w0 + j]);
            DoubleVector v1 = DoubleVector.broadcast(S, w[w1 + j]);
            DoubleVector v2 = DoubleVector.broadcast(S, w[w2 + j]);
            DoubleVector v3 = DoubleVector.broadcast(S, w[w3 + j]);
            x00 = b0.fma(v0, x00);
            x01 = b1.fma(v0, x01);
            x10 = b0.fma(v1, x10);
            x11 = b1.fma(v1, x11);
            x20 = b0.fma(v2, x20);
            x21 = b1.fma(v2, x21);
            x30 = b0.fma(v3, x30);
            x31 = b1.fma(v3, x31);
        }
        x00.intoArray(c, c0);
        x01.intoArray(c, c0 + L);
        x10.intoArray(c, c1);
        x11.intoArray(c, c1 + L);
        x20.intoArray(c, c2);
        x21.intoArray(c, c2 + L);
        x30.intoArray(c, c3);
        x31.intoArray(c, c3 + L);
    }

    /** Rows i..i+3 of C, columns k..k+3L: twelve accumulators, three loads and four weights per step. */
    private static void tile4x3(double[] w, int w0, int n, double[] a, int a0, int cols, double[] c, int c0) {
        int c1 = c0 + cols;
        int c2 = c1 + cols;
        int c3 = c2 + cols;
        DoubleVector x00 = DoubleVector.fromArray(S, c, c0);
        DoubleVector x01 = DoubleVector.fromArray(S, c, c0 + L);
        DoubleVector x02 = DoubleVector.fromArray(S, c, c0 + 2 * L);
        DoubleVector x10 = DoubleVector.fromArray(S, c, c1);
        DoubleVector x11 = DoubleVector.fromArray(S, c, c1 + L);
        DoubleVector x12 = DoubleVector.fromArray(S, c, c1 + 2 * L);
        DoubleVector x20 = DoubleVector.fromArray(S, c, c2);
        DoubleVector x21 = DoubleVector.fromArray(S, c, c2 + L);
        DoubleVector x22 = DoubleVector.fromArray(S, c, c2 + 2 * L);
        DoubleVector x30 = DoubleVector.fromArray(S, c, c3);
        DoubleVector x31 = DoubleVector.fromArray(S, c, c3 + L);
        DoubleVector x32 = DoubleVector.fromArray(S, c, c3 + 2 * L);
        int w1 = w0 + n;
        int w2 = w1 + n;
        int w3 = w2 + n;
        for (int j = 0; j < n; j++) {
            int aj = a0 + j * cols;
            DoubleVector b0 = DoubleVector.fromArray(S, a, aj);
            DoubleVector b1 = DoubleVector.fromArray(S, a, aj + L);
            DoubleVector b2 = DoubleVector.fromArray(S, a, aj + 2 * L);
            DoubleVector v = DoubleVector.broadcast(S, w[w0 + j]);
            x00 = b0.fma(v, x00);
            x01 = b1.fma(v, x01);
            x02 = b2.fma(v, x02);
            v = DoubleVector.broadcast(S, w[w1 + j]);
            x10 = b0.fma(v, x10);
            x11 = b1.fma(v, x11);
            x12 = b2.fma(v, x12);
            v = DoubleVector.broadcast(S, w[w2 + j]);
            x20 = b0.fma(v, x20);
            x21 = b1.fma(v, x21);
            x22 = b2.fma(v, x22);
            v = DoubleVector.broadcast(S, w[w3 + j]);
            x30 = b0.fma(v, x30);
            x31 = b1.fma(v, x31);
            x32 = b2.fma(v, x32);
        }
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
    }

    private static void tile1x1(double[] w, int w0, int n, double[] a, int a0, int cols, double[] c, int c0) {
        DoubleVector x0 = DoubleVector.fromArray(S, c, c0);
        for (int j = 0; j < n; j++) {
            x0 = DoubleVector.fromArray(S, a, a0 + j * cols).fma(DoubleVector.broadcast(S, w[w0 + j]), x0);
        }
        x0.intoArray(c, c0);
    }

    private static void tile1x2(double[] w, int w0, int n, double[] a, int a0, int cols, double[] c, int c0) {
        DoubleVector x0 = DoubleVector.fromArray(S, c, c0);
        DoubleVector x1 = DoubleVector.fromArray(S, c, c0 + L);
        for (int j = 0; j < n; j++) {
            int aj = a0 + j * cols;
            DoubleVector v = DoubleVector.broadcast(S, w[w0 + j]);
            x0 = DoubleVector.fromArray(S, a, aj).fma(v, x0);
            x1 = DoubleVector.fromArray(S, a, aj + L).fma(v, x1);
        }
        x0.intoArray(c, c0);
        x1.intoArray(c, c0 + L);
    }

    @Override
    String name() {
        return "JDK Vector API, " + S.vectorBitSize() + "-bit (" + L + " doubles)";
    }
}
