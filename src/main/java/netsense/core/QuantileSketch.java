package netsense.core;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.Arrays;

/**
 * A mergeable quantile sketch of doubles: the KLL algorithm (Karnin, Lang and Liberty 2016) as
 * Apache DataSketches lays it out — levels of items of weight 2^h, level h holding up to
 * max(8, k·(2/3)^(H−1−h)) of H levels; a full level is sorted and every second item (from an
 * offset of 0 or 1) moves up a level — with two changes. Level 0 holds at least
 * min(k, {@value #MIN_LEVEL0_CAPACITY}) items (a larger lowest level only lowers the error), so
 * that it is sorted in large batches by a radix sort. And the offset is not drawn from a shared
 * unseeded random source but is a hash of the sketch's own state (its item count, the level
 * and the number of compactions so far). The same items, added and merged in the same order,
 * therefore give the same sketch and the same quantiles every run, while the offsets are as
 * unpredictable to the data as random ones. Exact (every item kept) up to k items.
 *
 * <p>−0.0 is kept as +0.0. Values must not be NaN. Serializable compactly (only the items held).
 */
final class QuantileSketch implements GradientSummary.Distribution, Serializable {
    private static final long serialVersionUID = 2L; // 2: each level an array
    private static final int MIN_LEVEL_CAPACITY = 8;
    /**
     * Level 0 (unsorted items of weight 1) holds at least this many before it is compacted: its
     * sort is a radix sort, several times cheaper per item than a comparison sort at this size,
     * and fewer compactions of level 0 only lower the rank error KLL's bound allows.
     */
    static final int MIN_LEVEL0_CAPACITY = 2048;
    /** Below this many items a comparison sort is the cheaper. */
    private static final int RADIX_MIN = 256;
    private static final ThreadLocal<RadixScratch> RADIX = ThreadLocal.withInitial(RadixScratch::new);

    private final int k;
    private long n;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private long compactions;
    private transient double[][] levels;   // level 0 unsorted, the others sorted
    private transient int[] sizes;
    private transient int numLevels;
    private transient int retained;
    private transient int capacity;        // of all levels together
    private transient int[] levelCapacity; // of each level, for the current number of levels
    private transient double[] promoted;   // scratch of compactions
    // the sorted view, built on demand: one immutable object, so that threads that only read the
    // sketch (the summary and the report, side by side) see it whole or build their own
    private transient SortedView sorted;

    /** Every retained item, sorted, with the running total of the weights. */
    private record SortedView(double[] values, long[] cumulative) {}

    QuantileSketch(int k) {
        if (k < MIN_LEVEL_CAPACITY) {
            throw new IllegalArgumentException("k must be at least " + MIN_LEVEL_CAPACITY + ", got " + k);
        }
        this.k = k;
        init(1);
    }

    private void init(int levelCount) {
        levels = new double[levelCount][];
        sizes = new int[levelCount];
        numLevels = 1;
        levels[0] = new double[16];
        levelCapacity = new int[levelCount];
        promoted = new double[16];
        capacity = totalCapacity();
    }

    /** The normalised rank error (single-sided, 99 % confidence) DataSketches states for KLL of this k. */
    static double rankError(int k) {
        return 2.296 / Math.pow(k, 0.9723);
    }

    void update(double x) {
        add(0, x + 0.0);
        n++;
        if (x < min) {
            min = x + 0.0;
        }
        if (x > max) {
            max = x + 0.0;
        }
        if (++retained > capacity) {
            compress();
        }
        sorted = null;
    }

    /**
     * Adds {@code values[off + i·stride]} for i in [0, count), as that many {@link #update}
     * calls in that order would (the same sketch, bit for bit), without a call per item.
     */
    void update(double[] values, int off, int stride, int count) {
        int i = 0;
        while (i < count) {
            int m = Math.min(count - i, Math.max(1, capacity - retained + 1)); // up to the item that makes it full
            int size = sizes[0];
            double[] a = levels[0];
            if (a.length < size + m) {
                a = Arrays.copyOf(a, Math.max(size + m, 2 * a.length));
                levels[0] = a;
            }
            double lo = min;
            double hi = max;
            for (int k = 0, at = off + i * stride; k < m; k++, at += stride) {
                double x = values[at] + 0.0;
                a[size + k] = x;
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
            }
            min = lo;
            max = hi;
            sizes[0] = size + m;
            n += m;
            retained += m;
            i += m;
            if (retained > capacity) {
                compress();
            }
        }
        sorted = null;
    }

    /** Adds every item of {@code other}; the result depends on the order of merges, as every KLL's does. */
    void merge(QuantileSketch other) {
        if (other.n == 0) {
            return;
        }
        if (other.k != k) {
            throw new IllegalArgumentException("sketches of different k: " + k + " and " + other.k);
        }
        while (numLevels < other.numLevels) {
            addLevel();
        }
        for (int h = 0; h < other.numLevels; h++) {
            for (int i = 0; i < other.sizes[h]; i++) {
                add(h, other.levels[h][i]);
            }
            if (h > 0) {
                Arrays.sort(levels[h], 0, sizes[h]);
            }
            retained += other.sizes[h];
        }
        n += other.n;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
        compactions += other.compactions;
        compress();
        sorted = null;
    }

    private void add(int level, double x) {
        double[] a = levels[level];
        if (sizes[level] == a.length) {
            a = Arrays.copyOf(a, 2 * a.length);
            levels[level] = a;
        }
        a[sizes[level]++] = x;
    }

    private void addLevel() {
        if (numLevels == levels.length) {
            levels = Arrays.copyOf(levels, numLevels + 1);
            sizes = Arrays.copyOf(sizes, numLevels + 1);
            levelCapacity = Arrays.copyOf(levelCapacity, numLevels + 1);
        }
        levels[numLevels] = new double[16];
        sizes[numLevels] = 0;
        numLevels++;
        capacity = totalCapacity();
    }

    /** Each level's capacity for the current number of levels (they shrink as levels are added), and their sum. */
    private int totalCapacity() {
        int c = 0;
        for (int h = 0; h < numLevels; h++) {
            int depth = numLevels - 1 - h;
            levelCapacity[h] = (int) Math.max(h == 0 ? Math.min(k, MIN_LEVEL0_CAPACITY) : MIN_LEVEL_CAPACITY,
                    Math.round(k * Math.pow(2.0 / 3.0, depth)));
            c += levelCapacity[h];
        }
        return c;
    }

    /** Compacts the lowest full level until the items fit the capacity. */
    private void compress() {
        while (retained > capacity) {
            int h = 0;
            while (h < numLevels - 1 && sizes[h] < levelCapacity[h]) {
                h++;
            }
            if (h == numLevels - 1) {
                addLevel();
            }
            compact(h);
        }
    }

    private void compact(int h) {
        double[] a = levels[h];
        int size = sizes[h];
        if (h == 0) {
            sort(a, size);
        }
        int start = size % 2; // an odd item out stays (the smallest)
        int offset = (int) (mix(n, h, compactions++) & 1L);
        int count = (size - start) / 2;
        if (promoted.length < count) {
            promoted = new double[Math.max(count, 2 * promoted.length)];
        }
        for (int i = 0; i < count; i++) {
            promoted[i] = a[start + offset + 2 * i];
        }
        sizes[h] = start;
        retained -= size - start - count;
        mergeSortedInto(h + 1, promoted, count);
    }

    /** Merges {@code up[0..count)} (sorted) into sorted level {@code level}, in place from the back. */
    private void mergeSortedInto(int level, double[] up, int count) {
        int size = sizes[level];
        double[] a = levels[level];
        if (a.length < size + count) {
            a = Arrays.copyOf(a, Math.max(size + count, 2 * a.length));
            levels[level] = a;
        }
        int i = size - 1;
        int j = count - 1;
        int o = size + count - 1;
        while (j >= 0) { // ties: the level's own item first, as a forward merge would put it
            a[o--] = i >= 0 && a[i] > up[j] ? a[i--] : up[j--];
        }
        sizes[level] = size + count;
    }

    /**
     * Sorts {@code a[0..size)} ascending — the order {@link Arrays#sort(double[])} gives items
     * without NaN and −0.0, as the sketch's are. Their bits, mapped to unsigned order, are radix
     * sorted (least significant digit first, {@value #DIGIT_BITS} bits a pass, skipping the
     * digits all items share) on all but their lowest {@value #LOW_BITS}; a last insertion pass
     * orders what only those tell apart (items within 2^-43 of each other: exact ties, nearly).
     */
    static void sort(double[] a, int size) {
        if (size < RADIX_MIN) {
            Arrays.sort(a, 0, size);
            return;
        }
        RadixScratch scratch = RADIX.get();
        long[] src = scratch.keys(size);
        long[] dst = scratch.spare;
        int[] c = scratch.counts;
        Arrays.fill(c, 0);
        for (int i = 0; i < size; i++) {
            long b = Double.doubleToRawLongBits(a[i]);
            long key = b ^ ((b >> 63) | Long.MIN_VALUE); // negatives: every bit flipped; others: the sign bit
            src[i] = key;
            for (int d = 0; d < DIGITS; d++) {
                c[(d << DIGIT_BITS) + (int) ((key >>> (LOW_BITS + d * DIGIT_BITS)) & DIGIT_MASK)]++;
            }
        }
        for (int d = 0; d < DIGITS; d++) {
            int base = d << DIGIT_BITS;
            int shift = LOW_BITS + d * DIGIT_BITS;
            if (c[base + (int) ((src[0] >>> shift) & DIGIT_MASK)] == size) {
                continue; // one value of this digit: the pass would move nothing
            }
            int sum = 0;
            for (int j = 0; j <= DIGIT_MASK; j++) {
                int t = c[base + j];
                c[base + j] = sum;
                sum += t;
            }
            for (int i = 0; i < size; i++) {
                long key = src[i];
                dst[c[base + (int) ((key >>> shift) & DIGIT_MASK)]++] = key;
            }
            long[] t = src;
            src = dst;
            dst = t;
        }
        for (int i = 1; i < size; i++) { // items equal above the low bits: in any order so far
            long key = src[i];
            int j = i - 1;
            while (j >= 0 && Long.compareUnsigned(src[j], key) > 0) {
                src[j + 1] = src[j];
                j--;
            }
            src[j + 1] = key;
        }
        for (int i = 0; i < size; i++) {
            long key = src[i];
            a[i] = Double.longBitsToDouble(key ^ ((~key >> 63) | Long.MIN_VALUE));
        }
    }

    private static final int LOW_BITS = 9;
    private static final int DIGIT_BITS = 11;
    private static final int DIGITS = (64 - LOW_BITS + DIGIT_BITS - 1) / DIGIT_BITS; // 5
    private static final int DIGIT_MASK = (1 << DIGIT_BITS) - 1;

    /** A thread's buffers for {@link #sort}: two key arrays and the digit counts of its passes. */
    private static final class RadixScratch {
        long[] keys = new long[0];
        long[] spare = new long[0];
        final int[] counts = new int[DIGITS << DIGIT_BITS];

        long[] keys(int size) {
            if (keys.length < size) {
                keys = new long[size];
                spare = new long[size];
            }
            return keys;
        }
    }

    /** SplitMix64's finaliser of the sketch's state: a fair, reproducible coin per compaction. */
    private static long mix(long count, int level, long compaction) {
        long z = count * 0x9E3779B97F4A7C15L + level * 0xBF58476D1CE4E5B9L + compaction * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public long count() {
        return n;
    }

    @Override
    public double min() {
        return n == 0 ? Double.NaN : min;
    }

    @Override
    public double max() {
        return n == 0 ? Double.NaN : max;
    }

    @Override
    public double fractionBelow(double x) {
        if (n == 0) {
            return Double.NaN;
        }
        if (x <= min) {
            return 0.0;
        }
        if (x > max) {
            return 1.0;
        }
        SortedView view = sortedView();
        int i = Arrays.binarySearch(view.values(), x);
        if (i < 0) {
            i = -i - 1;
        } else {
            while (i > 0 && view.values()[i - 1] == x) {
                i--;
            }
        }
        return i == 0 ? 0.0 : (double) view.cumulative()[i - 1] / n;
    }

    @Override
    public double quantile(double rank) {
        if (n == 0) {
            return Double.NaN;
        }
        if (!(rank >= 0 && rank <= 1)) {
            throw new IllegalArgumentException("rank must be in [0, 1], got " + rank);
        }
        SortedView view = sortedView();
        long target = Math.max(1, (long) Math.ceil(rank * n));
        int i = Arrays.binarySearch(view.cumulative(), target);
        if (i < 0) {
            i = -i - 1;
        }
        return view.values()[Math.min(i, view.values().length - 1)];
    }

    /** Every item with its weight, sorted, and the running total of the weights. */
    private SortedView sortedView() {
        SortedView view = sorted;
        if (view != null) {
            return view;
        }
        double[] values = new double[0];
        long[] weights = new long[0];
        for (int h = 0; h < numLevels; h++) {
            double[] level = Arrays.copyOf(levels[h], sizes[h]);
            Arrays.sort(level);
            double[] v = new double[values.length + level.length];
            long[] w = new long[v.length];
            int i = 0;
            int j = 0;
            int o = 0;
            while (i < values.length || j < level.length) {
                if (j == level.length || (i < values.length && values[i] <= level[j])) {
                    v[o] = values[i];
                    w[o++] = weights[i++];
                } else {
                    v[o] = level[j++];
                    w[o++] = 1L << h;
                }
            }
            values = v;
            weights = w;
        }
        for (int i = 1; i < weights.length; i++) {
            weights[i] += weights[i - 1];
        }
        view = new SortedView(values, weights);
        sorted = view;
        return view;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        out.writeInt(numLevels);
        for (int h = 0; h < numLevels; h++) { // each level an array: written and read whole, not item by item
            out.writeObject(Arrays.copyOf(levels[h], sizes[h]));
        }
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        int count = in.readInt();
        init(count);
        for (int h = 0; h < count; h++) {
            if (h > 0) {
                addLevel();
            }
            double[] items = (double[]) in.readObject();
            int size = items.length;
            levels[h] = size >= 16 ? items : Arrays.copyOf(items, 16);
            sizes[h] = size;
            retained += size;
        }
    }
}
