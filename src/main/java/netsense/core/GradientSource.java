package netsense.core;

/**
 * Where a {@link Trainer} gets its costs and gradients: the rows in the driver's memory
 * ({@link LocalGradients}) or spread over a cluster. Costs are means over the rows concerned,
 * gradients the mean gradient in {@link Network#parameters}'s layout.
 */
public interface GradientSource {
    /** N, the rows of the training set. */
    long rows();

    /** Whether every step is over every row (then {@link #stepGradient} also gives the whole set's cost). */
    boolean fullBatch();

    /** Steps per pass over the data (for {@code --epochs}). */
    long stepsPerEpoch();

    /**
     * The mean cost of step {@code step}'s batch at {@code theta}, and its mean gradient into
     * {@code gradient} (overwritten). A function of (theta, step) alone.
     */
    double stepGradient(double[] theta, long step, double[] gradient);

    /** The mean cost over every row at {@code theta}, and the mean gradient into {@code gradient} unless null. */
    double evaluate(double[] theta, double[] gradient);

    /** Whether a stretch of steps is cheap enough to run again, to find the exact step a target is reached. */
    boolean replayable();
}
