package netsense.core;

import java.io.Serializable;

/**
 * Mean and sample standard deviation of each column of row-major blocks (the input's columns,
 * for a mean baseline or noise relative to each dimension's spread), mergeable with the
 * guarantees of {@link GradientSummary}'s moments: overflow-safe, the same to far below 1e-9
 * whatever the split.
 */
public final class ColumnMoments implements Serializable {
    private static final long serialVersionUID = 1L;
    private final Moments moments;

    public ColumnMoments(int columns) {
        this.moments = new Moments(columns);
    }

    /** Adds {@code rows} rows, row-major from {@code off}. Not modified: data (finite values). */
    public void add(double[] data, int off, int rows) {
        if (rows > 0) {
            moments.addBlock(data, off, rows);
        }
    }

    public ColumnMoments merge(ColumnMoments other) {
        moments.merge(other.moments);
        return this;
    }

    public long count() {
        return moments.count();
    }

    public int columns() {
        return moments.columns();
    }

    /** The mean of column j; NaN without rows. */
    public double mean(int j) {
        return count() == 0 ? Double.NaN : moments.mean(j);
    }

    /** The sample standard deviation (n − 1) of column j; NaN with fewer than two rows. */
    public double std(int j) {
        return count() < 2 ? Double.NaN : moments.std(j);
    }
}
