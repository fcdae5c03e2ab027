package netsense.core;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A uniform sample of up to k rows chosen by the smallest hash of the row key (bottom-k sampling,
 * Cohen and Kaplan 2007): the rows whose {@link #hash} of the key is among the k smallest, with
 * their inputs x, vector and outputs. The hash is {@link KeyedRandom#bits} of the key under a
 * fixed salt, independent of any {@code --seed}, so the sample is a function of the set of rows
 * alone: the same rows whatever the partitioning, block sizes and order of merges, every run; of
 * size min(k, rows). Rows of equal hash (the same key twice) are ordered by key, then by the bits
 * of x, vector and outputs, so that even then the choice does not depend on the order (rows equal
 * in all of these are interchangeable; a payload does not take part in the order).
 *
 * <p>Memory: k rows of (x, vector, outputs) doubles, a key, a hash and the payload (the id and
 * kept columns, as the caller holds them): about k · 8 · (n1 + width + outputs + 6) bytes —
 * 0.6 MB for k = 2000, n1 = 16.
 *
 * <p>Cost: one hash per row and one comparison with the largest hash kept; only rows that enter
 * the sample are copied (about k·ln(rows/k) of them).
 *
 * <p>Zero / add / merge: a new sample is empty; {@link #addBlock} and {@link #merge} mutate it.
 */
public final class BottomKSample implements Serializable {
    private static final long serialVersionUID = 2L; // 2: rows as flat arrays

    /** {@code --sample-rows} by default. */
    public static final int DEFAULT_ROWS = 2000;

    /** The salt of the hash: fixed, not a seed. */
    private static final long SALT = 0x73616D706C65L; // "sample"

    /**
     * A sampled row. Arrays are the sample's own copies; do not modify them.
     *
     * @param payload whatever the caller passed with the row (the id and kept columns), or null
     */
    public record Row(long key, long hash, double[] x, double[] vector, double[] outputs, Serializable payload)
            implements Serializable {}

    private final int k;
    private final int inputWidth;
    private final int vectorWidth;
    private final int outputWidth;
    private transient PriorityQueue<Row> kept; // the largest in the order on top

    /**
     * An empty sample of up to {@code k} rows (at least 1), each with {@code inputWidth} inputs,
     * a vector of {@code vectorWidth} entries (n1, or nL·n1 for every output) and
     * {@code outputWidth} outputs.
     */
    public BottomKSample(int k, int inputWidth, int vectorWidth, int outputWidth) {
        if (k < 1 || inputWidth < 0 || vectorWidth < 0 || outputWidth < 0) {
            throw new IllegalArgumentException("a sample of k ≥ 1 rows of non-negative widths, got k = " + k);
        }
        this.k = k;
        this.inputWidth = inputWidth;
        this.vectorWidth = vectorWidth;
        this.outputWidth = outputWidth;
        this.kept = newQueue(k);
    }

    private static PriorityQueue<Row> newQueue(int k) {
        return new PriorityQueue<>(Math.min(k, 1 << 16) + 1, ORDER.reversed());
    }

    /** The hash that orders rows: {@code KeyedRandom.bits(SALT, key, 0, 0)}, compared unsigned. */
    public static long hash(long key) {
        return KeyedRandom.bits(SALT, key, 0, 0);
    }

    public int capacity() {
        return k;
    }

    /** The number of rows held: min(k, rows seen). */
    public int size() {
        return kept.size();
    }

    /**
     * Offers {@code rows} rows; row r has key {@code keys[keyOff + r]}, inputs
     * {@code x[xOff + r·inputWidth ..]}, vector {@code vectors[vecOff + r·vectorWidth ..]},
     * outputs {@code outputs[outOff + r·outputWidth ..]} and payload {@code payloads[payOff + r]}.
     *
     * @param keys     Not modified
     * @param x        Not modified
     * @param vectors  Not modified
     * @param outputs  Not modified
     * @param payloads Not modified; null: no payloads
     */
    public void addBlock(long[] keys, int keyOff, double[] x, int xOff, double[] vectors, int vecOff,
                         double[] outputs, int outOff, int rows, Serializable[] payloads, int payOff) {
        if (payloads != null) {
            java.util.Objects.checkFromIndexSize(payOff, rows, payloads.length);
        }
        addBlock(keys, keyOff, x, xOff, vectors, vecOff, outputs, outOff, rows,
                payloads == null ? null : r -> payloads[payOff + r]);
    }

    /**
     * As {@link #addBlock(long[], int, double[], int, double[], int, double[], int, int, Serializable[], int)},
     * row r's payload made by {@code payload.apply(r)} only when the row is taken into the sample
     * (null: no payloads).
     */
    public void addBlock(long[] keys, int keyOff, double[] x, int xOff, double[] vectors, int vecOff,
                         double[] outputs, int outOff, int rows,
                         java.util.function.IntFunction<? extends Serializable> payload) {
        java.util.Objects.checkFromIndexSize(keyOff, rows, keys.length);
        java.util.Objects.checkFromIndexSize(xOff, rows * inputWidth, x.length);
        java.util.Objects.checkFromIndexSize(vecOff, rows * vectorWidth, vectors.length);
        java.util.Objects.checkFromIndexSize(outOff, rows * outputWidth, outputs.length);
        for (int r = 0; r < rows; r++) {
            long key = keys[keyOff + r];
            long h = hash(key);
            if (kept.size() >= k && Long.compareUnsigned(h, kept.peek().hash()) > 0) {
                continue; // the common case: not among the k smallest
            }
            offer(new Row(key, h,
                    java.util.Arrays.copyOfRange(x, xOff + r * inputWidth, xOff + (r + 1) * inputWidth),
                    java.util.Arrays.copyOfRange(vectors, vecOff + r * vectorWidth, vecOff + (r + 1) * vectorWidth),
                    java.util.Arrays.copyOfRange(outputs, outOff + r * outputWidth, outOff + (r + 1) * outputWidth),
                    payload == null ? null : payload.apply(r)));
        }
    }

    private void offer(Row row) {
        if (kept.size() < k) {
            kept.add(row);
        } else if (ORDER.compare(row, kept.peek()) < 0) {
            kept.poll();
            kept.add(row);
        }
    }

    /**
     * Adds the rows of {@code other} (keeping the k first of both) and returns this. Not modified:
     * other (its rows are shared, not copied).
     */
    public BottomKSample merge(BottomKSample other) {
        if (other.k != k || other.inputWidth != inputWidth || other.vectorWidth != vectorWidth
                || other.outputWidth != outputWidth) {
            throw new IllegalArgumentException("cannot merge a sample of " + other.k + " rows of widths ("
                    + other.inputWidth + ", " + other.vectorWidth + ", " + other.outputWidth + ") into one of " + k
                    + " rows of widths (" + inputWidth + ", " + vectorWidth + ", " + outputWidth + ")");
        }
        for (Row r : other.kept) {
            offer(r);
        }
        return this;
    }

    /** The rows held, in the sample's order (ascending hash). */
    public List<Row> rows() {
        List<Row> list = new ArrayList<>(kept);
        list.sort(ORDER);
        return list;
    }

    private static final Order ORDER = new Order();

    /**
     * The rows as a few flat arrays (keys, their doubles, payloads), not as objects of their own:
     * every task sends its sample to the driver, and an object graph of k rows of four arrays
     * each cost more to write and read than the rows' numbers (the hash is the key's, redone).
     */
    private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
        out.defaultWriteObject();
        int n = kept.size();
        int width = inputWidth + vectorWidth + outputWidth;
        long[] keys = new long[n];
        double[] values = new double[Math.multiplyExact(n, width)];
        Serializable[] payloads = null;
        int r = 0;
        for (Row row : kept) {
            keys[r] = row.key();
            System.arraycopy(row.x(), 0, values, r * width, inputWidth);
            System.arraycopy(row.vector(), 0, values, r * width + inputWidth, vectorWidth);
            System.arraycopy(row.outputs(), 0, values, r * width + inputWidth + vectorWidth, outputWidth);
            if (row.payload() != null) {
                if (payloads == null) {
                    payloads = new Serializable[n];
                }
                payloads[r] = row.payload();
            }
            r++;
        }
        out.writeInt(n);
        out.writeObject(keys);
        out.writeObject(values);
        out.writeObject(payloads);
    }

    private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
        in.defaultReadObject();
        int n = in.readInt();
        long[] keys = (long[]) in.readObject();
        double[] values = (double[]) in.readObject();
        Serializable[] payloads = (Serializable[]) in.readObject();
        int width = inputWidth + vectorWidth + outputWidth;
        if (n < 0 || n > k || keys.length != n || values.length != (long) n * width
                || (payloads != null && payloads.length != n)) {
            throw new java.io.InvalidObjectException("a sample of " + n + " rows does not match its arrays");
        }
        kept = newQueue(k);
        for (int r = 0; r < n; r++) {
            int at = r * width;
            kept.add(new Row(keys[r], hash(keys[r]), java.util.Arrays.copyOfRange(values, at, at + inputWidth),
                    java.util.Arrays.copyOfRange(values, at + inputWidth, at + inputWidth + vectorWidth),
                    java.util.Arrays.copyOfRange(values, at + inputWidth + vectorWidth, at + width),
                    payloads == null ? null : payloads[r]));
        }
    }

    /** Unsigned hash, then key, then the bits of x, vector and outputs. */
    private static final class Order implements Comparator<Row>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public int compare(Row a, Row b) {
            int c = Long.compareUnsigned(a.hash(), b.hash());
            if (c == 0) {
                c = Long.compare(a.key(), b.key());
            }
            if (c == 0) {
                c = compareBits(a.x(), b.x());
            }
            if (c == 0) {
                c = compareBits(a.vector(), b.vector());
            }
            if (c == 0) {
                c = compareBits(a.outputs(), b.outputs());
            }
            return c;
        }

        private static int compareBits(double[] a, double[] b) {
            for (int i = 0; i < Math.min(a.length, b.length); i++) {
                int c = Long.compare(Double.doubleToLongBits(a[i]), Double.doubleToLongBits(b[i]));
                if (c != 0) {
                    return c;
                }
            }
            return Integer.compare(a.length, b.length);
        }
    }
}
