package netsense.core;

/**
 * The L1, L2 and L∞ norms of gradient rows, as the job writes them ({@code grad_l1},
 * {@code grad_l2}, {@code grad_linf}): Σ|g_j|, √(Σ g_j²) and max |g_j|, summed in index order.
 */
public final class GradientNorms {
    private GradientNorms() {}

    /**
     * Writes each row's three norms.
     *
     * @param gradients Not modified: {@code rows × width} row-major from {@code gradOff}
     * @param norms     Modified: {@code rows × 3} from 0, each row's L1, L2 and L∞ norm
     */
    public static void compute(double[] gradients, int gradOff, int rows, int width, double[] norms) {
        java.util.Objects.checkFromIndexSize(gradOff, rows * width, gradients.length);
        java.util.Objects.checkFromIndexSize(0, rows * 3, norms.length);
        for (int r = 0; r < rows; r++) {
            int o = gradOff + r * width;
            double l1 = 0;
            double l2 = 0;
            double linf = 0;
            for (int j = 0; j < width; j++) {
                double a = Math.abs(gradients[o + j]);
                l1 += a;
                l2 += a * a;
                linf = Math.max(linf, a);
            }
            norms[3 * r] = l1;
            norms[3 * r + 1] = Math.sqrt(l2);
            norms[3 * r + 2] = linf;
        }
    }
}
