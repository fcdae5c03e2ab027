package netsense.core;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Activation#apply} on the JDK Vector API, with netsense's own vectorised exponential
 * ({@link Exp}: range reduction, a polynomial and a power of two, from exactly rounded
 * operations only), so that the bits do not depend on the JIT — the Vector API's own
 * {@code EXP} and {@code LOG1P} are vendor routines once C2 compiles the loop and
 * {@code Math.exp} per lane before, which differ in the last bit. Softplus takes
 * {@code Math.log1p} per element, the same in every mode.
 *
 * <p>The formulas are those of {@link Activation} — exponentials of −|z| only — except tanh's,
 * which takes e^−2|z| with a Taylor series below |z| = 1/16 where {@link Activation} takes
 * expm1; values agree with {@link Activation} to a few ulps. Tails of rows shorter than a
 * vector run the scalar twins below (same formulas, same operation order, {@link Exp#exp}),
 * so an element's bits do not depend on where in the array it lies.
 */
final class VectorActivations {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Below this |z|, tanh by its Taylor series (to z¹¹): exp(−2|z|) − 1 would cancel. */
    private static final double TANH_SERIES_BELOW = 0.0625;

    private VectorActivations() {}

    /** ±∞ in {@code z[from..to)} becomes NaN (see {@link Backends}: an overflow, not a limit). */
    static void overflowToNaN(double[] z, int from, int to) {
        int i = from;
        for (int end = from + (to - from) / L * L; i < end; i += L) {
            DoubleVector v = DoubleVector.fromArray(S, z, i);
            VectorMask<Double> infinite = v.abs().compare(VectorOperators.EQ, Double.POSITIVE_INFINITY);
            if (infinite.anyTrue()) {
                v.blend(Double.NaN, infinite).intoArray(z, i);
            }
        }
        for (; i < to; i++) {
            if (Double.isInfinite(z[i])) {
                z[i] = Double.NaN;
            }
        }
    }

    static void apply(Activation a, double[] z, double[] d, int from, int to) {
        apply(a, a.defaultAlpha(), z, d, from, to);
    }

    static void apply(Activation a, double alpha, double[] z, double[] d, int from, int to) {
        int end = from + (to - from) / L * L;
        switch (a) {
            case SIGMOID -> {
                sigmoid(z, d, from, end);
                sigmoidTail(z, d, end, to);
            }
            case TANH -> {
                tanh(z, d, from, end);
                tanhTail(z, d, end, to);
            }
            case SOFTPLUS -> softplus(z, d, from, end, to);
            // relu, leaky_relu and identity: the scalar loops vectorise as they are; elu, silu and gelu
            // run their scalar loops, which take only exactly rounded operations (Exp, expm1, Erf)
            default -> a.apply(z, d, from, to, alpha);
        }
    }

    /** e^x for x ≤ 0 (NaN for NaN): {@link Exp#exp} lane by lane, the same operations in the same order. */
    static DoubleVector exp(DoubleVector x) {
        DoubleVector y = x.blend(Exp.LOWEST, x.compare(VectorOperators.LT, Exp.LOWEST));
        DoubleVector t = y.fma(Exp.INV_LN2, Exp.SHIFT);
        DoubleVector k = t.sub(Exp.SHIFT);
        LongVector kb = t.reinterpretAsLongs().sub(Exp.SHIFT_BITS);
        DoubleVector r = k.fma(c(-Exp.LN2_LO), k.fma(c(-Exp.LN2_HI), y));
        DoubleVector p = expReduced(r);
        LongVector k1 = kb.lanewise(VectorOperators.ASHR, 1);
        LongVector k2 = kb.sub(k1);
        DoubleVector s1 = k1.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
        DoubleVector s2 = k2.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
        return p.mul(s1).mul(s2);
    }

    /**
     * e^r on the reduced range, Horner with fused multiply-adds. (A method of its own so that
     * both halves stay small enough for C2 to inline into the loops: a vector that crosses a
     * call that is not inlined is boxed, an allocation per call.)
     */
    private static DoubleVector expReduced(DoubleVector r) {
        DoubleVector p = c(Exp.C13).fma(r, c(Exp.C12));
        p = p.fma(r, c(Exp.C11));
        p = p.fma(r, c(Exp.C10));
        p = p.fma(r, c(Exp.C9));
        p = p.fma(r, c(Exp.C8));
        p = p.fma(r, c(Exp.C7));
        p = p.fma(r, c(Exp.C6));
        p = p.fma(r, c(Exp.C5));
        p = p.fma(r, c(Exp.C4));
        p = p.fma(r, c(Exp.C3));
        p = p.fma(r, c(Exp.C2));
        p = p.fma(r, c(1.0));
        return p.fma(r, c(1.0));
    }

    private static DoubleVector c(double value) {
        return DoubleVector.broadcast(S, value);
    }

    private static void sigmoid(double[] z, double[] d, int from, int end) {
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        for (int i = from; i < end; i += L) {
            DoubleVector v = DoubleVector.fromArray(S, z, i);
            DoubleVector e = exp(v.abs().neg());
            DoubleVector r = one.div(one.add(e));
            VectorMask<Double> negative = v.compare(VectorOperators.LT, 0.0);
            r.blend(e.mul(r), negative).intoArray(z, i);
            e.mul(r).mul(r).intoArray(d, i);
        }
    }

    private static void sigmoidTail(double[] z, double[] d, int from, int to) {
        for (int i = from; i < to; i++) {
            double v = z[i];
            double e = Exp.exp(-Math.abs(v));
            double r = 1.0 / (1.0 + e);
            z[i] = v < 0.0 ? e * r : r;
            d[i] = e * r * r;
        }
    }

    /**
     * Vectors of e^−|z| (to d) and max(z, 0) (to z), then per element log1p and the
     * derivative, which is r = 1/(1 + e) for z &gt; 0 and e·r otherwise (at z = 0 both are ½).
     */
    private static void softplus(double[] z, double[] d, int from, int end, int to) {
        DoubleVector zero = DoubleVector.zero(S);
        for (int i = from; i < end; i += L) {
            DoubleVector v = DoubleVector.fromArray(S, z, i);
            exp(v.abs().neg()).intoArray(d, i);
            v.max(zero).intoArray(z, i);
        }
        for (int i = end; i < to; i++) {
            double v = z[i];
            d[i] = Exp.exp(-Math.abs(v));
            z[i] = Math.max(v, 0.0);
        }
        for (int i = from; i < to; i++) {
            double e = d[i];
            double m = z[i];
            double r = 1.0 / (1.0 + e);
            z[i] = m + Math.log1p(e);
            d[i] = m > 0.0 ? r : e * r;
        }
    }

    private static void tanh(double[] z, double[] d, int from, int end) {
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        DoubleVector four = DoubleVector.broadcast(S, 4.0);
        for (int i = from; i < end; i += L) {
            DoubleVector v = DoubleVector.fromArray(S, z, i);
            DoubleVector x = v.abs();
            DoubleVector e = exp(x.mul(-2.0));
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

    private static void tanhTail(double[] z, double[] d, int from, int to) {
        for (int i = from; i < to; i++) {
            double v = z[i];
            double x = Math.abs(v);
            double e = Exp.exp(x * -2.0);
            double q = 1.0 / (1.0 + e);
            double t = (1.0 - e) * q;
            if (x < TANH_SERIES_BELOW) {
                double x2 = x * x;
                t = ((((((x2 * (-1382.0 / 155925) + 62.0 / 2835) * x2 + -17.0 / 315) * x2 + 2.0 / 15) * x2
                        + -1.0 / 3) * x2) + 1.0) * x;
            }
            z[i] = v < 0.0 ? -t : t;
            d[i] = 4.0 * e * q * q;
        }
    }
}
