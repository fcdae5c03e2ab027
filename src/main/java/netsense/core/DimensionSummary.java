package netsense.core;

import java.io.Serializable;

/**
 * A mergeable per-dimension summary of vectors: the {@code dimensions} figures of summary.json
 * (mean, mean |v|, mean v², sample standard deviation, extremes) without the output and the
 * norms. The same {@link Moments} as {@link GradientSummary}'s, so the figures are those the
 * job writes, and the same whatever the split into blocks and partitions (far below 1e-9).
 * Zero / add / merge: a new summary is empty; {@link #addBlock} and {@link #merge} mutate it.
 */
public final class DimensionSummary implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Moments moments;

    /** An empty summary of vectors with {@code dimensions} entries (at least 1). */
    public DimensionSummary(int dimensions) {
        this.moments = new Moments(dimensions);
    }

    public int dimensions() {
        return moments.columns();
    }

    /** The number of vectors summarised. */
    public long count() {
        return moments.count();
    }

    /** Adds {@code rows} vectors, row-major from {@code off}. Not modified: data. Values must be finite. */
    public void addBlock(double[] data, int off, int rows) {
        java.util.Objects.checkFromIndexSize(off, rows * dimensions(), data.length);
        moments.addBlock(data, off, rows);
    }

    /** Adds every vector of {@code other} to this summary and returns this. Not modified: other. */
    public DimensionSummary merge(DimensionSummary other) {
        moments.merge(other.moments);
        return this;
    }

    /** The figures of dimension {@code index} (0-based); null where undefined, as in summary.json. */
    public GradientSummary.DimensionStats dimension(int index) {
        java.util.Objects.checkIndex(index, dimensions());
        return new GradientSummary.DimensionStats(index, nullable(moments.mean(index)),
                nullable(moments.meanAbs(index)), nullable(moments.meanSquare(index)), nullable(moments.std(index)),
                nullable(moments.min(index)), nullable(moments.max(index)));
    }

    private static Double nullable(double v) {
        return Double.isNaN(v) ? null : v;
    }
}
