package netsense.io;

import java.util.Locale;

/** Numbers as people read them: three significant digits, thousands separators. */
public final class Format {
    private Format() {}

    /** Three significant digits; scientific notation below 1e-3 and from 1e5; "n/a" for null or NaN. */
    public static String sig3(Double v) {
        if (v == null || v.isNaN()) {
            return "n/a";
        }
        if (v.isInfinite()) {
            return v > 0 ? "∞" : "−∞";
        }
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-3 || a >= 1e5)) {
            return String.format(Locale.ROOT, "%.2e", v);
        }
        String s = String.format(Locale.ROOT, "%.3g", v);
        return s.contains("e") ? String.format(Locale.ROOT, "%.2e", v) : s;
    }

    /**
     * Appends v to the nearest tenth ("123.4"), as {@code %.1f} writes it but for exact ties, which
     * may round either way: a chart's coordinates, thousands of them, without a Formatter each.
     * From ±1e9 on, where the product v·10 rounds away more of v, and for NaN and infinities,
     * {@code %.1f} itself.
     */
    public static StringBuilder tenths(StringBuilder out, double v) {
        if (!(Math.abs(v) < 1e9)) {
            return out.append(String.format(Locale.ROOT, "%.1f", v));
        }
        long t = Math.round(Math.abs(v) * 10);
        if (v < 0 || Double.doubleToRawLongBits(v) == Long.MIN_VALUE) { // −0.04 and −0.0 as "-0.0"
            out.append('-');
        }
        return out.append(t / 10).append('.').append(t % 10);
    }

    /** 1,234,567. */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
