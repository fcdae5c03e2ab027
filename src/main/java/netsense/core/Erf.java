package netsense.core;

/**
 * The error function and the standard normal distribution, for the exact GELU z·Φ(z): no Java
 * library has them. The rational Chebyshev approximations are W. J. Cody's ("Rational Chebyshev
 * approximations for the error function", Math. Comp. 23 (1969) 631–637; the coefficients of
 * his CALERF): erf on |x| ≤ 0.46875, erfc·e^{x²} on (0.46875, 4] and x·erfc·e^{x²} in 1/x² beyond,
 * each with a relative error below 10⁻¹⁸ or so.
 *
 * <p>What remains is the factor e^{−x²}: x² is not exact in double, and a rounding of x² by half
 * an ulp changes e^{−x²} by x²·2⁻⁵³ relative (12 ulps at x = 5). So the square is split
 * exactly, x² = hi + lo with a fused multiply-add, and e^{−x²} = e^{−hi}·(1 − lo), the
 * exponential netsense's own {@link Exp} (the same bits in every JIT mode). For Φ the square is
 * that of z, not of z/√2, halved exactly: z/√2 rounds, and its rounding would enter e^{−z²/2}
 * amplified by z² as above; the rational factors, which vary slowly, take the rounded z/√2.
 *
 * <p>Accuracy (tests against BigDecimal series): within a few ulps of the exact values wherever
 * the result is a normal number. Every function is deterministic, from exactly rounded
 * operations only.
 */
final class Erf {
    private static final double THRESHOLD = 0.46875;
    private static final double INV_SQRT_PI = 5.6418958354775628695e-1;
    static final double INV_SQRT2 = 0.70710678118654752440;
    /** 1/√(2π). */
    static final double INV_SQRT_2PI = 0.39894228040143267794;

    // erf(x) = x·A(x²)/B(x²) for |x| ≤ 0.46875
    private static final double A0 = 3.16112374387056560e00;
    private static final double A1 = 1.13864154151050156e02;
    private static final double A2 = 3.77485237685302021e02;
    private static final double A3 = 3.20937758913846947e03;
    private static final double A4 = 1.85777706184603153e-1;
    private static final double B0 = 2.36012909523441209e01;
    private static final double B1 = 2.44024637934444173e02;
    private static final double B2 = 1.28261652607737228e03;
    private static final double B3 = 2.84423683343917062e03;
    // erfc(x) = e^{−x²}·C(x)/D(x) for 0.46875 < x ≤ 4
    private static final double[] C = {5.64188496988670089e-1, 8.88314979438837594e0, 6.61191906371416295e01,
        2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03, 2.05107837782607147e03,
        1.23033935479799725e03, 2.15311535474403846e-8};
    private static final double[] D = {1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
        1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03, 3.43936767414372164e03,
        1.23033935480374942e03};
    // erfc(x) = e^{−x²}/x · (1/√π − s·P(s)/Q(s)), s = 1/x², for x > 4
    private static final double[] P = {3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1,
        1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2};
    private static final double[] Q = {2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1,
        6.05183413124413191e-2, 2.33520497626869185e-3};

    private Erf() {}

    /** erf(x); NaN for NaN, ±1 for ±∞. */
    static double erf(double x) {
        double y = Math.abs(x);
        if (y <= THRESHOLD) {
            return small(x);
        }
        double c = complement(y, expMinusSquare(y, 1.0));
        double r = (0.5 - c) + 0.5;
        return x < 0 ? -r : r;
    }

    /** erfc(x) = 1 − erf(x), with its relative precision kept for large x; NaN for NaN. */
    static double erfc(double x) {
        double y = Math.abs(x);
        if (y <= THRESHOLD) {
            return 1.0 - small(x);
        }
        double c = complement(y, expMinusSquare(y, 1.0));
        return x < 0 ? 2.0 - c : c;
    }

    /** Φ(z) = ½ erfc(−z/√2), the standard normal distribution function; NaN for NaN. */
    static double phi(double z) {
        double y = Math.abs(z) * INV_SQRT2;
        if (y <= THRESHOLD) {
            return 0.5 + 0.5 * small(z * INV_SQRT2);
        }
        double half = 0.5 * complement(y, expMinusSquare(z, 0.5));
        return z < 0 ? half : 1.0 - half;
    }

    /** φ(z) = e^{−z²/2}/√(2π), the standard normal density. */
    static double density(double z) {
        return INV_SQRT_2PI * expMinusSquare(z, 0.5);
    }

    /** x·A(x²)/B(x²), erf for |x| ≤ 0.46875. */
    private static double small(double x) {
        double s = x * x;
        double num = ((((A4 * s + A0) * s + A1) * s + A2) * s + A3);
        double den = ((((s + B0) * s + B1) * s + B2) * s + B3);
        return x * num / den;
    }

    /** erfc(y) for y &gt; 0.46875, given e = e^{−y²}. */
    private static double complement(double y, double e) {
        if (y <= 4.0) {
            double num = C[8] * y;
            double den = y;
            for (int i = 0; i < 7; i++) {
                num = (num + C[i]) * y;
                den = (den + D[i]) * y;
            }
            return e * (num + C[7]) / (den + D[7]);
        }
        if (!(y < 27.3)) {
            return y == y ? 0.0 : y; // e^{−y²} and so erfc underflow past 27.3; NaN stays NaN
        }
        double s = 1.0 / (y * y);
        double num = P[5] * s;
        double den = s;
        for (int i = 0; i < 4; i++) {
            num = (num + P[i]) * s;
            den = (den + Q[i]) * s;
        }
        double r = s * (num + P[4]) / (den + Q[4]);
        return e / y * (INV_SQRT_PI - r);
    }

    /**
     * e^{−f·x²} for f = 1 or ½ (exact scalings): x² = hi + lo exactly, and e^{−f·lo} = 1 − f·lo to
     * within (f·lo)², far below an ulp, since |lo| ≤ 2⁻⁵³·hi.
     */
    private static double expMinusSquare(double x, double f) {
        double hi = x * x;
        if (!(hi * f < 746.0)) {
            return hi == hi ? 0.0 : hi; // underflows (and x² may be ∞, whose lo is not finite)
        }
        double lo = Math.fma(x, x, -hi);
        return Exp.exp(-hi * f) * (1.0 - lo * f);
    }
}
