package netsense.core;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Poisson bootstrap of a pass over the rows (Hanley and MacGibbon 2006; Chamandy et al.,
 * "Estimating uncertainty for massive data streams", Google 2012; Spark's {@code BaggedPoint}):
 * B replicates, in each of which row r counts w_rb times, w_rb ~ Poisson(1) — the weights
 * a multinomial resample of n rows would give, for large n, drawn independently per row so that
 * one pass serves all B replicates. The weights are a function of (seed, row key, replicate)
 * ({@link #poissonWeight}), not of a generator's state: the same rows give the same replicates
 * in any partition, block and order.
 *
 * <p><b>What is kept</b>, per replicate b and dimension i of the rows' vectors g:
 *
 * <pre>
 *     Σ_r w_rb·g_ri,   Σ_r w_rb·|g_ri|,   Σ_r w_rb·g_ri²          (compensated sums: hi + lo)
 *     W_b = Σ_r w_rb,  and of the output y: its weighted mean and M2 = Σ_r w_rb·(y_r − ȳ_b)²
 * </pre>
 *
 * <p>whence per replicate mean_b = Σwg/W_b, mean_abs_b, mean_sq_b = ν_ib, D_b = M2_b/(W_b − 1) and
 * dgsm_bound_b = C_i·ν_ib/D_b (C_i the Poincaré constant of the whole input, {@link DgsmBound}).
 *
 * <p><b>How it is fast.</b> Per block of rows the B × (3n + 3) sums are one matrix product,
 * {@code Sᵀ += Aᵀ·Ω}: Aᵀ holds a row per figure — g_i, |g_i|, g_i², 1, y − c, (y − c)² with c the
 * block's mean output — and a column per row, Ω holds a row per row and a column per replicate
 * (the weights). It runs on the project's {@link MatrixProduct} (the JDK Vector API where present),
 * and the block's sums are then added to the totals in compensated (TwoSum) arithmetic and, for
 * the output, by the parallel formula of Chan et al. The weights cost one SplitMix64 round per
 * two replicates (the first three parts of the key mixed once per row, {@link KeyedRandom#prefix})
 * and a table look-up each.
 *
 * <p><b>Partition invariance.</b> The weights are the same bits in any split. The sums are not
 * formed in one fixed order, so a split into other blocks or partitions changes a figure by a few
 * units in the 16th digit (compensated totals; far below the 1e-9 the contract allows), and the
 * ranks not at all unless two dimensions' ν differ by about that little in some replicate
 * (dimensions of identical columns tie in every split, as each block treats every column alike).
 *
 * <p><b>Memory</b> ({@link #memoryBytes}): 8 bytes × (6·B·n for the totals, 3·B·(n + 1) for one
 * block's product, 3·B for the outputs, and R·(3n + 3 + B) for a chunk of R ≤ 256 rows of the
 * stacked figures and weights, R·(3n + 3) ≤ 2^20): about 72·B·n bytes plus the chunk — 754 KB for
 * B = 200, n = 16; 152 MB for B = 200, n = 10,000. {@link #fits} says whether (B, n) stays within a limit ({@link #DEFAULT_MEMORY_LIMIT},
 * 256 MB per task); the job refuses beyond it. Serialised, the totals take 48·B·n bytes.
 * Computing the intervals ({@link #intervals}) takes 8·B·n bytes more, once.
 *
 * <p>Zero / add / merge: a new summary is empty; {@link #addBlock} and {@link #merge} mutate it.
 * Vector entries beyond about 1e154 in magnitude overflow the sums of squares: their figures come
 * out undefined (null intervals) rather than wrong.
 */
public final class BootstrapSummary implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The memory a task may give the bootstrap: 256 MB. */
    public static final long DEFAULT_MEMORY_LIMIT = 256L << 20;

    /** The third part of the weights' key, bits(seed, row key, STREAM, replicate / 2): "bootstrp". */
    static final long STREAM = 0x626F6F7473747270L;

    private static final int MAX_CHUNK_ROWS = 256;
    private static final int CHUNK_VALUES = 1 << 20;  // the stacked figures of one chunk: at most 8 MB
    private static final int TABLE_SHIFT = 20;        // 2^12 cells of the 32-bit uniform
    private static final double[] POISSON_CDF = poissonCdf();
    private static final byte[] POISSON_TABLE = poissonTable();

    private final int replicates;
    private final int dimensions;
    private final long seed;
    private long rows;
    private final double[] hi;        // (3n) × B: figure j (Σwg_i: i, Σw|g_i|: n + i, Σwg_i²: 2n + i), replicate b
    private final double[] lo;
    private final double[] weight;    // W_b
    private final double[] outMean;   // weighted mean of y in replicate b
    private final double[] outM2;     // Σ w (y − mean)² in replicate b
    private transient double[] stacked;   // Aᵀ: (3n + 3) × chunk rows
    private transient double[] omega;     // Ω: chunk rows × B
    private transient double[] product;   // (3n + 3) × B

    /**
     * An empty bootstrap of {@code replicates} replicates (at least 1) of vectors of
     * {@code dimensions} entries (at least 1), with the weights of {@code seed}.
     *
     * @throws IllegalArgumentException when its arrays would exceed Java's array size
     */
    public BootstrapSummary(int replicates, int dimensions, long seed) {
        if (replicates < 1 || dimensions < 1) {
            throw new IllegalArgumentException("replicates and dimensions must be at least 1, got " + replicates
                    + " and " + dimensions);
        }
        if ((3L * dimensions + 3) * replicates > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(replicates + " replicates of " + dimensions
                    + " dimensions exceed an array's size");
        }
        this.replicates = replicates;
        this.dimensions = dimensions;
        this.seed = seed;
        this.hi = new double[3 * dimensions * replicates];
        this.lo = new double[3 * dimensions * replicates];
        this.weight = new double[replicates];
        this.outMean = new double[replicates];
        this.outM2 = new double[replicates];
    }

    public int replicates() {
        return replicates;
    }

    public int dimensions() {
        return dimensions;
    }

    public long seed() {
        return seed;
    }

    /** The number of rows summarised (each in every replicate, with its weight there). */
    public long rows() {
        return rows;
    }

    /** The bytes a summary of (B, n) holds while it takes rows: see the class comment. */
    public static long memoryBytes(int replicates, int dimensions) {
        long figures = 3L * dimensions + 3;
        long chunk = chunkRows(dimensions);
        return 8L * (6L * dimensions * replicates + figures * replicates + 3L * replicates
                + chunk * (figures + replicates));
    }

    /** Whether a summary of (B, n) stays within {@code limitBytes}, as {@link #memoryBytes} counts. */
    public static boolean fits(int replicates, int dimensions, long limitBytes) {
        return replicates >= 0 && dimensions >= 0 && memoryBytes(replicates, dimensions) <= limitBytes;
    }

    private static int chunkRows(int dimensions) {
        return (int) Math.max(1, Math.min(MAX_CHUNK_ROWS, CHUNK_VALUES / (3L * dimensions + 3)));
    }

    /**
     * The weight of row {@code key} in replicate {@code replicate}: the Poisson(1) number whose
     * cumulative distribution first exceeds u = (v + ½)/2^32, v the low (even replicate) or high
     * (odd replicate) 32 bits of {@code KeyedRandom.bits(seed, key, STREAM, replicate / 2)}.
     * Exact in law to 2^-32 (a weight above 12 has probability below 1e-10 and never occurs).
     */
    public static int poissonWeight(long seed, long key, int replicate) {
        long h = KeyedRandom.bits(seed, key, STREAM, replicate >>> 1);
        return poisson((int) ((replicate & 1) == 0 ? h : h >>> 32));
    }

    /** The Poisson(1) number of the 32-bit uniform v (unsigned): a table cell, or the CDF where a cell straddles a step. */
    private static int poisson(int v) {
        long u = v & 0xFFFF_FFFFL;
        int k = POISSON_TABLE[(int) (u >>> TABLE_SHIFT)];
        return k >= 0 ? k : poissonByCdf(u);
    }

    private static int poissonByCdf(long u) {
        double x = (u + 0.5) * 0x1.0p-32;
        int k = 0;
        while (k < POISSON_CDF.length - 1 && x >= POISSON_CDF[k]) {
            k++;
        }
        return k;
    }

    private static double[] poissonCdf() {
        List<Double> cdf = new ArrayList<>();
        double p = Math.exp(-1);
        double c = p;
        for (int k = 0; c < 1 - 0x1.0p-40 && k < 30; k++) {
            cdf.add(c);
            p /= k + 1;
            c += p;
        }
        cdf.add(Double.POSITIVE_INFINITY);
        return cdf.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static byte[] poissonTable() {
        byte[] t = new byte[1 << (32 - TABLE_SHIFT)];
        for (int cell = 0; cell < t.length; cell++) {
            long first = (long) cell << TABLE_SHIFT;
            long last = first + (1L << TABLE_SHIFT) - 1;
            int k = poissonByCdf(first);
            t[cell] = (byte) (k == poissonByCdf(last) ? k : -1);
        }
        return t;
    }

    /**
     * Adds {@code rows} rows, row r with key {@code keys[keyOff + r]} (the row's id, or
     * {@link KeyedRandom#ofFeatures} of its features), output {@code outputs[outOff + r]} and
     * vector {@code vectors[vecOff + r·n ..]}. The rows' weights in the replicates are drawn
     * here ({@link #poissonWeight}). Outputs and vectors must be finite
     * ({@link IllegalArgumentException} otherwise, before anything is added).
     *
     * @param keys    Not modified
     * @param outputs Not modified
     * @param vectors Not modified: {@code rows × dimensions}, row-major
     */
    public void addBlock(long[] keys, int keyOff, double[] outputs, int outOff, double[] vectors, int vecOff,
                         int rows) {
        addBlock(keys, keyOff, outputs, outOff, vectors, vecOff, rows, null, 0);
    }

    /**
     * As {@link #addBlock(long[], int, double[], int, double[], int, int)}, row r also carrying a
     * frequency weight f_r = {@code rowWeights[rowWeightOff + r]} (null: 1): its weight in
     * replicate b is f_r·w_rb — the row resampled as one unit. Weights must be finite and ≥ 0.
     *
     * @param rowWeights Not modified; null: every row 1
     */
    public void addBlock(long[] keys, int keyOff, double[] outputs, int outOff, double[] vectors, int vecOff,
                         int rows, double[] rowWeights, int rowWeightOff) {
        int n = dimensions;
        java.util.Objects.checkFromIndexSize(keyOff, rows, keys.length);
        java.util.Objects.checkFromIndexSize(outOff, rows, outputs.length);
        java.util.Objects.checkFromIndexSize(vecOff, rows * n, vectors.length);
        if (rowWeights != null) {
            java.util.Objects.checkFromIndexSize(rowWeightOff, rows, rowWeights.length);
        }
        for (int r = 0; r < rows; r++) {
            if (!Double.isFinite(outputs[outOff + r])) {
                throw new IllegalArgumentException("row " + r + ": output " + outputs[outOff + r] + " is not finite");
            }
            for (int i = 0; i < n; i++) {
                if (!Double.isFinite(vectors[vecOff + r * n + i])) {
                    throw new IllegalArgumentException("row " + r + ": vector entry " + i + " is not finite ("
                            + vectors[vecOff + r * n + i] + ")");
                }
            }
            if (rowWeights != null && !(rowWeights[rowWeightOff + r] >= 0
                    && rowWeights[rowWeightOff + r] < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("row " + r + ": weight " + rowWeights[rowWeightOff + r]
                        + " (weights are non-negative and finite)");
            }
        }
        int chunk = chunkRows(n);
        for (int start = 0; start < rows; start += chunk) {
            int m = Math.min(chunk, rows - start);
            addChunk(keys, keyOff + start, outputs, outOff + start, vectors, vecOff + start * n, m,
                    rowWeights, rowWeights == null ? 0 : rowWeightOff + start);
        }
        this.rows += rows;
    }

    /** One product Sᵀ = Aᵀ·Ω over at most {@link #chunkRows} rows, folded into the totals. */
    private void addChunk(long[] keys, int keyOff, double[] outputs, int outOff, double[] vectors, int vecOff,
                          int m, double[] rowWeights, int rowWeightOff) {
        int n = dimensions;
        int bs = replicates;
        int figures = 3 * n + 3;
        int chunk = chunkRows(n);
        if (stacked == null) {
            stacked = new double[figures * chunk];
            omega = new double[chunk * bs];
            product = new double[figures * bs];
        }
        double[] a = stacked;
        double[] w = omega;
        double centre = 0;
        for (int r = 0; r < m; r++) {
            centre += outputs[outOff + r];
        }
        centre /= m;
        for (int r = 0; r < m; r++) {
            int v = vecOff + r * n;
            for (int i = 0; i < n; i++) {
                double g = vectors[v + i];
                a[i * m + r] = g;
                a[(n + i) * m + r] = Math.abs(g);
                a[(2 * n + i) * m + r] = g * g;
            }
            double d = outputs[outOff + r] - centre;
            a[3 * n * m + r] = 1;
            a[(3 * n + 1) * m + r] = d;
            a[(3 * n + 2) * m + r] = d * d;
            drawWeights(seed, keys[keyOff + r], bs, w, r * bs, rowWeights == null ? 1.0 : rowWeights[rowWeightOff + r]);
        }
        double[] s = product;
        Arrays.fill(s, 0.0);
        Backends.DEFAULT.product().multiplyAdd(a, 0, figures, m, w, 0, bs, s, 0);
        for (int k = 0; k < 3 * n * bs; k++) {
            double x = s[k];
            double h = hi[k];
            double sum = h + x;
            double bp = sum - h;
            lo[k] += (h - (sum - bp)) + (x - bp);
            hi[k] = sum;
        }
        int wRow = 3 * n * bs;
        for (int b = 0; b < bs; b++) {
            double wb = s[wRow + b];
            if (wb == 0) {
                continue;
            }
            double s1 = s[wRow + bs + b];
            double s2 = s[wRow + 2 * bs + b];
            combineOutput(b, wb, centre + s1 / wb, Math.max(0.0, s2 - s1 * s1 / wb));
        }
    }

    /** The row's weights in the B replicates into {@code w[off ..]}, each times {@code factor}. */
    static void drawWeights(long seed, long key, int bs, double[] w, int off, double factor) {
        long p = KeyedRandom.prefix(seed, key, STREAM);
        byte[] table = POISSON_TABLE;
        int b = 0;
        for (; b + 7 < bs; b += 8) { // four independent hashes per step, for the multipliers' throughput
            long pair = b >>> 1;
            long h0 = KeyedRandom.mix(p ^ pair);
            long h1 = KeyedRandom.mix(p ^ (pair + 1));
            long h2 = KeyedRandom.mix(p ^ (pair + 2));
            long h3 = KeyedRandom.mix(p ^ (pair + 3));
            pairOf(h0, table, w, off + b);
            pairOf(h1, table, w, off + b + 2);
            pairOf(h2, table, w, off + b + 4);
            pairOf(h3, table, w, off + b + 6);
        }
        for (; b + 1 < bs; b += 2) {
            pairOf(KeyedRandom.mix(p ^ (b >>> 1)), table, w, off + b);
        }
        if (b < bs) {
            w[off + b] = poisson((int) KeyedRandom.mix(p ^ (b >>> 1)));
        }
        if (factor != 1) {
            for (int k = 0; k < bs; k++) {
                w[off + k] *= factor;
            }
        }
    }

    /** The weights of the low and the high 32 bits of h into w[at] and w[at + 1]. */
    private static void pairOf(long h, byte[] table, double[] w, int at) {
        int even = table[(int) ((h & 0xFFFF_FFFFL) >>> TABLE_SHIFT)];
        int odd = table[(int) (h >>> (32 + TABLE_SHIFT))];
        if ((even | odd) < 0) { // a cell that straddles a step of the CDF: 1 in 600
            even = poisson((int) h);
            odd = poisson((int) (h >>> 32));
        }
        w[at] = even;
        w[at + 1] = odd;
    }

    /** Adds a part of weight wb, mean and M2 to replicate b's output figures (Chan, Golub and LeVeque). */
    private void combineOutput(int b, double wb, double mean, double m2) {
        double wa = weight[b];
        double total = wa + wb;
        if (wa == 0) {
            outMean[b] = mean;
            outM2[b] = m2;
        } else {
            double delta = mean - outMean[b];
            outMean[b] += delta * (wb / total);
            outM2[b] += m2 + delta * delta * (wa / total) * wb;
        }
        weight[b] = total;
    }

    /**
     * Adds every row of {@code other} and returns this. Not modified: other.
     *
     * @throws IllegalArgumentException when other has another B, n or seed
     */
    public BootstrapSummary merge(BootstrapSummary other) {
        if (other.replicates != replicates || other.dimensions != dimensions || other.seed != seed) {
            throw new IllegalArgumentException("cannot merge a bootstrap of " + other.replicates + " replicates, "
                    + other.dimensions + " dimensions and seed " + other.seed + " into one of " + replicates
                    + ", " + dimensions + " and " + seed);
        }
        for (int k = 0; k < hi.length; k++) {
            addTo(k, other.hi[k]);
            addTo(k, other.lo[k]);
        }
        for (int b = 0; b < replicates; b++) {
            if (other.weight[b] > 0) {
                combineOutput(b, other.weight[b], other.outMean[b], other.outM2[b]);
            }
        }
        rows += other.rows;
        return this;
    }

    private void addTo(int k, double x) {
        double h = hi[k];
        double sum = h + x;
        double bp = sum - h;
        lo[k] += (h - (sum - bp)) + (x - bp);
        hi[k] = sum;
    }

    /** The figures of the bootstrap, per replicate: what the intervals are percentiles of. */
    public enum Figure {
        /** Σw·g_i / W_b. */
        MEAN,
        /** Σw·|g_i| / W_b. */
        MEAN_ABS,
        /** Σw·g_i² / W_b, the DGSM ν_i. */
        MEAN_SQ
    }

    /** Figure f of dimension i in replicate b: NaN when the replicate holds no row (W_b = 0). */
    public double replicateValue(Figure f, int i, int b) {
        java.util.Objects.checkIndex(i, dimensions);
        java.util.Objects.checkIndex(b, replicates);
        int k = (f.ordinal() * dimensions + i) * replicates + b;
        return weight[b] > 0 ? (hi[k] + lo[k]) / weight[b] : Double.NaN;
    }

    /** The output's sample variance D_b = M2_b / (W_b − 1) in replicate b: NaN for W_b ≤ 1. */
    public double replicateOutputVariance(int b) {
        java.util.Objects.checkIndex(b, replicates);
        return weight[b] > 1 ? outM2[b] / (weight[b] - 1) : Double.NaN;
    }

    /** W_b, the total weight of replicate b. */
    public double replicateWeight(int b) {
        java.util.Objects.checkIndex(b, replicates);
        return weight[b];
    }

    /** A closed interval [lo, hi]. */
    public record Interval(double lo, double hi) {
        public boolean contains(double x) {
            return lo <= x && x <= hi;
        }

        public double width() {
            return hi - lo;
        }
    }

    /**
     * The bootstrap figures of one dimension: percentile intervals of mean, mean_abs, mean_sq
     * and (with constants) dgsm_bound; the median of the dimension's rank by mean_sq over the
     * replicates (rank 1 the largest; tied dimensions share the mean of their ranks) and the
     * interval of its rank. Null where undefined (fewer than two replicates with a figure).
     */
    public record DimensionIntervals(int index, Interval mean, Interval meanAbs, Interval meanSquare,
                                     Interval dgsmBound, Double rankMedian, Interval rank) {}

    /**
     * The intervals of every dimension at {@code confidence} c: for each figure the percentile
     * interval of its B replicate values — the values at ranks (1 − c)/2 and (1 + c)/2, linearly
     * interpolated between order statistics (Hyndman and Fan's type 7, numpy's default); for the
     * rank, the order statistics at or outside those ranks (so the ends are ranks, not fractions
     * of them) and the median (the mean of the middle two for an even count: a half-integer).
     * Replicates with no row (W_b = 0) are left out; dgsm_bound also where D_b is undefined.
     *
     * @param confidence in (0, 1), e.g. 0.95
     * @param constants  Not modified: C_i of every dimension ({@link DgsmBound#constants}), or null: no dgsm_bound
     */
    public List<DimensionIntervals> intervals(double confidence, double[] constants) {
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
        }
        if (constants != null && constants.length != dimensions) {
            throw new IllegalArgumentException("dimension mismatch: expecting " + dimensions + " constants but got "
                    + constants.length);
        }
        double pLo = (1 - confidence) / 2;
        double pHi = (1 + confidence) / 2;
        double[][] ranks = ranks();
        double[] values = new double[replicates];
        List<DimensionIntervals> out = new ArrayList<>(dimensions);
        for (int i = 0; i < dimensions; i++) {
            Interval[] figures = new Interval[Figure.values().length];
            for (Figure f : Figure.values()) {
                for (int b = 0; b < replicates; b++) {
                    values[b] = replicateValue(f, i, b);
                }
                figures[f.ordinal()] = percentileInterval(values, pLo, pHi);
            }
            Interval dgsm = null;
            if (constants != null) {
                for (int b = 0; b < replicates; b++) {
                    values[b] = DgsmBound.bound(constants[i], replicateValue(Figure.MEAN_SQ, i, b),
                            replicateOutputVariance(b));
                }
                dgsm = percentileInterval(values, pLo, pHi);
            }
            double[] r = ranks[i];
            int m = r.length;
            Double median = m == 0 ? null : (r[(m - 1) / 2] + r[m / 2]) / 2;
            Interval rank = m < 2 ? null : new Interval(r[(int) Math.floor((m - 1) * pLo)],
                    r[(int) Math.ceil((m - 1) * pHi)]);
            out.add(new DimensionIntervals(i, figures[0], figures[1], figures[2], dgsm, median, rank));
        }
        return out;
    }

    /** Each dimension's ranks by mean_sq in the replicates that hold rows, sorted: n × (replicates with rows). */
    private double[][] ranks() {
        int used = 0;
        for (int b = 0; b < replicates; b++) {
            used += weight[b] > 0 ? 1 : 0;
        }
        double[][] ranks = new double[dimensions][used];
        double[] nu = new double[dimensions];
        double[] sorted = new double[dimensions];
        int k = 0;
        for (int b = 0; b < replicates; b++) {
            if (weight[b] == 0) {
                continue;
            }
            for (int i = 0; i < dimensions; i++) {
                nu[i] = replicateValue(Figure.MEAN_SQ, i, b);
            }
            System.arraycopy(nu, 0, sorted, 0, dimensions);
            Arrays.sort(sorted);
            for (int i = 0; i < dimensions; i++) {
                int below = countBelow(sorted, nu[i], false);
                int upTo = countBelow(sorted, nu[i], true);
                // 1 + (the number larger) + (the number of ties besides itself)/2
                ranks[i][k] = 1 + (dimensions - upTo) + (upTo - below - 1) / 2.0;
            }
            k++;
        }
        for (double[] r : ranks) {
            Arrays.sort(r);
        }
        return ranks;
    }

    /** The number of values of {@code sorted} below v, or at or below v when {@code orEqual}. */
    private static int countBelow(double[] sorted, double v, boolean orEqual) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            int c = Double.compare(sorted[mid], v);
            if (c < 0 || (orEqual && c == 0)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The type-7 percentiles pLo and pHi of the finite values (modified: sorted in place); null for fewer than two. */
    static Interval percentileInterval(double[] values, double pLo, double pHi) {
        int m = 0;
        for (double v : values) {
            if (Double.isFinite(v)) {
                values[m++] = v;
            }
        }
        if (m < 2) {
            return null;
        }
        Arrays.sort(values, 0, m);
        return new Interval(percentile(values, m, pLo), percentile(values, m, pHi));
    }

    /** Hyndman and Fan's type 7 on the sorted first m values: v[⌊h⌋] + (h − ⌊h⌋)(v[⌊h⌋ + 1] − v[⌊h⌋]), h = (m − 1)p. */
    static double percentile(double[] sorted, int m, double p) {
        double h = (m - 1) * p;
        int j = (int) Math.floor(h);
        if (j >= m - 1) {
            return sorted[m - 1];
        }
        return sorted[j] + (h - j) * (sorted[j + 1] - sorted[j]);
    }
}
