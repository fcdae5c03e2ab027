package netsense.spark;

import netsense.core.BlockGradient;
import netsense.core.BlockKernel;
import netsense.core.GradientSummary;
import netsense.core.Network;

/**
 * One block of rows on its way through the kernel, shared by the job and the library: each
 * row's features are read and judged as they are staged ({@link FeatureRows}), then
 * {@link #compute()} runs the kernel over the staged rows, judges each result and moves the
 * good rows to the front, in order, with their outputs, gradients and norms. The arrays are
 * allocated once; a block allocates nothing per row. One instance per task.
 */
final class GradientBlock {
    private final int width;
    private final int capacity;
    private final BlockGradient kernel;
    private final double[] x;
    private final double[] outputs;
    private final double[] gradients;
    private final double[] norms;
    private final RowFault[] faults;
    private int staged;

    /** A block of up to {@code capacity} rows through {@code kernel}, whose rows have {@code width} features. */
    GradientBlock(BlockGradient kernel, int width, int capacity) {
        if (capacity < 1 || capacity > kernel.maxRows()) {
            throw new IllegalArgumentException("capacity must be in 1.." + kernel.maxRows() + ", got " + capacity);
        }
        this.width = width;
        this.capacity = capacity;
        this.kernel = kernel;
        this.x = new double[capacity * width];
        this.outputs = new double[capacity];
        this.gradients = new double[capacity * width];
        this.norms = new double[capacity * 3];
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
                    net.inputWidth(), rows);
        } catch (OutOfMemoryError e) {
            throw new Failures.NotEnoughMemoryException("allocating a block of " + rows + " rows × "
                    + net.inputWidth() + " features", e);
        }
    }

    /** "blocks of 256 rows × 16 features", for messages. */
    String describe() {
        return "blocks of " + capacity + " rows × " + width + " features";
    }

    /** The kernel of {@code net}'s output {@code outputIndex} in that precision, {@code capacity} rows a block. */
    static GradientBlock of(Network net, int outputIndex, int capacity, BlockKernel.Precision precision) {
        return new GradientBlock(BlockKernel.create(net, outputIndex, capacity, precision), net.inputWidth(),
                capacity);
    }

    /**
     * Reads a row's features (a value as Spark hands an {@code array<double>} to a {@code Row})
     * into the next place of the block.
     *
     * @return null when the row is staged (as row {@link #staged()} − 1), else what is wrong
     *         with its features (the row is not staged)
     */
    RowFault stage(Object features) {
        return staged(FeatureRows.read(features, x, staged * width, width));
    }

    /** As {@link #stage(Object)}, the features being column {@code ordinal} of Spark's internal row. */
    RowFault stage(org.apache.spark.sql.catalyst.InternalRow row, int ordinal) {
        return staged(InternalRows.readFeatures(row, ordinal, x, staged * width, width));
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
     * Runs the kernel over the staged rows and judges each result. Afterwards the good rows
     * (finite output and gradient) are at the front in their staged order, {@link #output},
     * {@link #gradient} and {@link #norm} of good row g; {@link #fault} says for each staged
     * row what is wrong with its result, or null; and the block is empty for staging again.
     *
     * @return the number of good rows
     */
    int compute() {
        int rows = staged;
        staged = 0;
        kernel.compute(x, 0, rows, outputs, 0, gradients, 0);
        int good = 0;
        for (int r = 0; r < rows; r++) {
            GradientSummary.rowNorms(gradients, r * width, width, norms, 3 * good);
            RowFault fault = FeatureRows.checkResult(outputs[r], gradients, r * width, width, norms, 3 * good);
            faults[r] = fault;
            if (fault != null) {
                continue;
            }
            if (good != r) {
                outputs[good] = outputs[r];
                System.arraycopy(gradients, r * width, gradients, good * width, width);
            }
            good++;
        }
        return good;
    }

    /** Rows the float32 kernel redid in float64 so far (0 in float64). */
    long rowsRecomputed() {
        return kernel.rowsRecomputed();
    }

    /** After {@link #compute()}: what is wrong with staged row {@code r}'s result, or null. */
    RowFault fault(int r) {
        return faults[r];
    }

    /** After {@link #compute()}: the outputs of the good rows from 0 (not to be modified). */
    double[] outputs() {
        return outputs;
    }

    /** After {@link #compute()}: the gradients of the good rows, row-major from 0 (not to be modified). */
    double[] gradients() {
        return gradients;
    }

    /** After {@link #compute()}: each good row's L1, L2 and L∞ norm, 3 a row from 0 (not to be modified). */
    double[] norms() {
        return norms;
    }

    /**
     * After {@link #compute()}: puts good row {@code good}'s {@code output, gradient, grad_l1,
     * grad_l2, grad_linf} (the columns of {@code gradients/}) into {@code values} from {@code at}.
     */
    void putResult(int good, Object[] values, int at) {
        values[at] = outputs[good] + 0.0; // + 0.0: −0.0 is written as 0.0
        values[at + 1] = gradient(good);
        values[at + 2] = norms[3 * good];
        values[at + 3] = norms[3 * good + 1];
        values[at + 4] = norms[3 * good + 2];
    }

    /** Good row {@code good}'s gradient, −0.0 written as 0.0. */
    private double[] gradient(int good) {
        double[] g = new double[width];
        for (int j = 0; j < width; j++) {
            g[j] = gradients[good * width + j] + 0.0;
        }
        return g;
    }
}
