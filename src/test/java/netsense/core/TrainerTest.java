package netsense.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainerTest {
    private static Network higham(long seed) {
        return Trainer.initial(HighamExample.WIDTHS, HighamExample.activations(), 0.5, seed);
    }

    private static LocalGradients highamData(Network net, int batch, long seed) {
        return new LocalGradients(net, Loss.MSE, HighamExample.features(), HighamExample.labels(),
                HighamExample.rows(), batch, seed);
    }

    private static Trainer.Run train(long seed, Optimizer.Kind kind, double rate, int batch, long steps, double target) {
        Network net = higham(seed);
        return new Trainer(net).run(highamData(net, batch, seed), net.parameters(),
                new Trainer.Settings(kind, rate, steps, target), null);
    }

    /** The paper's run: every point on its side, the cost down by orders of magnitude. */
    @Test
    void highamExampleClassifiesEveryPoint() {
        Network start = higham(0);
        Trainer.Run run = train(0, Optimizer.Kind.SGD, HighamExample.LEARNING_RATE, 1, HighamExample.STEPS, 1e-3);
        double first = run.curve().get(0).cost();
        assertTrue(first > 0.1, "the untrained cost is of order 1/4: " + first);
        assertTrue(run.finalCost() < first / 1000, "from " + first + " to " + run.finalCost());
        assertEquals(HighamExample.STEPS, run.steps());
        double[] out = highamData(start, 1, 0).outputs(run.theta(), HighamExample.features(), 10);
        for (int i = 0; i < 10; i++) {
            int predicted = out[2 * i] > out[2 * i + 1] ? 0 : 1;
            assertEquals(i < 5 ? 0 : 1, predicted, "point " + i + " " + Arrays.toString(out));
        }
        assertNotNull(run.target());
        assertTrue(run.target().step() > 0 && run.target().step() < run.steps());
    }

    @Test
    void theSameSeedGivesTheSameRun() {
        for (int batch : new int[] {1, 4, 0}) {
            Trainer.Run a = train(5, Optimizer.Kind.ADAM, 0.01, batch, 3000, Double.NaN);
            Trainer.Run b = train(5, Optimizer.Kind.ADAM, 0.01, batch, 3000, Double.NaN);
            assertArrayEquals(a.theta(), b.theta(), 0.0);
            assertEquals(a.curve().size(), b.curve().size());
            for (int i = 0; i < a.curve().size(); i++) {
                assertEquals(a.curve().get(i).cost(), b.curve().get(i).cost(), 0.0);
            }
            Trainer.Run c = train(6, Optimizer.Kind.ADAM, 0.01, batch, 3000, Double.NaN);
            assertTrue(!Arrays.equals(a.theta(), c.theta()), "another seed, another run");
        }
    }

    /** The target's step is the first whose whole-set cost is at or below it, found by evaluating every step here. */
    @Test
    void targetStepIsTheFirstStepAtTheTarget() {
        for (int batch : new int[] {1, 3, 0}) {
            long steps = 3000;
            Network net = higham(2);
            LocalGradients data = highamData(net, batch, 2);
            double[] theta = net.parameters();
            Optimizer opt = new Optimizer(Optimizer.Kind.SGD, 0.5, theta.length);
            double[] grad = new double[theta.length];
            List<Double> costs = new ArrayList<>();
            costs.add(data.evaluate(theta, null));
            for (long s = 0; s < steps; s++) {
                data.stepGradient(theta, s, grad);
                opt.step(theta, grad);
                costs.add(data.evaluate(theta, null));
            }
            double goal = costs.get(2200);
            // the first curve point at or below the goal, then the first step at or below it since the point before
            long point = 0;
            long before = 0;
            while (costs.get((int) point) > goal) {
                before = point;
                point = Trainer.nextPoint(point);
            }
            int first = (int) before;
            while (costs.get(first) > goal) {
                first++;
            }
            if (batch == 0) {
                assertEquals(first, costs.indexOf(costs.stream().filter(c -> c <= goal).findFirst().get()),
                        "full batch: exact");
            }
            Trainer.Run run = new Trainer(net).run(highamData(net, batch, 2), net.parameters(),
                    new Trainer.Settings(Optimizer.Kind.SGD, 0.5, steps, goal), null);
            assertEquals(first, run.target().step(), "batch " + batch);
            assertEquals(costs.get(first), run.target().cost(), 0.0);
            assertArrayEquals(theta, run.theta(), 0.0, "the run again does not disturb the run");
            assertNull(train(2, Optimizer.Kind.SGD, 0.5, batch, 10, 1e-9).target());
        }
    }

    @Test
    void curvePointsAreLogSpaced() {
        Trainer.Run run = train(1, Optimizer.Kind.SGD, 0.05, 1, 1000, Double.NaN);
        long[] steps = run.curve().stream().mapToLong(Trainer.Point::step).toArray();
        assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5, 6, 8, 10, 13, 16, 20, 25, 32, 40, 50, 63, 79, 100, 126, 158,
            200, 251, 316, 398, 501, 631, 794, 1000}, steps);
        assertEquals(3, run.curve().get(5).gradientNorms().length);
    }

    @Test
    void divergenceStopsTheRun() {
        Network net = Network.of(List.of(new Network.Layer(new double[][] {{1, 1}}, new double[] {0},
                Activation.IDENTITY)));
        double[] y = new double[10];
        Trainer.Run run = new Trainer(net).run(new LocalGradients(net, Loss.MSE, HighamExample.features(), y, 10, 0, 0),
                net.parameters(), new Trainer.Settings(Optimizer.Kind.SGD, 100, 1000, Double.NaN), null);
        assertTrue(run.diverged());
        assertTrue(Double.isNaN(run.finalCost()));
    }

    @Test
    void everyEpochVisitsEveryRowOnce() {
        BatchOrder order = new BatchOrder(11, 10, 4);
        assertEquals(3, order.stepsPerEpoch());
        int[] out = new int[4];
        for (int epoch = 0; epoch < 3; epoch++) {
            int[] seen = new int[10];
            int total = 0;
            for (int s = 0; s < 3; s++) {
                int n = order.rows(epoch * 3L + s, out);
                total += n;
                for (int i = 0; i < n; i++) {
                    seen[out[i]]++;
                }
            }
            assertEquals(10, total);
            assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, seen);
        }
        // batch size 1: a uniform draw with replacement (netbp); every row comes up
        BatchOrder one = new BatchOrder(11, 10, 1);
        int[] counts = new int[10];
        for (int s = 0; s < 10_000; s++) {
            one.rows(s, out);
            counts[out[0]]++;
        }
        for (int c : counts) {
            assertTrue(c > 850 && c < 1150, Arrays.toString(counts));
        }
    }

    /** Two steps by hand: θ = 1, gradients 0.5 then −0.25, η = 0.1. */
    @Test
    void optimizerStepsByHand() {
        double[] g1 = {0.5};
        double[] g2 = {-0.25};
        double[] t = {1.0};
        Optimizer sgd = new Optimizer(Optimizer.Kind.SGD, 0.1, 1);
        sgd.step(t, g1);
        sgd.step(t, g2);
        assertEquals(1.0 - 0.05 + 0.025, t[0], 1e-16);

        t[0] = 1.0;
        Optimizer momentum = new Optimizer(Optimizer.Kind.MOMENTUM, 0.1, 1);
        momentum.step(t, g1);                      // v = 0.5
        momentum.step(t, g2);                      // v = 0.9·0.5 − 0.25 = 0.2
        assertEquals(1.0 - 0.05 - 0.02, t[0], 1e-16);

        t[0] = 1.0;
        Optimizer adam = new Optimizer(Optimizer.Kind.ADAM, 0.1, 1);
        adam.step(t, g1);                          // m̂ = 0.5, ŝ = 0.25: a step of η·0.5/(0.5 + ε)
        double after1 = 1.0 - 0.1 * 0.5 / (0.5 + 1e-8);
        assertEquals(after1, t[0], 1e-15);
        adam.step(t, g2);
        double m = 0.9 * 0.05 + 0.1 * -0.25;       // 0.02
        double s = 0.999 * 0.00025 + 0.001 * 0.0625;
        double step2 = 0.1 * (m / (1 - 0.81)) / (Math.sqrt(s / (1 - 0.999 * 0.999)) + 1e-8);
        assertEquals(after1 - step2, t[0], 1e-15);
    }

    @Test
    void initialWeightsAreScaledGaussiansFromTheSeed() {
        Network a = Trainer.initial(new int[] {2, 3, 1}, new Activation[] {Activation.TANH, Activation.SIGMOID}, 0.5, 4);
        java.util.Random rnd = new java.util.Random(4);
        double[] theta = a.parameters();
        for (double v : theta) {
            assertEquals(0.5 * rnd.nextGaussian(), v, 0.0);
        }
        assertEquals(13, theta.length);
    }
}
