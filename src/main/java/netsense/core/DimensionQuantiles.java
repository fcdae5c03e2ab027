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
    private final int[] top;           // the highest key of the column so far; -1 while it holds no value above zero
    private final int[] floor;         // keys below it count as zero
    private final long[] zeros;
    private final long[][] positive;   // counts of keys positiveLo[i] .. + length
    private final int[] positiveLo;
    private final long[][] negative;   // counts of the magnitudes' keys negativeLo[i] .. + length
    private final int[] negativeLo;
    private final double[] min;
    private final double[] max;

    /** Empty quantiles of {@code dimensions} columns (at least 1). */
    public DimensionQuantiles(int dimensions) {
        if (dimensions < 1) {
            throw new IllegalArgumentException("dimensions must be at least 1, got " + dimensions);
        }
        this.dimensions = dimensions;
        top = new int[dimensions];
        floor = new int[dimensions];
        zeros = new long[dimensions];
        positive = new long[dimensions][];
        positiveLo = new int[dimensions];
        negative = new long[dimensions][];
        negativeLo = new int[dimensions];
        min = new double[dimensions];
        max = new double[dimensions];
        Arrays.fill(top, -1);
        Arrays.fill(floor, LOWEST_FLOOR);
        Arrays.fill(positive, NONE);
        Arrays.fill(negative, NONE);
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
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
        for (int r = 0; r < rows; r++) {
            int o = off + r * dimensions;
            for (int i = 0; i < dimensions; i++) {
                add(i, data[o + i], 1);
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
                add(i, data[o + i], w);
            }
            count += w;
        }
    }

    private void add(int i, double v, long w) {
        long bits = Double.doubleToRawLongBits(v);
        int key = (int) ((bits & MAGNITUDE) >>> SHIFT);
        if (v < min[i]) {
            min[i] = v + 0.0;
        }
        if (v > max[i]) {
            max[i] = v + 0.0;
        }
        if (key > top[i]) {
            raise(i, key);
        }
        if (key < floor[i]) {
            zeros[i] += w;
        } else if (bits < 0) {
            long[] a = negative[i];
            int j = key - negativeLo[i];
            if (j >= 0 && j < a.length) {
                a[j] += w;
            } else {
                negative[i] = grow(i, a, negativeLo, key);
                negative[i][key - negativeLo[i]] += w;
            }
        } else {
            long[] a = positive[i];
            int j = key - positiveLo[i];
            if (j >= 0 && j < a.length) {
                a[j] += w;
            } else {
                positive[i] = grow(i, a, positiveLo, key);
                positive[i][key - positiveLo[i]] += w;
            }
        }
    }

    /** Makes {@code key} the column's top: moves the floor up and empties the buckets below it into the zeros. */
    private void raise(int i, int key) {
        top[i] = key;
        int f = Math.max(LOWEST_FLOOR, ((key >>> MANTISSA_BITS) - FLOOR_BINADES) << MANTISSA_BITS);
        if (f <= floor[i]) {
            return;
        }
        floor[i] = f;
        positive[i] = dropBelow(i, positive[i], positiveLo, f);
        negative[i] = dropBelow(i, negative[i], negativeLo, f);
    }

    private long[] dropBelow(int i, long[] a, int[] lo, int f) {
        int cut = Math.min(a.length, Math.max(0, f - lo[i]));
        if (cut == 0) {
            return a;
        }
        for (int j = 0; j < cut; j++) {
            zeros[i] += a[j];
        }
        lo[i] += cut;
        return Arrays.copyOfRange(a, cut, a.length);
    }

    /** The array of {@code lo} widened to hold {@code key} (floor ≤ key ≤ top), with slack for what is near. */
    private long[] grow(int i, long[] a, int[] lo, int key) {
        int highest = ((top[i] >>> MANTISSA_BITS) + 1 << MANTISSA_BITS) - 1; // the end of the top's binade
        int low = a.length == 0 ? key : Math.min(lo[i], key);
        int high = a.length == 0 ? key : Math.max(lo[i] + a.length - 1, key);
        int pad = Math.max(8, (high - low + 1) / 2);
        int from = Math.max(floor[i], low - pad);
        int to = Math.min(highest, high + pad);
        long[] b = new long[to - from + 1];
        if (a.length > 0) {
            System.arraycopy(a, 0, b, lo[i] - from, a.length);
        }
        lo[i] = from;
        return b;
    }

    /** Adds every value of {@code other} and returns this. Not modified: other. */
    public DimensionQuantiles merge(DimensionQuantiles other) {
        if (other.dimensions != dimensions) {
            throw new IllegalArgumentException("dimension mismatch: expecting " + dimensions + " but got "
                    + other.dimensions);
        }
        for (int i = 0; i < dimensions; i++) {
            if (other.top[i] > top[i]) {
                raise(i, other.top[i]);
            }
            zeros[i] += other.zeros[i];
            mergeSide(i, other.positive[i], other.positiveLo[i], true);
            mergeSide(i, other.negative[i], other.negativeLo[i], false);
            min[i] = Math.min(min[i], other.min[i]);
            max[i] = Math.max(max[i], other.max[i]);
        }
        count += other.count;
        return this;
    }

    private void mergeSide(int i, long[] from, int fromLo, boolean positiveSide) {
        for (int j = 0; j < from.length; j++) {
            long c = from[j];
            if (c == 0) {
                continue;
            }
            int key = fromLo + j;
            if (key < floor[i]) {
                zeros[i] += c;
                continue;
            }
            long[] a = positiveSide ? positive[i] : negative[i];
            int[] lo = positiveSide ? positiveLo : negativeLo;
            if (key - lo[i] < 0 || key - lo[i] >= a.length) {
                a = grow(i, a, lo, key);
                if (positiveSide) {
                    positive[i] = a;
                } else {
                    negative[i] = a;
                }
            }
            a[key - lo[i]] += c;
        }
    }

    /**
     * The quantile of rank p of column i (see the class comment for its accuracy): NaN when the
     * column is empty.
     *
     * @param p in [0, 1]: 0 gives the minimum, 1 the maximum
     */
    public double quantile(int i, double p) {
        java.util.Objects.checkIndex(i, dimensions);
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("rank must be in [0, 1], got " + p);
        }
        if (count == 0) {
            return Double.NaN;
        }
        long target = Math.max(1, (long) Math.ceil(p * count));
        if (target == 1) {
            return min[i];
        }
        if (target >= count) {
            return max[i];
        }
        long seen = 0;
        long[] a = negative[i];
        for (int j = a.length - 1; j >= 0; j--) {
            seen += a[j];
            if (seen >= target) {
                return clamp(i, -middle(negativeLo[i] + j));
            }
        }
        seen += zeros[i];
        if (seen >= target) {
            return clamp(i, 0.0);
        }
        a = positive[i];
        for (int j = 0; j < a.length; j++) {
            seen += a[j];
            if (seen >= target) {
                return clamp(i, middle(positiveLo[i] + j));
            }
        }
        return max[i];
    }

    /** The quantiles of column i at each rank of {@code ps}, as {@link #quantile(int, double)}. */
    public double[] quantiles(int i, double... ps) {
        double[] q = new double[ps.length];
        for (int k = 0; k < ps.length; k++) {
            q[k] = quantile(i, ps[k]);
        }
        return q;
    }

    /** The smallest value of column i (NaN when empty). */
    public double min(int i) {
        return count == 0 ? Double.NaN : min[i];
    }

    /** The largest value of column i (NaN when empty). */
    public double max(int i) {
        return count == 0 ? Double.NaN : max[i];
    }

    /** (L_k + L_(k+1)) / 2: the middle of the magnitudes of key k. */
    private static double middle(int key) {
        double lower = Double.longBitsToDouble((long) key << SHIFT);
        double upper = Double.longBitsToDouble((long) (key + 1) << SHIFT);
        return lower + (upper - lower) / 2;
    }

    private double clamp(int i, double v) {
        return Math.min(max[i], Math.max(min[i], v));
    }

    /** The number of buckets held over all columns (a bucket is one long): the memory beside the fixed ~100 B per column. */
    public long bucketsHeld() {
        long n = 0;
        for (int i = 0; i < dimensions; i++) {
            n += positive[i].length + negative[i].length;
        }
        return n;
    }

    /** The most bytes the buckets of {@code dimensions} columns can take: 2 × 672 × 8 each. */
    public static long maxBucketBytes(int dimensions) {
        return (long) dimensions * 2 * MAX_BUCKETS_PER_SIGN * Long.BYTES;
    }
}
