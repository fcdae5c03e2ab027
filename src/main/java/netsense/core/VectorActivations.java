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

    /**
     * {@code out[i] = e^(scale·|z[i]|)} for i in [from, end) (whole vectors), scale &lt; 0 — so
     * e^x for x ≤ 0 (NaN for NaN): {@link Exp#exp} lane by lane, the same operations in the same
     * order. {@code out} may be {@code z}.
     *
     * <p>Every vector lives and dies inside this one loop, and so in the activations' loops that
     * read its results: a vector that crosses a call C2 does not inline is boxed — an allocation
     * per call, a kernel three times slower — and whether C2 inlines a hot callee depends on what
     * it compiled before (a callee already compiled on its own beyond {@code InlineSmallCode} is
     * called, not inlined). Arrays cross calls at no cost.
     */
    static void expOfScaledAbs(double[] z, double scale, double[] out, int from, int end) {
        DoubleVector lowest = DoubleVector.broadcast(S, Exp.LOWEST);
        DoubleVector invLn2 = DoubleVector.broadcast(S, Exp.INV_LN2);
        DoubleVector shift = DoubleVector.broadcast(S, Exp.SHIFT);
        DoubleVector ln2Lo = DoubleVector.broadcast(S, -Exp.LN2_LO);
        DoubleVector ln2Hi = DoubleVector.broadcast(S, -Exp.LN2_HI);
        DoubleVector c13 = DoubleVector.broadcast(S, Exp.C13);
        DoubleVector c12 = DoubleVector.broadcast(S, Exp.C12);
        DoubleVector c11 = DoubleVector.broadcast(S, Exp.C11);
        DoubleVector c10 = DoubleVector.broadcast(S, Exp.C10);
        DoubleVector c9 = DoubleVector.broadcast(S, Exp.C9);
        DoubleVector c8 = DoubleVector.broadcast(S, Exp.C8);
        DoubleVector c7 = DoubleVector.broadcast(S, Exp.C7);
        DoubleVector c6 = DoubleVector.broadcast(S, Exp.C6);
        DoubleVector c5 = DoubleVector.broadcast(S, Exp.C5);
        DoubleVector c4 = DoubleVector.broadcast(S, Exp.C4);
        DoubleVector c3 = DoubleVector.broadcast(S, Exp.C3);
        DoubleVector c2 = DoubleVector.broadcast(S, Exp.C2);
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        for (int i = from; i < end; i += L) {
            DoubleVector x = DoubleVector.fromArray(S, z, i).abs().mul(scale);
            DoubleVector y = x.blend(lowest, x.compare(VectorOperators.LT, lowest));
            DoubleVector t = y.fma(invLn2, shift);
            DoubleVector k = t.sub(shift);
            LongVector kb = t.reinterpretAsLongs().sub(Exp.SHIFT_BITS);
            DoubleVector r = k.fma(ln2Lo, k.fma(ln2Hi, y));
            DoubleVector p = c13.fma(r, c12); // e^r on the reduced range, Horner with fused multiply-adds
            p = p.fma(r, c11);
            p = p.fma(r, c10);
            p = p.fma(r, c9);
            p = p.fma(r, c8);
            p = p.fma(r, c7);
            p = p.fma(r, c6);
            p = p.fma(r, c5);
            p = p.fma(r, c4);
            p = p.fma(r, c3);
            p = p.fma(r, c2);
            p = p.fma(r, one);
            p = p.fma(r, one);
            LongVector k1 = kb.lanewise(VectorOperators.ASHR, 1);
            LongVector k2 = kb.sub(k1);
            DoubleVector s1 = k1.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
            DoubleVector s2 = k2.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
            p.mul(s1).mul(s2).intoArray(out, i);
        }
    }

    /** e^−|z| into d, then σ and σ' from it. */
    private static void sigmoid(double[] z, double[] d, int from, int end) {
        expOfScaledAbs(z, -1.0, d, from, end);
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        for (int i = from; i < end; i += L) {
            DoubleVector v = DoubleVector.fromArray(S, z, i);
            DoubleVector e = DoubleVector.fromArray(S, d, i);
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
        expOfScaledAbs(z, -1.0, d, from, end);
        DoubleVector zero = DoubleVector.zero(S);
        for (int i = from; i < end; i += L) {
            DoubleVector.fromArray(S, z, i).max(zero).intoArray(z, i);
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

    /** e^−2|z| into d, then tanh and its derivative from it. */
    private static void tanh(double[] z, double[] d, int from, int end) {
        expOfScaledAbs(z, -2.0, d, from, end);
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        DoubleVector four = DoubleVector.broadcast(S, 4.0);
        for (int i = from; i < end; i += L) {
            DoubleVector v = DoubleVector.fromArray(S, z, i);
            DoubleVector x = v.abs();
            DoubleVector e = DoubleVector.fromArray(S, d, i);
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
