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

    /** 1,234,567. */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
