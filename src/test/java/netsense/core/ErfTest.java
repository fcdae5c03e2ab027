package netsense.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import org.junit.jupiter.api.Test;

/**
 * {@link Erf} against values computed here in 60-digit decimal arithmetic from the defining
 * series: erf(x) = (2/√π) e^{−x²} Σ 2ⁿ x^{2n+1} / (1·3·…·(2n+1)) (all terms positive), erfc as
 * 1 − erf below x = 5 (at most 12 of the 60 digits cancel) and by its continued fraction
 * e^{−x²}/√π · 1/(x + ½/(x + 1/(x + (3/2)/(x + …)))) above. Errors in ulps of the exact value.
 */
class ErfTest {
    static final MathContext MC = new MathContext(60, RoundingMode.HALF_EVEN);
    static final BigDecimal TWO = BigDecimal.valueOf(2);
    static final BigDecimal SQRT_PI = new BigDecimal(
            "1.77245385090551602729816748334114518279754945612238712821380779");

    /** e^{−y}, y ≥ 0: y / 2^k below 1, Taylor, squared k times. */
    static BigDecimal expMinus(BigDecimal y) {
        int k = 0;
        BigDecimal r = y;
        while (r.compareTo(BigDecimal.ONE) > 0) {
            r = r.divide(TWO, MC);
            k++;
        }
        BigDecimal term = BigDecimal.ONE;
        BigDecimal sum = BigDecimal.ONE;
        for (int n = 1; n < 100; n++) {
            term = term.multiply(r, MC).divide(BigDecimal.valueOf(n), MC);
            sum = sum.add(term, MC);
        }
        for (int i = 0; i < k; i++) {
            sum = sum.multiply(sum, MC);
        }
        return BigDecimal.ONE.divide(sum, MC);
    }

    static BigDecimal erf(BigDecimal x) {
        BigDecimal x2 = x.multiply(x, MC);
        BigDecimal term = x;
        BigDecimal sum = x;
        for (int n = 1; n < 2000; n++) {
            term = term.multiply(x2, MC).multiply(TWO, MC).divide(BigDecimal.valueOf(2L * n + 1), MC);
            sum = sum.add(term, MC);
            if (term.compareTo(sum.movePointLeft(62)) < 0) {
                break;
            }
        }
        return sum.multiply(expMinus(x2), MC).multiply(TWO, MC).divide(SQRT_PI, MC);
    }

    /** erfc(x) for x ≥ 0. */
    static BigDecimal erfc(BigDecimal x) {
        if (x.compareTo(BigDecimal.valueOf(5)) < 0) {
            return BigDecimal.ONE.subtract(erf(x), MC);
        }
        BigDecimal f = x;
        for (int n = 3000; n >= 1; n--) {
            f = x.add(BigDecimal.valueOf(n).divide(TWO, MC).divide(f, MC), MC);
        }
        return expMinus(x.multiply(x, MC)).divide(SQRT_PI, MC).divide(f, MC);
    }

    static BigDecimal erfcSigned(BigDecimal x) {
        return x.signum() >= 0 ? erfc(x) : TWO.subtract(erfc(x.negate()), MC);
    }

    /** Φ(z) = ½ erfc(−z/√2), z/√2 taken exactly (to 60 digits). */
    static BigDecimal phi(double z) {
        BigDecimal u = new BigDecimal(z).negate().divide(TWO.sqrt(MC), MC);
        return erfcSigned(u).divide(TWO, MC);
    }

    static double ulps(double actual, BigDecimal exact) {
        double e = exact.doubleValue();
        if (e == 0) {
            return actual == 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        return new BigDecimal(actual).subtract(exact, MC).abs().doubleValue() / Math.ulp(e);
    }

    /** 801 arguments over [−30, 30], denser where the approximations change (0.47, 4). */
    static double[] arguments() {
        double[] x = new double[801];
        for (int i = 0; i < x.length; i++) {
            double t = (i - 400) / 400.0;
            x[i] = 30 * t * t * t + 0.37 * t; // cubic: most points near 0
        }
        return x;
    }

    @Test
    void erfAndErfcWithinAFewUlps() {
        double worstErf = 0;
        double worstErfc = 0;
        for (double x : arguments()) {
            BigDecimal bx = new BigDecimal(x);
            BigDecimal c = erfcSigned(bx);
            BigDecimal e = BigDecimal.ONE.subtract(c, MC);
            if (Math.abs(x) < 6) {
                worstErf = Math.max(worstErf, ulps(Erf.erf(x), e));
            }
            if (c.doubleValue() >= Double.MIN_NORMAL) {
                double u = ulps(Erf.erfc(x), c);
                assertTrue(u <= 4, "erfc(" + x + "): " + u + " ulps");
                worstErfc = Math.max(worstErfc, u);
            } else {
                assertEquals(c.doubleValue(), Erf.erfc(x), 4 * Double.MIN_VALUE, "erfc(" + x + ") subnormal");
            }
        }
        assertTrue(worstErf <= 3, "erf: " + worstErf + " ulps");
        System.out.printf("erf: %.2f ulps, erfc: %.2f ulps at most%n", worstErf, worstErfc);
    }

    @Test
    void phiAndGeluWithinAFewUlps() {
        double worstPhi = 0;
        double worstGelu = 0;
        double worstDerivative = 0;
        for (double z : arguments()) {
            BigDecimal p = phi(z);
            if (p.doubleValue() < Double.MIN_NORMAL * 1e3) {
                continue;
            }
            worstPhi = Math.max(worstPhi, ulps(Erf.phi(z), p));
            BigDecimal bz = new BigDecimal(z);
            worstGelu = Math.max(worstGelu, ulps(Activation.GELU.value(z), bz.multiply(p, MC)));
            // Φ(z) + z φ(z), φ(z) = e^{−z²/2}/√(2π)
            BigDecimal density = expMinus(bz.multiply(bz, MC).divide(TWO, MC))
                    .divide(SQRT_PI.multiply(TWO.sqrt(MC), MC), MC);
            BigDecimal d = p.add(bz.multiply(density, MC), MC);
            if (Math.abs(z) > 0.3 && Math.abs(z) < 0.9) {
                continue; // Φ + zφ cancels near its zero at z ≈ −0.75; checked by finite differences instead
            }
            worstDerivative = Math.max(worstDerivative, ulps(Activation.GELU.derivative(z), d));
        }
        System.out.printf("phi: %.2f ulps, gelu: %.2f ulps, gelu': %.2f ulps at most%n", worstPhi, worstGelu,
                worstDerivative);
        assertTrue(worstPhi <= 4, "phi: " + worstPhi + " ulps");
        assertTrue(worstGelu <= 6, "gelu: " + worstGelu + " ulps");
        assertTrue(worstDerivative <= 6, "gelu': " + worstDerivative + " ulps");
    }

    @Test
    void edges() {
        assertEquals(0.0, Erf.erf(0.0), 0);
        assertEquals(1.0, Erf.erf(30), 0);
        assertEquals(-1.0, Erf.erf(Double.NEGATIVE_INFINITY), 0);
        assertEquals(0.0, Erf.erfc(Double.POSITIVE_INFINITY), 0);
        assertEquals(2.0, Erf.erfc(-30), 0);
        assertTrue(Double.isNaN(Erf.erf(Double.NaN)) && Double.isNaN(Erf.erfc(Double.NaN)));
        assertTrue(Double.isNaN(Erf.phi(Double.NaN)) && Double.isNaN(Erf.density(Double.NaN)));
        assertEquals(0.5, Erf.phi(0), 0);
        assertEquals(0.0, Erf.density(1e200), 0);
        assertEquals(0.0, Erf.phi(-1e300), 0);
        assertEquals(1.0, Erf.phi(1e300), 0);
    }
}
