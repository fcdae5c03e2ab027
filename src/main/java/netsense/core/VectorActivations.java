package netsense.core;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Activation#apply} on the JDK Vector API, whose exponential is a vectorised library
 * routine (several times faster than a loop of {@code Math.exp}). The formulas are those of
 * {@link Activation} — exponentials of −|z| only — so values agree with it to a few ulps;
 * tails of rows shorter than a vector go to {@link Activation#apply} itself.
 */
final class VectorActivations {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Below this |z|, tanh by its Taylor series (to z¹¹): exp(−2|z|) − 1 would cancel. */
    private static final double TANH_SERIES_BELOW = 0.0625;

    private VectorActivations() {}

    static void apply(Activation a, double[] z, double[] d, int from, int to) {
        int end = from + (to - from) / L * L;
        switch (a) {
            case SIGMOID -> sigmoid(z, d, from, end);
            case TANH -> tanh(z, d, from, end);
            case SOFTPLUS -> softplus(z, d, from, end);
            default -> end = from; // relu and identity: the scalar loops vectorise as they are
        }
        a.apply(z, d, end, to);
    }

    private static void sigmoid(double[] z, double[] d, int from, int end) {
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        for (int i = from; i < end; i += L) {
            DoubleVector v = DoubleVector.fromArray(S, z, i);
            DoubleVector e = v.abs().neg().lanewise(VectorOperators.EXP);
            DoubleVector r = one.div(one.add(e));
            VectorMask<Double> negative = v.compare(VectorOperators.LT, 0.0);
            r.blend(e.mul(r), negative).intoArray(z, i);
            e.mul(r).mul(r).intoArray(d, i);
        }
    }

    private static void softplus(double[] z, double[] d, int from, int end) {
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        DoubleVector zero = DoubleVector.zero(S);
        for (int i = from; i < end; i += L) {
            DoubleVector v = DoubleVector.fromArray(S, z, i);
            DoubleVector e = v.abs().neg().lanewise(VectorOperators.EXP);
            DoubleVector r = one.div(one.add(e));
            VectorMask<Double> negative = v.compare(VectorOperators.LT, 0.0);
            v.max(zero).add(e.lanewise(VectorOperators.LOG1P)).intoArray(z, i);
            r.blend(e.mul(r), negative).intoArray(d, i);
        }
    }

    private static void tanh(double[] z, double[] d, int from, int end) {
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        DoubleVector four = DoubleVector.broadcast(S, 4.0);
        for (int i = from; i < end; i += L) {
            DoubleVector v = DoubleVector.fromArray(S, z, i);
            DoubleVector x = v.abs();
            DoubleVector e = x.mul(-2.0).lanewise(VectorOperators.EXP);
            DoubleVector q = one.div(one.add(e));
            DoubleVector t = one.sub(e).mul(q);
            VectorMask<Double> small = x.compare(VectorOperators.LT, TANH_SERIES_BELOW);
            if (small.anyTrue()) {
                DoubleVector x2 = x.mul(x);
                // tanh x = x(1 − x²/3 + 2x⁴/15 − 17x⁶/315 + 62x⁸/2835 − 1382x¹⁰/155925)
                DoubleVector p = x2.mul(-1382.0 / 155925).add(62.0 / 2835).mul(x2).add(-17.0 / 315).mul(x2)
                        .add(2.0 / 15).mul(x2).add(-1.0 / 3).mul(x2).add(1.0).mul(x);
                t = t.blend(p, small);
            }
            t.blend(t.neg(), v.compare(VectorOperators.LT, 0.0)).intoArray(z, i);
            four.mul(e).mul(q).mul(q).intoArray(d, i);
        }
    }
}
