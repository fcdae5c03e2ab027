package netsense.core;

/**
 * The example of Higham &amp; Higham, "Deep Learning: An Introduction for Applied
 * Mathematicians" (SIAM Review 2019), §6: ten points of the unit square in two categories,
 * A (the first five) labelled (1, 0) and B (the last five) labelled (0, 1), classified by a
 * 2-2-3-2 sigmoid network trained with η = 0.05 for 10⁶ steps of stochastic gradient on one
 * random point each (their {@code netbp}). The paper's code prints Σ_i ‖y_i − a[4](x_i)‖²,
 * which is 2N·C = 20·C in the cost C = (1/N) Σ ½‖y − a[L]‖² used here.
 */
public final class HighamExample {
    public static final double[] X1 = {0.1, 0.3, 0.1, 0.6, 0.4, 0.6, 0.5, 0.9, 0.4, 0.7};
    public static final double[] X2 = {0.1, 0.4, 0.5, 0.9, 0.2, 0.3, 0.6, 0.2, 0.4, 0.6};
    public static final int[] WIDTHS = {2, 2, 3, 2};
    public static final Activation ACTIVATION = Activation.SIGMOID;
    public static final double LEARNING_RATE = 0.05;
    public static final long STEPS = 1_000_000;
    public static final int BATCH_SIZE = 1;

    private HighamExample() {}

    public static int rows() {
        return X1.length;
    }

    /** The points, row-major (x1, x2). */
    public static double[] features() {
        double[] x = new double[2 * X1.length];
        for (int i = 0; i < X1.length; i++) {
            x[2 * i] = X1[i];
            x[2 * i + 1] = X2[i];
        }
        return x;
    }

    /** (1, 0) for the first five, (0, 1) for the last five. */
    public static double[] labels() {
        double[] y = new double[2 * X1.length];
        for (int i = 0; i < X1.length; i++) {
            y[2 * i + (i < 5 ? 0 : 1)] = 1.0;
        }
        return y;
    }

    public static Activation[] activations() {
        return new Activation[] {ACTIVATION, ACTIVATION, ACTIVATION};
    }
}
