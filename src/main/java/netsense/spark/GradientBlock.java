package netsense.spark;

import java.nio.charset.StandardCharsets;
import netsense.core.Attribution;
import netsense.core.BlockGradient;
import netsense.core.BlockKernel;
import netsense.core.GradientSummary;
import netsense.core.KeyedRandom;
import netsense.core.Network;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * One block of rows on its way through the method and the kernel, shared by the job and the
 * library: each row's features (and, where the method needs them, its key and baseline) are
 * read and judged as they are staged ({@link FeatureRows}), then {@link #compute()} runs the
 * method ({@link Attribution}) over the staged rows, judges each result and moves the good
 * rows to the front, in order, with their inputs, keys, outputs, vectors, norms and completeness gaps —
 * J of each a row, J = 1 or the network's output count ({@code --output-index all}). The
 * arrays are allocated once; a block allocates nothing per row. One instance per task.
 */
final class GradientBlock {
    private final int width;
    private final int capacity;
    private final int outputs;          // J
    private final Attribution method;
    private final MethodPlan plan;
    private final double[] x;
    private final double[] baselines;   // a row's own x', when the baseline is a column
    private final long[] keys;
    private final double[] results;     // f(x): J a row
    private final double[] vectors;     // J × n1 a row
    private final double[] norms;       // 3 J a row
    private final double[] deltas;      // J a row
    private final RowFault[] faults;
    private int staged;

    /**
     * A block of up to {@code capacity} rows through {@code kernel} (whose rows have
     * {@code width} features) by the method of {@code plan}.
     */
    GradientBlock(BlockGradient kernel, int width, int nL, int capacity, MethodPlan plan) {
        if (capacity < 1 || capacity > kernel.maxRows()) {
            throw new IllegalArgumentException("capacity must be in 1.." + kernel.maxRows() + ", got " + capacity);
        }
        this.width = width;
        this.capacity = capacity;
        this.plan = plan;
        this.outputs = plan.outputsPerRow(nL);
        this.method = new Attribution(kernel, width, nL, plan.allOutputs(), plan.attribution());
        this.x = new double[capacity * width];
        this.baselines = plan.baselineColumn() ? new double[capacity * width] : null;
        this.keys = new long[capacity];
        this.results = new double[capacity * outputs];
        this.vectors = new double[Math.multiplyExact(capacity * outputs, width)];
        this.norms = new double[capacity * outputs * 3];
        this.deltas = new double[capacity * outputs];
        this.faults = new RowFault[capacity];
    }

    /**
     * A task's block: its kernel from {@code kernels}. An OutOfMemoryError escaping a task ends a
     * local-mode JVM (exit 52), so running out here is a task failure that names the settings.
     */
    static GradientBlock forTask(KernelFactory kernels, Network net, GradientPass.Settings settings) {
        int rows = settings.blockRows();
        try {
            return new GradientBlock(kernels.create(net, settings.outputIndex(), rows, settings.precision()),
                    net.inputWidth(), net.outputWidth(), rows, settings.method());
        } catch (OutOfMemoryError e) {
            throw new Failures.NotEnoughMemoryException("allocating a block of " + rows + " rows × "
                    + net.inputWidth() + " features", e);
        }
    }

    /** The kernel of {@code net}'s output {@code outputIndex} in that precision, {@code capacity} rows a block. */
    static GradientBlock of(Network net, int outputIndex, int capacity, BlockKernel.Precision precision,
                            MethodPlan plan) {
        return new GradientBlock(BlockKernel.create(net, outputIndex, capacity, precision), net.inputWidth(),
                net.outputWidth(), capacity, plan);
    }

    /** "blocks of 256 rows × 16 features", for messages. */
    String describe() {
        return "blocks of " + capacity + " rows × " + width + " features";
    }

    /** Outputs a row's figures are for (J). */
    int outputsPerRow() {
        return outputs;
    }

    MethodPlan plan() {
        return plan;
    }

    /**
     * Reads a row's features (a value as Spark hands an {@code array<double>} to a {@code Row}),
     * its baseline (likewise, or null when the baseline is not a column) and its id (null: none)
     * into the next place of the block.
     *
     * @return null when the row is staged (as row {@link #staged()} − 1), else what is wrong
     *         with it (the row is not staged)
     */
    RowFault stage(Object features, Object baseline, Object id) {
        RowFault fault = FeatureRows.read(features, x, staged * width, width);
        if (fault == null && baselines != null) {
            fault = FeatureRows.baselineFault(FeatureRows.read(baseline, baselines, staged * width, width));
        }
        if (fault == null) { // every method's rows are keyed: noise, bootstrap weights and the sample
            keys[staged] = id == null ? KeyedRandom.ofFeatures(x, staged * width, width) : keyOf(id);
        }
        return staged(fault);
    }

    /**
     * As {@link #stage(Object, Object, Object)}, from Spark's internal row: the features at
     * {@code ordinal}, the baseline at {@code baseOrdinal} (−1: none), the id at
     * {@code idOrdinal} of type {@code idType} (−1: none).
     */
    RowFault stage(InternalRow row, int ordinal, int baseOrdinal, int idOrdinal, DataType idType) {
        RowFault fault = InternalRows.readFeatures(row, ordinal, x, staged * width, width);
        if (fault == null && baselines != null) {
            fault = FeatureRows.baselineFault(InternalRows.readFeatures(row, baseOrdinal, baselines, staged * width,
                    width));
        }
        if (fault == null) { // every method's rows are keyed: noise, bootstrap weights and the sample
            keys[staged] = idOrdinal < 0 || row.isNullAt(idOrdinal) ? KeyedRandom.ofFeatures(x, staged * width, width)
                    : internalKey(row, idOrdinal, idType, x, staged * width, width);
        }
        return staged(fault);
    }

    /** As {@link #stage(InternalRow, int, int, int, DataType)} with only the features. */
    RowFault stage(InternalRow row, int ordinal) {
        return stage(row, ordinal, -1, -1, null);
    }

    /**
     * A row's key from its id: an integral id is its value, a string id a hash of its UTF-8
     * bytes (the same in both row forms); an id of another type keys by the features.
     */
    static long keyOf(Object id) {
        if (id instanceof Long || id instanceof Integer || id instanceof Short || id instanceof Byte) {
            return ((Number) id).longValue();
        }
        if (id instanceof String s) {
            return hashBytes(s.getBytes(StandardCharsets.UTF_8));
        }
        return Long.MIN_VALUE; // not reached from the job: the plan keys such ids by the features
    }

    private static long internalKey(InternalRow row, int ordinal, DataType type, double[] x, int off, int n) {
        if (type == DataTypes.LongType) {
            return row.getLong(ordinal);
        }
        if (type == DataTypes.IntegerType) {
            return row.getInt(ordinal);
        }
        if (type == DataTypes.ShortType) {
            return row.getShort(ordinal);
        }
        if (type == DataTypes.ByteType) {
            return row.getByte(ordinal);
        }
        if (type == DataTypes.StringType) {
            return hashBytes(row.getUTF8String(ordinal).getBytes());
        }
        return KeyedRandom.ofFeatures(x, off, n);
    }

    private static long hashBytes(byte[] bytes) {
        long h = 0x3C6EF372FE94F82BL;
        for (byte b : bytes) {
            h = KeyedRandom.mix(h ^ (b & 0xFF));
        }
        return h;
    }

    private RowFault staged(RowFault fault) {
        if (fault == null) {
            staged++;
        }
        return fault;
    }

    /** Forgets the staged rows without computing them. */
    void discard() {
        staged = 0;
    }

    boolean isFull() {
        return staged == capacity;
    }

    /** How many rows are staged. */
    int staged() {
        return staged;
    }

    /**
     * Runs the method over the staged rows and judges each result. Afterwards the good rows
     * (finite outputs, vectors, norms and gaps) are at the front in their staged order, with
     * {@link #outputs}, {@link #vectors}, {@link #norms} and {@link #deltas}; {@link #fault}
     * says for each staged row what is wrong with its result, or null; and the block is empty
     * for staging again.
     *
     * @return the number of good rows
     */
    int compute() {
        int rows = staged;
        staged = 0;
        double[] constant = plan.constantBaseline();
        if (baselines != null) {
            method.compute(x, 0, rows, keys, baselines, 0, width, results, vectors, deltas);
        } else {
            method.compute(x, 0, rows, keys, constant, 0, 0, results, vectors, deltas);
        }
        int stride = outputs * width;
        int good = 0;
        for (int r = 0; r < rows; r++) {
            RowFault fault = null;
            for (int o = 0; o < outputs && fault == null; o++) {
                int at = r * outputs + o;
                GradientSummary.rowNorms(vectors, at * width, width, norms, 3 * (good * outputs + o));
                fault = FeatureRows.checkResult(results[at], vectors, at * width, width, norms, 3 * (good * outputs + o));
                if (fault == null && !Double.isFinite(deltas[at])) {
                    fault = FeatureRows.nonFiniteDelta(deltas[at]);
                }
            }
            faults[r] = fault;
            if (fault != null) {
                continue;
            }
            if (good != r) {
                System.arraycopy(results, r * outputs, results, good * outputs, outputs);
                System.arraycopy(deltas, r * outputs, deltas, good * outputs, outputs);
                System.arraycopy(vectors, r * stride, vectors, good * stride, stride);
                System.arraycopy(x, r * width, x, good * width, width); // the method is done with x
                keys[good] = keys[r];
            }
            good++;
        }
        return good;
    }

    /** Rows the float32 kernel redid in float64 so far (0 in float64). */
    long rowsRecomputed() {
        return method.rowsRecomputed();
    }

    /** After {@link #compute()}: what is wrong with staged row {@code r}'s result, or null. */
    RowFault fault(int r) {
        return faults[r];
    }

    /** After {@link #compute()}: the outputs of the good rows from 0, J a row (not to be modified). */
    double[] outputs() {
        return results;
    }

    /** After {@link #compute()}: the good rows' vectors, J × n1 a row from 0 (not to be modified). */
    double[] vectors() {
        return vectors;
    }

    /** After {@link #compute()}: the good rows' inputs x, n1 a row from 0 (not to be modified). */
    double[] inputs() {
        return x;
    }

    /**
     * After {@link #compute()}: the good rows' keys, one a row from 0 (not to be modified): the
     * row's id (an integral id itself, a string id a hash of its bytes) or, without one, a hash of
     * its features ({@link KeyedRandom#ofFeatures}).
     */
    long[] keys() {
        return keys;
    }

    /** After {@link #compute()}: the L1, L2 and L∞ norm of each good row's J vectors, 3 J a row from 0. */
    double[] norms() {
        return norms;
    }

    /** After {@link #compute()}: the good rows' completeness gaps, J a row (0 but for integrated gradients). */
    double[] deltas() {
        return deltas;
    }

    /**
     * After {@link #compute()}: puts good row {@code good}'s result columns (those of
     * {@code gradients/}: output, vector, three norms, and delta for integrated gradients) into
     * {@code values} from {@code at}, as Spark's {@code Row} holds them: scalars and
     * {@code double[]}, or per output arrays ({@code double[]}, {@code double[][]}) with J > 1.
     */
    void putResult(int good, Object[] values, int at) {
        int n = 0;
        if (outputs == 1) {
            values[at + n++] = results[good] + 0.0; // + 0.0: −0.0 is written as 0.0
            values[at + n++] = vector(good, 0);
            for (int i = 0; i < 3; i++) {
                values[at + n++] = norms[3 * good + i];
            }
            if (plan.options().integrated()) {
                values[at + n] = deltas[good] + 0.0;
            }
            return;
        }
        double[] out = new double[outputs];
        double[][] v = new double[outputs][];
        double[][] nm = new double[3][outputs];
        double[] d = new double[outputs];
        for (int o = 0; o < outputs; o++) {
            out[o] = results[good * outputs + o] + 0.0;
            v[o] = vector(good, o);
            for (int i = 0; i < 3; i++) {
                nm[i][o] = norms[3 * (good * outputs + o) + i];
            }
            d[o] = deltas[good * outputs + o] + 0.0;
        }
        values[at + n++] = out;
        values[at + n++] = v;
        for (int i = 0; i < 3; i++) {
            values[at + n++] = nm[i];
        }
        if (plan.options().integrated()) {
            values[at + n] = d;
        }
    }

    /** Good row {@code good}'s vector for output o, −0.0 written as 0.0. */
    private double[] vector(int good, int o) {
        double[] g = new double[width];
        int off = (good * outputs + o) * width;
        for (int j = 0; j < width; j++) {
            g[j] = vectors[off + j] + 0.0;
        }
        return g;
    }
}
