package netsense.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * A training set held in memory, in the caller's thread: each step is a few kernel blocks,
 * no more (a step of batch size 1 on a small network takes well under a microsecond).
 * Batches follow a {@link BatchOrder}; a batch larger than a block is summed block by block,
 * in a fixed order.
 */
public final class LocalGradients implements GradientSource {
    /** Rows per kernel block, as the gradient job's. */
    public static final int BLOCK_ROWS = 256;

    private final double[] x;
    private final double[] y;
    private final int rows;
    private final int n1;
    private final int labelWidth;
    private final int nL;
    private final WeightGradients gradients;
    private final BatchOrder order;
    private final int[] picked;
    private final double[] xb;
    private final double[] yb;

    /**
     * @param net the training network ({@link Loss#trainingNetwork})
     * @param x   Not modified, not copied: rows × n1, row-major
     * @param y   Not modified, not copied: rows × {@link Loss#labelWidth}
     */
    public LocalGradients(Network net, Loss loss, double[] x, double[] y, int rows, int batchSize, long seed) {
        this.x = Objects.requireNonNull(x, "x");
        this.y = Objects.requireNonNull(y, "y");
        this.rows = rows;
        this.n1 = net.inputWidth();
        this.nL = net.outputWidth();
        this.labelWidth = loss.labelWidth(nL);
        if (x.length != (long) rows * n1 || y.length != (long) rows * labelWidth) {
            throw new IllegalArgumentException("expected " + rows + " rows of " + n1 + " features and " + labelWidth
                    + " label entries, got " + x.length + " and " + y.length + " numbers");
        }
        this.order = new BatchOrder(seed, rows, batchSize);
        int block = Math.min(BLOCK_ROWS, order.batchSize());
        this.gradients = new WeightGradients(net, loss, block);
        this.picked = new int[order.batchSize()];
        this.xb = new double[block * n1];
        this.yb = new double[block * labelWidth];
    }

    @Override
    public long rows() {
        return rows;
    }

    @Override
    public boolean fullBatch() {
        return order.fullBatch();
    }

    @Override
    public long stepsPerEpoch() {
        return order.stepsPerEpoch();
    }

    @Override
    public boolean replayable() {
        return true;
    }

    @Override
    public double stepGradient(double[] theta, long step, double[] gradient) {
        int count = order.rows(step, picked);
        if (order.fullBatch()) {
            return evaluate(theta, gradient);
        }
        gradients.setParameters(theta);
        Arrays.fill(gradient, 0.0);
        double cost = 0;
        int block = gradients.maxRows();
        for (int from = 0; from < count; from += block) {
            int n = Math.min(block, count - from);
            for (int r = 0; r < n; r++) {
                int row = picked[from + r];
                System.arraycopy(x, row * n1, xb, r * n1, n1);
                System.arraycopy(y, row * labelWidth, yb, r * labelWidth, labelWidth);
            }
            cost += gradients.addGradient(xb, 0, yb, 0, n, gradient, null, 0);
        }
        return mean(cost, gradient, count);
    }

    @Override
    public double evaluate(double[] theta, double[] gradient) {
        gradients.setParameters(theta);
        if (gradient != null) {
            Arrays.fill(gradient, 0.0);
        }
        double cost = 0;
        int block = gradients.maxRows();
        for (int from = 0; from < rows; from += block) {
            int n = Math.min(block, rows - from);
            cost += gradient != null
                    ? gradients.addGradient(x, from * n1, y, from * labelWidth, n, gradient, null, 0)
                    : gradients.cost(x, from * n1, y, from * labelWidth, n);
        }
        return mean(cost, gradient, rows);
    }

    private static double mean(double cost, double[] gradient, int count) {
        if (gradient != null) {
            double inv = 1.0 / count;
            for (int i = 0; i < gradient.length; i++) {
                gradient[i] *= inv;
            }
        }
        return cost / count;
    }

    /** The training network's outputs, {@code count × nL}, for {@code count × n1} points, with these parameters. */
    public double[] outputs(double[] theta, double[] points, int count) {
        gradients.setParameters(theta);
        double[] out = new double[count * nL];
        int block = gradients.maxRows();
        for (int from = 0; from < count; from += block) {
            int n = Math.min(block, count - from);
            gradients.outputs(points, from * n1, n, out, from * nL);
        }
        return out;
    }
}
