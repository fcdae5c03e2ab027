package netsense.core;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Mergeable quantiles of each of {@code dimensions} columns (the entries of the rows' vectors),
 * cheap enough to take every value of every row: per column a log-bucketed histogram in the
 * manner of DDSketch (Masson, Rim and Lee, "DDSketch: a fast and fully-mergeable quantile
 * sketch with relative-error guarantees", VLDB 2019) and HdrHistogram.
 *
 * <p><b>Buckets.</b> A finite value v goes to the bucket of its sign and of its key
 *
 * <pre>
 *     key(v) = (biased binary exponent of v) · 2^m + (the top m bits of v's mantissa),   m = {@value #MANTISSA_BITS}
 * </pre>
 *
 * <p>one shift of v's bits. The bucket of key k holds the magnitudes [L_k, L_(k+1)) with
 * L_k = 2^e·(1 + t/2^m) (e the exponent, t the m bits): a relative width of at most 2^-m. Per column a count of zeros is kept beside the buckets; it also takes
 * every value whose magnitude is below the column's <em>floor</em>, 2^(E − {@value #FLOOR_BINADES})
 * with E the binary exponent of the largest |v| of the column so far (so at most
 * 2^-{@value #FLOOR_BINADES} ≈ 1e-6 of it), and every subnormal. When E grows, the buckets that
 * fall below the new floor are emptied into the zero count. The state is therefore a function of
 * the multiset of values alone: adding and merging in any order and any split gives the same
 * counts, and the same quantiles, bit for bit.
 *
 * <p><b>Quantile.</b> {@link #quantile(int, double) quantile(i, p)} is the representative of the
 * bucket that holds the value of rank ⌈p·n⌉ (rank 1 for p = 0) of the column's n values sorted:
 * the bucket's middle, ±(L_k + L_(k+1))/2, or 0 for the zero count; clamped to the column's
 * observed minimum and maximum; and the minimum or maximum itself for rank 1 or n. With q the exact value of that rank it is within
 *
 * <pre>
 *     |q̂ − q| ≤ max(2^-(m+1)·|q|, 2^-{@value #FLOOR_BINADES}·max|v|, 2^-1022)
 * </pre>
 *
 * <p>— a relative accuracy of 2^-6 ≈ 1.6 % ({@link #RELATIVE_ACCURACY}) down to the floor (and to
 * the smallest normal double), and no error in rank at all.
 *
 * <p><b>Memory.</b> Per column and sign at most ({@value #FLOOR_BINADES} + 1)·2^m = 672 buckets of
 * one long, held over the range of keys in use only: at most 2 × 672 × 8 B ≈ 10.8 KB per column
 * with about 100 B beside, so at most about 108 MB for 10,000 columns, whatever the number of
 * rows. Values that span a few binades of one sign (gradients in practice) take a few hundred
 * bytes per column. {@link #bucketsHeld()} says what is held.
 *
 * <p><b>Cost.</b> Adding a value is a shift, a few comparisons and one increment; a bucket array
 * grows (or the floor moves) only on a value outside the range seen so far.
 *
 * <p>Zero / add / merge: a new object is empty; {@link #addBlock} and {@link #merge} mutate it.
 * Values must be finite; −0.0 counts as 0.
 */
public final class DimensionQuantiles implements Serializable {
    private static final long serialVersionUID = 1L;

    /** m, the mantissa bits of a bucket's key: 2^m buckets per binade. */
    public static final int MANTISSA_BITS = 5;

    /** The floor's distance below the largest magnitude, in binades. */
    public static final int FLOOR_BINADES = 20;

    /** 2^-(m+1): the bound on |q̂ − q| / |q| above the floor. */
    public static final double RELATIVE_ACCURACY = Math.scalb(1.0, -(MANTISSA_BITS + 1));

    /** The most buckets one column holds for one sign. */
    public static final int MAX_BUCKETS_PER_SIGN = (FLOOR_BINADES + 1) << MANTISSA_BITS;

    private static final int SHIFT = 52 - MANTISSA_BITS;
    private static final long MAGNITUDE = 0x7FFF_FFFF_FFFF_FFFFL;
    private static final int LOWEST_FLOOR = 1 << MANTISSA_BITS; // keys below: exponent 0, zeros and subnormals
    private static final long[] NONE = new long[0];

    private final int dimensions;
    private long count;                // values per column (weights summed)
    private final int[] topBinade;     // the biased exponent of the column's largest magnitude; -1 while none is above zero
    private final int[] floor;         // keys below it count as zero
    private final long[] zeros;
    private final long[][] counts;     // side 2i (positive) and 2i + 1 (negative) of column i: counts of keys low[side] ..
    private final int[] low;
    private final double[] min;        // null when the extremes are not kept
    private final double[] max;

    /** Empty quantiles of {@code dimensions} columns (at least 1), keeping each column's extremes. */
    public DimensionQuantiles(int dimensions) {
        this(dimensions, true);
    }

    /**
     * Empty quantiles of {@code dimensions} columns (at least 1). Without extremes (a third less
     * per value, for a caller that keeps them anyway) the quantiles need them given:
     * {@link #quantile(int, double, double, double)}.
     */
    public DimensionQuantiles(int dimensions, boolean keepExtremes) {
        if (dimensions < 1) {
            throw new IllegalArgumentException("dimensions must be at least 1, got " + dimensions);
        }
        this.dimensions = dimensions;
        topBinade = new int[dimensions];
        floor = new int[dimensions];
        zeros = new long[dimensions];
        counts = new long[2 * dimensions][];
        low = new int[2 * dimensions];
        Arrays.fill(topBinade, -1);
        Arrays.fill(floor, LOWEST_FLOOR);
        Arrays.fill(counts, NONE);
        if (keepExtremes) {
            min = new double[dimensions];
            max = new double[dimensions];
            Arrays.fill(min, Double.POSITIVE_INFINITY);
            Arrays.fill(max, Double.NEGATIVE_INFINITY);
        } else {
            min = null;
            max = null;
        }
    }

    public int dimensions() {
        return dimensions;
    }

    /** The number of values of each column (the total weight when rows were weighted). */
    public long count() {
        return count;
    }

    /**
     * Adds {@code rows} rows of {@code dimensions} values, row-major from {@code off}.
     *
     * @param data Not modified. Finite values (not checked: a NaN or infinity gives meaningless figures).
     */
    public void addBlock(double[] data, int off, int rows) {
        java.util.Objects.checkFromIndexSize(off, rows * dimensions, data.length);
        if (min == null) {
            for (int r = 0; r < rows; r++) {
                int o = off + r * dimensions;
                for (int i = 0; i < dimensions; i++) {
                    add(i, data[o + i], 1);
                }
            }
        } else {
            for (int r = 0; r < rows; r++) {
                int o = off + r * dimensions;
                for (int i = 0; i < dimensions; i++) {
                    double v = data[o + i];
                    if (v < min[i]) {
                        min[i] = v + 0.0;
                    }
                    if (v > max[i]) {
                        max[i] = v + 0.0;
                    }
                    add(i, v, 1);
                }
            }
        }
        count += rows;
    }

    /**
     * As {@link #addBlock(double[], int, int)}, row r counting {@code weights[weightOff + r]} times.
     *
     * @param weights Not modified: whole numbers ≥ 0 (frequency weights; a fraction is truncated)
     */
    public void addBlock(double[] data, int off, int rows, double[] weights, int weightOff) {
        if (weights == null) {
            addBlock(data, off, rows);
            return;
        }
        java.util.Objects.checkFromIndexSize(off, rows * dimensions, data.length);
        java.util.Objects.checkFromIndexSize(weightOff, rows, weights.length);
        for (int r = 0; r < rows; r++) {
            long w = (long) weights[weightOff + r];
            if (w <= 0) {
                continue;
            }
            int o = off + r * dimensions;
            for (int i = 0; i < dimensions; i++) {
                double v = data[o + i];
                if (min != null) {
                    min[i] = Math.min(min[i], v + 0.0);
                    max[i] = Math.max(max[i], v + 0.0);
                }
                add(i, v, w);
            }
            count += w;
        }
    }

    /**
     * The hot path: a key within its side's array (which lies within [floor, end of the top
     * binade]) is one increment, with the side chosen by the sign bit, not by a branch.
     */
    private void add(int i, double v, long w) {
        long bits = Double.doubleToRawLongBits(v);
        int key = (int) ((bits & MAGNITUDE) >>> SHIFT);
        int side = 2 * i + (int) (bits >>> 63);
        long[] a = counts[side];
        int j = key - low[side];
        if (Integer.compareUnsigned(j, a.length) < 0) {
            a[j] += w;
        } else {
            addOutside(i, side, key, w);
        }
    }

    /** A key outside its side's array: the floor may rise, the key may be a zero, or the array grows. */
    private void addOutside(int i, int side, int key, long w) {
        if (key >>> MANTISSA_BITS > topBinade[i]) {
            raise(i, key >>> MANTISSA_BITS);
        }
        if (key < floor[i]) {
            zeros[i] += w;
            return;
        }
        grow(i, side, key);
        counts[side][key - low[side]] += w;
    }

    /** Makes {@code binade} the column's top: moves the floor up and empties the buckets below it into the zeros. */
    private void raise(int i, int binade) {
        topBinade[i] = binade;
        int f = Math.max(LOWEST_FLOOR, (binade - FLOOR_BINADES) << MANTISSA_BITS);
        if (f <= floor[i]) {
            return;
        }
        floor[i] = f;
        dropBelow(i, 2 * i, f);
        dropBelow(i, 2 * i + 1, f);
    }

    private void dropBelow(int i, int side, int f) {
        long[] a = counts[side];
        int cut = Math.min(a.length, Math.max(0, f - low[side]));
        if (cut == 0) {
            return;
        }
        for (int j = 0; j < cut; j++) {
            zeros[i] += a[j];
        }
        low[side] += cut;
        counts[side] = Arrays.copyOfRange(a, cut, a.length);
    }

    /** Widens the side's array to hold {@code key} (floor ≤ key ≤ end of the top binade), with slack on both ends. */
    private void grow(int i, int side, int key) {
        long[] a = counts[side];
        int highest = ((topBinade[i] + 1) << MANTISSA_BITS) - 1;
        int lowest = a.length == 0 ? key : Math.min(low[side], key);
        int high = a.length == 0 ? key : Math.max(low[side] + a.length - 1, key);
        int pad = Math.max(8, (high - lowest + 1) / 2);
        int from = Math.max(floor[i], lowest - pad);
        int to = Math.min(highest, high + pad);
        long[] b = new long[to - from + 1];
        if (a.length > 0) {
            System.arraycopy(a, 0, b, low[side] - from, a.length);
        }
        low[side] = from;
        counts[side] = b;
    }

    /** Adds every value of {@code other} and returns this. Not modified: other. */
    public DimensionQuantiles merge(DimensionQuantiles other) {
        if (other.dimensions != dimensions) {
            throw new IllegalArgumentException("dimension mismatch: expecting " + dimensions + " but got "
                    + other.dimensions);
        }
        if ((other.min == null) != (min == null)) {
            throw new IllegalArgumentException("cannot merge quantiles with extremes and quantiles without");
        }
        for (int i = 0; i < dimensions; i++) {
            if (other.topBinade[i] > topBinade[i]) {
                raise(i, other.topBinade[i]);
            }
            zeros[i] += other.zeros[i];
            for (int side = 2 * i; side <= 2 * i + 1; side++) {
                long[] from = other.counts[side];
                for (int j = 0; j < from.length; j++) {
                    if (from[j] == 0) {
                        continue;
                    }
                    int key = other.low[side] + j;
                    int k = key - low[side];
                    if (Integer.compareUnsigned(k, counts[side].length) < 0) {
                        counts[side][k] += from[j];
                    } else {
                        addOutside(i, side, key, from[j]);
                    }
                }
            }
            if (min != null) {
                min[i] = Math.min(min[i], other.min[i]);
                max[i] = Math.max(max[i], other.max[i]);
            }
        }
        count += other.count;
        return this;
    }

    /**
     * The quantile of rank p of column i (see the class comment for its accuracy): NaN when the
     * column is empty.
     *
     * @param p in [0, 1]: 0 gives the minimum, 1 the maximum
     */
    public double quantile(int i, double p) {
        if (min == null) {
            throw new IllegalStateException("these quantiles keep no extremes: give them");
        }
        java.util.Objects.checkIndex(i, dimensions);
        return quantile(i, p, min[i], max[i]);
    }

    /**
     * As {@link #quantile(int, double)} with the column's extremes given (for quantiles made
     * without them): {@code min} and {@code max} must be the column's smallest and largest value.
     */
    public double quantile(int i, double p, double min, double max) {
        java.util.Objects.checkIndex(i, dimensions);
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("rank must be in [0, 1], got " + p);
        }
        if (count == 0) {
            return Double.NaN;
        }
        long target = Math.max(1, (long) Math.ceil(p * count));
        if (target == 1) {
            return min;
        }
        if (target >= count) {
            return max;
        }
        long seen = 0;
        double v = max;
        long[] a = counts[2 * i + 1];
        for (int j = a.length - 1; j >= 0 && seen < target; j--) {
            seen += a[j];
            v = -middle(low[2 * i + 1] + j);
        }
        if (seen < target) {
            seen += zeros[i];
            v = 0.0;
        }
        a = counts[2 * i];
        for (int j = 0; j < a.length && seen < target; j++) {
            seen += a[j];
            v = middle(low[2 * i] + j);
        }
        return Math.min(max, Math.max(min, v));
    }

    /** The quantiles of column i at each rank of {@code ps}, as {@link #quantile(int, double)}. */
    public double[] quantiles(int i, double... ps) {
        double[] q = new double[ps.length];
        for (int k = 0; k < ps.length; k++) {
            q[k] = quantile(i, ps[k]);
        }
        return q;
    }

    /** The smallest value of column i (NaN when empty or when the extremes are not kept). */
    public double min(int i) {
        return count == 0 || min == null ? Double.NaN : min[i];
    }

    /** The largest value of column i (NaN when empty or when the extremes are not kept). */
    public double max(int i) {
        return count == 0 || max == null ? Double.NaN : max[i];
    }

    /** (L_k + L_(k+1)) / 2: the middle of the magnitudes of key k. */
    private static double middle(int key) {
        double lower = Double.longBitsToDouble((long) key << SHIFT);
        double upper = Double.longBitsToDouble((long) (key + 1) << SHIFT);
        return lower + (upper - lower) / 2;
    }

    /** The number of buckets held over all columns (a bucket is one long): the memory beside the fixed ~100 B per column. */
    public long bucketsHeld() {
        long n = 0;
        for (long[] a : counts) {
            n += a.length;
        }
        return n;
    }

    /** The most bytes the buckets of {@code dimensions} columns can take: 2 × 672 × 8 each. */
    public static long maxBucketBytes(int dimensions) {
        return (long) dimensions * 2 * MAX_BUCKETS_PER_SIGN * Long.BYTES;
    }
}
