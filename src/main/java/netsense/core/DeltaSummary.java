package netsense.core;

import java.io.Serializable;

/**
 * The completeness gaps of integrated gradients over the rows, mergeable: for each row
 * delta = Σ_i attr_i − (f(x) − f(x')), summarised as mean |delta|, max |delta| and the 99th
 * percentile of |delta|; and the gap relative to the change it explains, |delta| / |f(x) − f(x')|
 * (rows where f(x) = f(x') left out of the relative figures), as a distribution for the report.
 * Merges as {@link GradientSummary} does: the same figures whatever the split, quantiles the
 * same for the same order of merges.
 */
public final class DeltaSummary implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Moments absolute = new Moments(1);
    private final QuantileSketch absoluteSketch = new QuantileSketch(GradientSummary.SKETCH_K);
    private final QuantileSketch relativeSketch = new QuantileSketch(GradientSummary.SKETCH_K);
    private transient double[] scratch;

    /**
     * Adds {@code rows} rows: gap r is {@code deltas[deltaOff + r·stride]} and the change it
     * explains {@code changes[changeOff + r]} = f(x) − f(x'). Not modified: both.
     */
    public void add(double[] deltas, int deltaOff, int stride, double[] changes, int changeOff, int rows) {
        if (scratch == null || scratch.length < rows) {
            scratch = new double[Math.max(rows, 16)];
        }
        for (int r = 0; r < rows; r++) {
            double d = Math.abs(deltas[deltaOff + r * stride]);
            scratch[r] = d;
            absoluteSketch.update(d);
            double change = Math.abs(changes[changeOff + r]);
            if (change > 0) {
                relativeSketch.update(d / change);
            }
        }
        absolute.addBlock(scratch, 0, rows);
    }

    public DeltaSummary merge(DeltaSummary other) {
        absolute.merge(other.absolute);
        absoluteSketch.merge(other.absoluteSketch);
        relativeSketch.merge(other.relativeSketch);
        return this;
    }

    public long count() {
        return absolute.count();
    }

    /** Mean |delta|, or null without rows. */
    public Double meanAbs() {
        return count() == 0 ? null : absolute.mean(0);
    }

    /** Max |delta|, or null without rows. */
    public Double maxAbs() {
        return count() == 0 ? null : absolute.max(0);
    }

    /** The 99th percentile of |delta|, or null without rows. */
    public Double p99Abs() {
        return count() == 0 ? null : absoluteSketch.quantile(0.99);
    }

    /** |delta| / |f(x) − f(x')| over the rows where the output changed. A live view. */
    public GradientSummary.Distribution relative() {
        return relativeSketch;
    }
}
