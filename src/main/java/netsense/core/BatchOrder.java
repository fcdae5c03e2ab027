package netsense.core;

/**
 * Which rows each step trains on, a function of (seed, step) alone — so that a run repeats,
 * and any stretch of it can be run again from a snapshot of the weights.
 *
 * <ul>
 *   <li>batch size 1: one row drawn uniformly at each step, with replacement — Higham &amp;
 *       Higham's {@code netbp}: row = SplitMix64(seed, step) mod N;
 *   <li>1 &lt; B &lt; N: epochs of ⌈N/B⌉ steps; each epoch a permutation of the rows (Fisher–Yates
 *       from SplitMix64 of the seed and the epoch) cut into batches of B, the last one shorter;
 *   <li>B = 0 or B ≥ N: every row at every step (full batch).
 * </ul>
 */
public final class BatchOrder {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final long EPOCH_STREAM = 0x632BE59BD9B4E019L;

    private final long seed;
    private final int rows;
    private final int batch;
    private int[] permutation;
    private long epoch = -1;

    public BatchOrder(long seed, int rows, int batchSize) {
        if (rows < 1) {
            throw new IllegalArgumentException("no rows to train on");
        }
        this.seed = seed;
        this.rows = rows;
        this.batch = batchSize <= 0 || batchSize >= rows ? rows : batchSize;
    }

    /** Rows per step (the last batch of an epoch may have fewer). */
    public int batchSize() {
        return batch;
    }

    public boolean fullBatch() {
        return batch == rows;
    }

    /** Steps per pass over the data: N for batch size 1 (in expectation), ⌈N/B⌉, 1 for the full batch. */
    public long stepsPerEpoch() {
        return (rows + batch - 1) / batch;
    }

    /** SplitMix64 of the seed's stream at {@code counter}: a 64-bit hash, every bit mixed. */
    public static long mix(long seed, long counter) {
        long z = seed + (counter + 1) * GOLDEN;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * The rows of step {@code step} into {@code out} (at least {@link #batchSize} long); returns
     * how many. The full batch is not listed: it returns N with {@code out} untouched.
     */
    public int rows(long step, int[] out) {
        if (batch == rows) {
            return rows;
        }
        if (batch == 1) {
            out[0] = (int) Long.remainderUnsigned(mix(seed, step), rows);
            return 1;
        }
        long spe = stepsPerEpoch();
        long e = step / spe;
        if (e != epoch) {
            shuffle(e);
        }
        int from = (int) ((step % spe) * batch);
        int count = Math.min(batch, rows - from);
        System.arraycopy(permutation, from, out, 0, count);
        return count;
    }

    private void shuffle(long e) {
        if (permutation == null) {
            permutation = new int[rows];
        }
        for (int i = 0; i < rows; i++) {
            permutation[i] = i;
        }
        long stream = mix(seed ^ EPOCH_STREAM, e);
        for (int i = rows - 1; i > 0; i--) {
            int j = (int) Long.remainderUnsigned(mix(stream, i), i + 1);
            int t = permutation[i];
            permutation[i] = permutation[j];
            permutation[j] = t;
        }
        epoch = e;
    }
}
