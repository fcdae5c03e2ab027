package netsense.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import netsense.core.BatchOrder;
import netsense.core.GradientSource;
import netsense.core.Loss;
import netsense.core.Network;
import netsense.core.WeightGradients;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;

/**
 * A training set too large for the driver: cached blocks of rows on the executors, and one
 * {@code treeAggregate} per step — the parameters broadcast, each partition's blocks through
 * {@link WeightGradients}, the sums merged as double-double ({@link Sums}), so that the mean
 * gradient does not depend on how the rows are partitioned (as MLlib's {@code GradientDescent},
 * which aggregates (gradient, loss, count) per step).
 *
 * <p>A mini-batch here is a Bernoulli sample of the rows of expected size B, a row taken at step
 * s when a hash of (seed, s, the row's key) falls below B/N; the key is a hash of the row's
 * features and label, so the sample depends neither on the partitioning nor on the files' order.
 */
final class ClusterGradients implements GradientSource {
    /** One block of rows: a key per row (a hash of its numbers), features and labels row-major. */
    record Block(long[] keys, int rows, double[] x, double[] y) implements Serializable {}

    private final JavaSparkContext jsc;
    private final JavaRDD<Block> blocks;
    private final Network net;
    private final Loss loss;
    private final long rows;
    private final double fraction;
    private final long seed;

    ClusterGradients(JavaSparkContext jsc, JavaRDD<Block> cached, Network net, Loss loss, long rows, int batchSize,
                     long seed) {
        this.jsc = jsc;
        this.blocks = cached;
        this.net = net;
        this.loss = loss;
        this.rows = rows;
        this.fraction = batchSize <= 0 || batchSize >= rows ? 1.0 : (double) batchSize / rows;
        this.seed = seed;
    }

    @Override
    public long rows() {
        return rows;
    }

    @Override
    public boolean fullBatch() {
        return fraction == 1.0;
    }

    @Override
    public long stepsPerEpoch() {
        return Math.max(1, Math.round(1 / fraction));
    }

    @Override
    public boolean replayable() {
        return false;
    }

    @Override
    public double stepGradient(double[] theta, long step, double[] gradient) {
        return pass(theta, fullBatch() ? -1 : step, gradient);
    }

    @Override
    public double evaluate(double[] theta, double[] gradient) {
        return pass(theta, -1, gradient);
    }

    /** One aggregation over the rows of step {@code step} (−1: every row). */
    private double pass(double[] theta, long step, double[] gradient) {
        Broadcast<double[]> shared = jsc.broadcast(theta);
        try {
            Sums zero = new Sums(theta.length);
            Sums total = blocks.mapPartitions(new PartitionGradient(shared, net, loss, step, seed, fraction,
                    gradient != null)).treeAggregate(zero, Sums::merge, Sums::merge);
            if (total.count == 0) {
                if (gradient != null) {
                    java.util.Arrays.fill(gradient, 0.0);
                }
                return 0;
            }
            if (gradient != null) {
                for (int i = 0; i < gradient.length; i++) {
                    gradient[i] = (total.hi[i] + total.lo[i]) / total.count;
                }
            }
            return (total.costHi + total.costLo) / total.count;
        } finally {
            shared.destroy();
        }
    }

    /**
     * Sums of gradients and costs kept as hi + lo (Knuth's TwoSum): the rounding of the sum of
     * the blocks' contributions no longer depends on the order they are added in.
     */
    static final class Sums implements Serializable {
        private static final long serialVersionUID = 1L;
        final double[] hi;
        final double[] lo;
        double costHi;
        double costLo;
        long count;

        Sums(int parameters) {
            this.hi = new double[parameters];
            this.lo = new double[parameters];
        }

        void add(double[] gradient, double cost, int rows) {
            if (gradient != null) {
                for (int i = 0; i < hi.length; i++) {
                    double s = hi[i] + gradient[i];
                    double b = s - hi[i];
                    lo[i] += (hi[i] - (s - b)) + (gradient[i] - b);
                    hi[i] = s;
                }
            }
            double s = costHi + cost;
            double b = s - costHi;
            costLo += (costHi - (s - b)) + (cost - b);
            costHi = s;
            count += rows;
        }

        /** Adds {@code other} into this one (and returns this). */
        Sums merge(Sums other) {
            add(other.hi, other.costHi, 0);
            add(other.lo, other.costLo, 0);
            count += other.count;
            return this;
        }
    }

    /** One partition's sums at the broadcast parameters (a named class: what a task ships is visible). */
    static final class PartitionGradient implements FlatMapFunction<Iterator<Block>, Sums> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<double[]> theta;
        private final Network net;
        private final Loss loss;
        private final long step;
        private final long seed;
        private final double fraction;
        private final boolean gradients;

        PartitionGradient(Broadcast<double[]> theta, Network net, Loss loss, long step, long seed, double fraction,
                          boolean gradients) {
            this.theta = theta;
            this.net = net;
            this.loss = loss;
            this.step = step;
            this.seed = seed;
            this.fraction = fraction;
            this.gradients = gradients;
        }

        @Override
        public Iterator<Sums> call(Iterator<Block> it) {
            double[] params = theta.value();
            Sums sums = new Sums(params.length);
            WeightGradients wg = null;
            double[] scratch = gradients ? new double[params.length] : null;
            int n1 = net.inputWidth();
            int lw = loss.labelWidth(net.outputWidth());
            long stream = step < 0 ? 0 : BatchOrder.mix(seed, step);
            while (it.hasNext()) {
                Block b = it.next();
                if (wg == null || wg.maxRows() < b.rows()) {
                    wg = new WeightGradients(net, loss, Math.max(b.rows(), 1));
                    wg.setParameters(params);
                }
                double[] x = b.x();
                double[] y = b.y();
                int rows = b.rows();
                if (step >= 0) {  // this step's sample of the block's rows, moved to its front
                    x = x.clone();
                    y = y.clone();
                    int kept = 0;
                    for (int r = 0; r < rows; r++) {
                        long h = BatchOrder.mix(stream, b.keys()[r]);
                        if ((h >>> 11) * 0x1.0p-53 < fraction) {
                            System.arraycopy(b.x(), r * n1, x, kept * n1, n1);
                            System.arraycopy(b.y(), r * lw, y, kept * lw, lw);
                            kept++;
                        }
                    }
                    rows = kept;
                }
                if (rows == 0) {
                    continue;
                }
                double cost;
                if (gradients) {
                    java.util.Arrays.fill(scratch, 0.0);
                    cost = wg.addGradient(x, 0, y, 0, rows, scratch, null, 0);
                } else {
                    cost = wg.cost(x, 0, y, 0, rows);
                }
                sums.add(scratch, cost, rows);
            }
            List<Sums> one = new ArrayList<>(1);
            one.add(sums);
            return one.iterator();
        }
    }
}
