package netsense.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Format#tenths}: what {@code %.1f} writes, but for exact ties in the decimal expansion. */
class FormatTest {
    private static String tenths(double v) {
        return Format.tenths(new StringBuilder(), v).toString();
    }

    @Test
    void tenthsAreWhatPercentOneFWrites() {
        Random rnd = new Random(3);
        for (int i = 0; i < 200_000; i++) {
            double v = switch (i % 4) {
                case 0 -> rnd.nextDouble() * 300;                    // a chart's coordinates
                case 1 -> (rnd.nextDouble() - 0.5) * 2e6;
                case 2 -> (rnd.nextDouble() - 0.5) * 1e-3;           // around zero
                default -> Math.round(rnd.nextDouble() * 3000) / 10.0; // on a tenth
            };
            String want = String.format(Locale.ROOT, "%.1f", v);
            String got = tenths(v);
            if (!want.equals(got)) {
                // only where v·10 lies within an ulp of a half: a tie the two may round apart
                BigDecimal exact = new BigDecimal(v).movePointRight(1);
                BigDecimal fraction = exact.subtract(exact.setScale(0, RoundingMode.FLOOR)).abs();
                assertEquals(0.5, fraction.doubleValue(), Math.ulp(v * 10), v + ": " + want + " vs " + got);
                assertEquals(new BigDecimal(want).doubleValue(), new BigDecimal(got).doubleValue(), 0.1000001, String.valueOf(v));
            }
        }
        assertEquals("0.0", tenths(0.0));
        assertEquals("-0.0", tenths(-0.04));
        assertEquals("-0.0", tenths(-0.0));
        assertEquals("-0.1", tenths(-0.06));
        assertEquals("123.4", tenths(123.44));
        assertEquals("300.0", tenths(299.96));
        assertEquals("-2.0", tenths(-1.99));
        assertEquals(String.format(Locale.ROOT, "%.1f", 3e15), tenths(3e15));
        assertEquals("NaN", tenths(Double.NaN));
        assertEquals("Infinity", tenths(Double.POSITIVE_INFINITY));
    }
}
