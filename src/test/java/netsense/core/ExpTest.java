package netsense.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/**
 * netsense's exponential ({@link Exp#exp} and its vector twin) against exact arithmetic over
 * a dense sweep of [−746, 0]: within {@value #MAX_ULPS} ulp of e^x (for subnormal results, of
 * the subnormal grid), 0 exactly where e^x is below half the least subnormal, and the vector
 * lanes bit for bit the scalar.
 */
class ExpTest {
    static final double MAX_ULPS = 1.0;
    private static final MathContext MC = new MathContext(40, RoundingMode.HALF_EVEN);
    private static final BigDecimal LN2 = new BigDecimal(
            "0.693147180559945309417232121458176568075500134360255254120680009493393621969694715605863326996418687");

    private static final BigDecimal[] INVERSE_FACTORIAL = new BigDecimal[30];
    private static final BigDecimal[] POWER_OF_HALF = new BigDecimal[1100];

    static {
        BigDecimal f = BigDecimal.ONE;
        for (int n = 0; n < INVERSE_FACTORIAL.length; n++) {
            f = n == 0 ? f : f.multiply(BigDecimal.valueOf(n));
            INVERSE_FACTORIAL[n] = BigDecimal.ONE.divide(f, MC);
        }
        for (int k = 0; k < POWER_OF_HALF.length; k++) {
            POWER_OF_HALF[k] = new BigDecimal("0.5").pow(k, MC);
        }
    }

    /** e^x to 40 digits: x = k ln 2 + r, |r| ≤ ln 2 / 2, e^r by its series to r²⁹, times 2^k. */
    static BigDecimal exact(double x) {
        int k = (int) Math.round(x / Math.log(2));
        BigDecimal r = new BigDecimal(x).subtract(LN2.multiply(BigDecimal.valueOf(k), MC), MC);
        BigDecimal sum = INVERSE_FACTORIAL[INVERSE_FACTORIAL.length - 1];
        for (int n = INVERSE_FACTORIAL.length - 2; n >= 0; n--) {
            sum = sum.multiply(r, MC).add(INVERSE_FACTORIAL[n], MC);
        }
        return sum.multiply(POWER_OF_HALF[-k], MC);
    }

    /** |y − e^x| in units of the last place of e^x's binade (the subnormal spacing below 2^−1022). */
    static double ulps(double y, BigDecimal e) {
        double nearest = e.doubleValue();
        double ulp = nearest < Double.MIN_NORMAL ? Double.MIN_VALUE : Math.ulp(nearest);
        if (nearest > 0 && e.compareTo(new BigDecimal(nearest)) < 0 && Math.ulp(Math.nextDown(nearest)) < ulp
                && nearest >= Double.MIN_NORMAL) {
            ulp = Math.ulp(Math.nextDown(nearest)); // just below a power of two: the finer spacing
        }
        return new BigDecimal(y).subtract(e, MC).abs().divide(new BigDecimal(ulp), MC).doubleValue();
    }

    static double[] sweep() {
        List<Double> xs = new ArrayList<>();
        int n = 40_000;
        for (int i = 0; i <= n; i++) {
            xs.add(-746.0 * i / n);
        }
        SplittableRandom rnd = new SplittableRandom(745);
        for (int i = 0; i < 10_000; i++) {
            xs.add(-rnd.nextDouble(0, 746.5));
            xs.add(-Math.pow(2, -rnd.nextDouble(0, 60)));  // near 0: r = x, k = 0
        }
        double ln2 = Math.log(2);
        for (int k = 0; k <= 1076; k += 1) {  // the edges of the reduction: x/ln 2 near j + ½ and near j
            for (double c : new double[] {-(k + 0.5) * ln2, -k * ln2}) {
                xs.add(c);
                xs.add(Math.nextUp(c));
                xs.add(Math.nextDown(c));
            }
        }
        double[] edges = {0.0, -0.0, -Double.MIN_VALUE, -1e-300, -0x1p-53, -0x1p-52, -1e-17, -0.5, -1,
            -708.3964185322641, -708.39641853226408, -708.4, -709.0, -709.78, -744.44007192138122,
            -744.4400719213812, -745.0, -745.1332191019411, -745.1332191019412, -745.13321910194122, -745.2,
            -745.9999999, -746.0};
        for (double e : edges) {
            xs.add(e);
            xs.add(Math.nextUp(e));
            xs.add(Math.nextDown(e));
        }
        return xs.stream().mapToDouble(Double::doubleValue).filter(x -> x <= 0 && x >= -746.0).toArray();
    }

    @Test
    void withinOneUlpOfExactOverTheWholeRangeAndZeroBelowHalfTheLeastSubnormal() {
        double[] xs = sweep();
        double worstNormal = 0;
        double worstSub = 0;
        double worstStrict = 0;
        double at = 0;
        int zeros = 0;
        for (double x : xs) {
            double y = Exp.exp(x);
            BigDecimal e = exact(x);
            double rounded = e.doubleValue();
            if (rounded == 0) {
                assertEquals(0.0, y, 0, "e^" + x + " is below half the least subnormal");
                zeros++;
                continue;
            }
            double u = ulps(y, e);
            if (rounded < Double.MIN_NORMAL) {
                worstSub = Math.max(worstSub, u);
            } else if (u > worstNormal) {
                worstNormal = u;
                at = x;
            }
            double s = StrictMath.exp(x);
            worstStrict = Math.max(worstStrict, Math.abs(y - s) / Math.ulp(s));
            assertTrue(u <= MAX_ULPS, "e^" + x + ": " + y + " is " + u + " ulp from " + e);
        }
        System.err.printf("Exp over %d arguments in [-746, 0]: normal results within %.3f ulp of exact (at %s),"
                + " subnormal within %.3f ulp, %d zeros; at most %.0f ulp from StrictMath.exp%n",
                xs.length, worstNormal, at, worstSub, zeros, worstStrict);
        assertTrue(zeros > 0 && worstNormal > 0.3, "the sweep reaches the underflow and the hard cases");
    }

    @Test
    void edges() {
        assertEquals(1.0, Exp.exp(0.0), 0);
        assertEquals(1.0, Exp.exp(-0.0), 0);
        assertEquals(1.0, Exp.exp(-Double.MIN_VALUE), 0);
        assertEquals(Math.nextDown(1.0), Exp.exp(-0x1p-53), 0);
        assertEquals(1 - 0x1p-52, Exp.exp(-0x1p-52), 0);
        assertEquals(Double.MIN_VALUE, Exp.exp(-744.44), 0);
        assertEquals(0.0, Exp.exp(-745.2), 0);
        for (double x : new double[] {-746, -746.0001, -1000, -1e300, -Double.MAX_VALUE, Double.NEGATIVE_INFINITY}) {
            assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(Exp.exp(x)), "e^" + x);
        }
        assertTrue(Double.isNaN(Exp.exp(Double.NaN)));
        assertEquals(StrictMath.exp(-1), Exp.exp(-1), Math.ulp(StrictMath.exp(-1)));
    }

    @Test
    void vectorLanesEqualTheScalarBitForBit() {
        VectorSpecies<Double> s = DoubleVector.SPECIES_PREFERRED;
        double[] xs = sweep();
        double[] special = {Double.NaN, Double.NEGATIVE_INFINITY, -1e300, -746.5, -Double.MIN_VALUE, -0.0};
        double[] all = new double[(xs.length + special.length + s.length() - 1) / s.length() * s.length()];
        System.arraycopy(special, 0, all, 0, special.length);
        System.arraycopy(xs, 0, all, special.length, xs.length);
        double[] out = new double[all.length];
        for (int rep = 0; rep < 3; rep++) { // interpreted, then as the JIT has it
            VectorActivations.expOfScaledAbs(all, -1.0, out, 0, all.length); // e^(−|x|) = e^x for x ≤ 0
            for (int i = 0; i < all.length; i++) {
                assertEquals(Double.doubleToRawLongBits(Exp.exp(all[i])), Double.doubleToRawLongBits(out[i]),
                        "e^" + all[i]);
            }
        }
    }
}
