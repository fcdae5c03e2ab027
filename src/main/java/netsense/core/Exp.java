package netsense.core;

/**
 * e^x for x ≤ 0, from operations IEEE 754 rounds exactly in every execution mode — add,
 * multiply, fused multiply-add, comparisons, bit manipulation — so that the result does not
 * depend on the JIT: the interpreter, C1 and C2 give the same bits. (The Vector API's
 * {@code lanewise(EXP)} does not: C2 turns it into a vendor library routine, the interpreter
 * into {@code Math.exp} per lane, and the two differ in the last bit for some arguments.)
 *
 * <p>This is the scalar twin of {@link VectorActivations}' vector exponential: the same
 * formula in the same operation order, so a lane and a scalar give the same bits.
 *
 * <ol>
 * <li>Arguments below −746 become −746 (e^−746 rounds to 0, as does everything below it);
 * NaN stays NaN.
 * <li>k = round(x / ln 2), by adding and subtracting 1.5·2⁵² (round to nearest even); k's
 * integer value is the low bits of the sum.
 * <li>r = x − k·ln2_hi − k·ln2_lo (Cody–Waite: ln2_hi has 32 significant bits, so k·ln2_hi and
 * x − k·ln2_hi are exact; each step is one fused multiply-add), |r| ≤ ln 2 / 2 + 2⁻⁴⁰.
 * <li>e^r by its Taylor polynomial to r¹³ (truncation below 5·10⁻¹⁸ on |r| ≤ 0.347), Horner
 * with fused multiply-adds.
 * <li>Times 2^k, as 2^⌊k/2⌋ · 2^(k − ⌊k/2⌋), two powers of two made from their bits: both are
 * normal for every k ≥ −1076, the first product is exact and the second rounds once, also
 * into the subnormal range.
 * </ol>
 *
 * <p>Error (tests: a dense sweep of [−746, 0] and its edges against exact arithmetic): below
 * one ulp for normal results; subnormal results within one ulp of the subnormal grid; 0 where
 * e^x is below half the least subnormal.
 */
final class Exp {
    static final double LOWEST = -746.0;
    static final double INV_LN2 = 1.4426950408889634;           // 1/ln 2 rounded
    static final double SHIFT = 0x1.8p52;                       // 1.5 · 2^52
    static final long SHIFT_BITS = Double.doubleToRawLongBits(SHIFT);
    static final double LN2_HI = 6.93147180369123816490e-01;   // 0x3fe62e42fee00000: 32 bits of ln 2
    static final double LN2_LO = 1.90821492927058770002e-10;   // ln 2 − LN2_HI
    /** Cn = 1/n!, rounded. */
    static final double C13 = 1.0 / 6227020800.0;
    static final double C12 = 1.0 / 479001600.0;
    static final double C11 = 1.0 / 39916800.0;
    static final double C10 = 1.0 / 3628800.0;
    static final double C9 = 1.0 / 362880.0;
    static final double C8 = 1.0 / 40320.0;
    static final double C7 = 1.0 / 5040.0;
    static final double C6 = 1.0 / 720.0;
    static final double C5 = 1.0 / 120.0;
    static final double C4 = 1.0 / 24.0;
    static final double C3 = 1.0 / 6.0;
    static final double C2 = 0.5;

    private Exp() {}

    /** e^x for x ≤ 0 (NaN for NaN); arguments above 0 are outside its domain. */
    static double exp(double x) {
        double y = x < LOWEST ? LOWEST : x;
        double t = Math.fma(y, INV_LN2, SHIFT);
        double k = t - SHIFT;
        long kb = Double.doubleToRawLongBits(t) - SHIFT_BITS;
        double r = Math.fma(k, -LN2_LO, Math.fma(k, -LN2_HI, y));
        double p = Math.fma(C13, r, C12);
        p = Math.fma(p, r, C11);
        p = Math.fma(p, r, C10);
        p = Math.fma(p, r, C9);
        p = Math.fma(p, r, C8);
        p = Math.fma(p, r, C7);
        p = Math.fma(p, r, C6);
        p = Math.fma(p, r, C5);
        p = Math.fma(p, r, C4);
        p = Math.fma(p, r, C3);
        p = Math.fma(p, r, C2);
        p = Math.fma(p, r, 1.0);
        p = Math.fma(p, r, 1.0);
        long k1 = kb >> 1;
        long k2 = kb - k1;
        return p * Double.longBitsToDouble((k1 + 1023) << 52) * Double.longBitsToDouble((k2 + 1023) << 52);
    }
}
