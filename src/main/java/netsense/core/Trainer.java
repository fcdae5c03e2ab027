package netsense.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Trains a network by steps θ ← θ − η·(the optimizer's direction from the batch's mean
 * gradient), and records how the cost over the whole training set falls: a {@link Point} at
 * log-spaced steps (about {@link #POINTS_PER_DECADE} a decade, and the last step), with the
 * training time so far and each weight layer's gradient norm.
 *
 * <p><b>Time.</b> {@code seconds} counts the steps' own work; the evaluations of the whole set
 * at the curve's points (and the run again that finds a target's exact step) are not counted,
 * except for full-batch steps, whose evaluation is the step itself.
 *
 * <p><b>Target.</b> The first step whose whole-set cost is at most the target. Full batch: every
 * step's cost is known, so it is exact. Otherwise the curve's points are checked, and when one
 * is at or below the target the stretch since the previous point is run again from a snapshot
 * (the batches are a function of the step: {@link BatchOrder}), evaluating every step — exact
 * as well, unless the cost dipped below the target and came back between two earlier points.
 * Sources too costly to run again (a cluster's mini-batches) report the curve's point. The
 * target's seconds are interpolated between the curve's points around it.
 */
public final class Trainer {
    public static final int POINTS_PER_DECADE = 10;

    /** What a run does; {@code targetCost} NaN for none. */
    public record Settings(Optimizer.Kind optimizer, double learningRate, long steps, double targetCost) {
        public Settings {
            Objects.requireNonNull(optimizer, "optimizer");
            if (steps < 0) {
                throw new IllegalArgumentException("steps must be 0 or more, got " + steps);
            }
        }
    }

    /** The whole set's cost after {@code step} steps, and ‖∂C/∂W[l]‖ (Frobenius) per weight layer l = 2..L. */
    public record Point(long step, double seconds, double cost, double[] gradientNorms) {}

    /** Where the cost first reached the target. */
    public record Target(double cost, long step, double seconds) {}

    /**
     * A finished run: the parameters, the steps taken, training seconds, the final whole-set
     * cost, the curve and the target (null when not reached or not asked); {@code divergedAt}
     * is the step where the cost stopped being finite (the run stops there; −1 when it did not).
     */
    public record Run(double learningRate, double[] theta, long steps, double seconds, double finalCost,
                      List<Point> curve, Target target, long divergedAt) {
        public boolean diverged() {
            return divergedAt >= 0;
        }
    }

    /** Told each point as it is recorded (for a console). */
    @FunctionalInterface
    public interface Progress {
        void point(Point p);
    }

    private final Network shape;

    /** @param shape the training network: its layers give the gradient norms' blocks */
    public Trainer(Network shape) {
        this.shape = Objects.requireNonNull(shape, "shape");
    }

    /** Trains from {@code theta0} (not modified). */
    public Run run(GradientSource source, double[] theta0, Settings s, Progress progress) {
        int p = theta0.length;
        double[] theta = theta0.clone();
        Optimizer opt = new Optimizer(s.optimizer(), s.learningRate(), p);
        double[] grad = new double[p];
        double[] whole = new double[p];
        List<Point> curve = new ArrayList<>();
        boolean full = source.fullBatch();
        boolean wantTarget = !Double.isNaN(s.targetCost());
        boolean replay = wantTarget && !full && source.replayable();
        Target target = null;
        long nanos = 0;
        long next = 0;
        long snapStep = -1;
        double[] snapTheta = null;
        Optimizer snapOpt = null;
        for (long step = 0; ; step++) {
            boolean point = step == next || step == s.steps();
            if (full) {
                long t0 = System.nanoTime();
                double cost = source.stepGradient(theta, step, grad);  // the whole set's, at θ_step
                long spent = System.nanoTime() - t0;
                double seconds = nanos / 1e9;
                if (!Double.isFinite(cost)) {
                    return diverged(s, theta, step, seconds, curve, target, progress);
                }
                if (point) {
                    record(curve, progress, new Point(step, seconds, cost, norms(grad)));
                    next = nextPoint(step);
                }
                if (wantTarget && target == null && cost <= s.targetCost()) {
                    target = new Target(cost, step, seconds);
                }
                if (step == s.steps()) {
                    return new Run(s.learningRate(), theta, step, seconds, cost, curve, target, -1);
                }
                t0 = System.nanoTime();
                opt.step(theta, grad);
                nanos += spent + System.nanoTime() - t0;
                continue;
            }
            if (point) {
                double cost = source.evaluate(theta, whole);
                double seconds = nanos / 1e9;
                if (!Double.isFinite(cost)) {
                    return diverged(s, theta, step, seconds, curve, target, progress);
                }
                Point previous = curve.isEmpty() ? null : curve.get(curve.size() - 1);
                Point here = new Point(step, seconds, cost, norms(whole));
                record(curve, progress, here);
                if (wantTarget && target == null && cost <= s.targetCost()) {
                    target = replay && previous != null
                            ? replay(source, snapStep, snapTheta, snapOpt, previous, here, s.targetCost())
                            : new Target(cost, step, seconds);
                }
                if (replay && target == null) {
                    snapStep = step;
                    snapTheta = theta.clone();
                    snapOpt = opt.copy();
                }
                if (step == s.steps()) {
                    return new Run(s.learningRate(), theta, step, seconds, cost, curve, target, -1);
                }
                next = nextPoint(step);
            }
            long t0 = System.nanoTime();
            source.stepGradient(theta, step, grad);
            opt.step(theta, grad);
            nanos += System.nanoTime() - t0;
        }
    }

    private static void record(List<Point> curve, Progress progress, Point p) {
        curve.add(p);
        if (progress != null) {
            progress.point(p);
        }
    }

    private static Run diverged(Settings s, double[] theta, long step, double seconds, List<Point> curve,
                                Target target, Progress progress) {
        record(curve, progress, new Point(step, seconds, Double.NaN, new double[0]));
        return new Run(s.learningRate(), theta, step, seconds, Double.NaN, curve, target, step);
    }

    /** Runs the steps from the snapshot at {@code from} to {@code to} again, evaluating the cost after each. */
    private static Target replay(GradientSource source, long snapStep, double[] snapTheta, Optimizer snapOpt,
                                 Point from, Point to, double goal) {
        double[] theta = snapTheta.clone();
        Optimizer opt = snapOpt.copy();
        double[] grad = new double[theta.length];
        for (long step = snapStep; step < to.step(); step++) {
            source.stepGradient(theta, step, grad);
            opt.step(theta, grad);
            double cost = source.evaluate(theta, null);
            if (cost <= goal) {
                double f = (double) (step + 1 - from.step()) / (to.step() - from.step());
                return new Target(cost, step + 1, from.seconds() + f * (to.seconds() - from.seconds()));
            }
        }
        return new Target(to.cost(), to.step(), to.seconds()); // not reached: a run again is the same run
    }

    /** The next step of the log-spaced schedule 0, 1, 2, …, 10, 13, 16, 20, 25, 32, 40, 50, 63, 79, 100, …. */
    static long nextPoint(long step) {
        for (int k = 0; ; k++) {
            long s = Math.round(Math.pow(10, (double) k / POINTS_PER_DECADE));
            if (s > step) {
                return s;
            }
        }
    }

    /** ‖∂C/∂W[l]‖ per weight layer, from a gradient in the parameters' layout. */
    double[] norms(double[] gradient) {
        int layers = shape.depth() - 1;
        double[] norms = new double[layers];
        for (int j = 0; j < layers; j++) {
            int from = shape.weightOffset(j);
            int to = from + shape.widthAt(j + 1) * shape.widthAt(j);
            double scale = 0;
            for (int i = from; i < to; i++) {
                scale = Math.max(scale, Math.abs(gradient[i]));
            }
            double sum = 0;
            if (scale > 0) {
                for (int i = from; i < to; i++) {
                    double v = gradient[i] / scale;  // scaled: no overflow or underflow of the squares
                    sum += v * v;
                }
            }
            norms[j] = scale * Math.sqrt(sum);
        }
        return norms;
    }

    /**
     * Weights drawn as {@code scale × N(0, 1)} from the seed (java.util.Random's Gaussians, in
     * {@link Network#parameters}'s order: every weight, then every bias) for a shape and activations.
     */
    public static Network initial(int[] widths, Activation[] activations, double scale, long seed) {
        java.util.Random rnd = new java.util.Random(seed);
        List<Network.Layer> layers = new ArrayList<>();
        for (int l = 1; l < widths.length; l++) {
            layers.add(new Network.Layer(new double[widths[l]][widths[l - 1]], new double[widths[l]],
                    activations[l - 1]));
        }
        Network zero = Network.of(layers);
        double[] theta = new double[(int) zero.parameterCount()];
        for (int i = 0; i < theta.length; i++) {
            theta[i] = scale * rnd.nextGaussian();
        }
        return zero.withParameters(theta);
    }
}
