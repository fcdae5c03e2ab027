package netsense.core;

/**
 * Outputs and input gradients for a block of rows: what the job needs of a kernel.
 * {@link BlockKernel} is netsense's; another implementation can stand in its place (the
 * benchmark's copy job copies the features instead).
 */
public interface BlockGradient {
    /**
     * {@code outputs[outOff + r]} and {@code gradients[gradOff + r·n1 + j]} for the rows
     * {@code x[xOff + r·n1 + j]}, {@code r < rows} (see {@link BlockKernel#compute}).
     */
    void compute(double[] x, int xOff, int rows, double[] outputs, int outOff, double[] gradients, int gradOff);

    /**
     * Every output and each one's gradient for the rows: {@code outputs[outOff + r·nL + i]} and
     * {@code jacobians[jacOff + (r·nL + i)·n1 + j]} (see {@link BlockKernel#computeJacobian});
     * unsupported unless the implementation says otherwise.
     */
    default void computeJacobian(double[] x, int xOff, int rows, double[] outputs, int outOff, double[] jacobians,
                                 int jacOff) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " computes one output");
    }

    /** The largest block {@link #compute} takes. */
    int maxRows();

    /** Rows computed again in float64 because float32 could not hold them; 0 by default. */
    default long rowsRecomputed() {
        return 0;
    }
}
