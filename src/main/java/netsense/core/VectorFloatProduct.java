package netsense.core;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** {@link FloatBackends.Product} on the JDK Vector API: 4 × 2-vector register tiles, as {@link VectorProduct}. */
final class VectorFloatProduct extends FloatBackends.Product {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    void multiplyAdd(float[] w, int wOff, int m, int n, float[] a, int aOff, int cols, float[] c, int cOff) {
        int k = 0;
        for (; k + 2 * L <= cols; k += 2 * L) {
            int i = 0;
            for (; i + 3 < m; i += 4) {
                tile4x2(w, wOff + i * n, n, a, aOff + k, cols, c, cOff + i * cols + k);
            }
            for (; i < m; i++) {
                int wi = wOff + i * n;
                int ci = cOff + i * cols + k;
                FloatVector x0 = FloatVector.fromArray(S, c, ci);
                FloatVector x1 = FloatVector.fromArray(S, c, ci + L);
                for (int j = 0; j < n; j++) {
                    FloatVector v = FloatVector.broadcast(S, w[wi + j]);
                    int aj = aOff + j * cols + k;
                    x0 = FloatVector.fromArray(S, a, aj).fma(v, x0);
                    x1 = FloatVector.fromArray(S, a, aj + L).fma(v, x1);
                }
                x0.intoArray(c, ci);
                x1.intoArray(c, ci + L);
            }
        }
        for (; k < cols; k++) {
            for (int i = 0; i < m; i++) {
                int wi = wOff + i * n;
                float s = c[cOff + i * cols + k];
                for (int j = 0; j < n; j++) {
                    s = Math.fma(w[wi + j], a[aOff + j * cols + k], s); // fused, as the vector lanes: the same bits at any place
                }
                c[cOff + i * cols + k] = s;
            }
        }
    }

    private static void tile4x2(float[] w, int w0, int n, float[] a, int a0, int cols, float[] c, int c0) {
        int c1 = c0 + cols;
        int c2 = c1 + cols;
        int c3 = c2 + cols;
        FloatVector x00 = FloatVector.fromArray(S, c, c0);
        FloatVector x01 = FloatVector.fromArray(S, c, c0 + L);
        FloatVector x10 = FloatVector.fromArray(S, c, c1);
        FloatVector x11 = FloatVector.fromArray(S, c, c1 + L);
        FloatVector x20 = FloatVector.fromArray(S, c, c2);
        FloatVector x21 = FloatVector.fromArray(S, c, c2 + L);
        FloatVector x30 = FloatVector.fromArray(S, c, c3);
        FloatVector x31 = FloatVector.fromArray(S, c, c3 + L);
        for (int j = 0; j < n; j++) {
            int aj = a0 + j * cols;
            FloatVector b0 = FloatVector.fromArray(S, a, aj);
            FloatVector b1 = FloatVector.fromArray(S, a, aj + L);
            FloatVector v = FloatVector.broadcast(S, w[w0 + j]);
            x00 = b0.fma(v, x00);
            x01 = b1.fma(v, x01);
            v = FloatVector.broadcast(S, w[w0 + n + j]);
            x10 = b0.fma(v, x10);
            x11 = b1.fma(v, x11);
            v = FloatVector.broadcast(S, w[w0 + 2 * n + j]);
            x20 = b0.fma(v, x20);
            x21 = b1.fma(v, x21);
            v = FloatVector.broadcast(S, w[w0 + 3 * n + j]);
            x30 = b0.fma(v, x30);
            x31 = b1.fma(v, x31);
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

    @Override
    String name() {
        return "JDK Vector API, " + S.vectorBitSize() + "-bit (" + L + " floats)";
    }
}
