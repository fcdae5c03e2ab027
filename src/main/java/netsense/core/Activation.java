package netsense.core;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The activation functions σ of a layer, each with its derivative σ'.
 *
 * <p>Every value and derivative is finite for every finite argument: the exponentials are
 * always taken of −|z|, so nothing overflows, and derivatives are formed from that same
 * exponential rather than as σ(1 − σ), which would lose all precision in the tails. NaN gives
 * NaN, value and derivative, in every activation (so that an intermediate ∞ − ∞ ends in a
 * rejected row, never in a finite result); no activation returns −0.0 for a nonzero argument.
 */
public enum Activation {
    /** σ(z) = 1 / (1 + e^−z); σ'(z) = e^−|z| / (1 + e^−|z|)². */
    SIGMOID {
        @Override
        public void apply(double[] z, double[] derivative, int from, int to) {
            for (int i = from; i < to; i++) {
                double v = z[i];
                double e = Math.exp(-Math.abs(v));
                double r = 1.0 / (1.0 + e);
                z[i] = v >= 0 ? r : e * r;
                derivative[i] = e * r * r;
            }
        }
    },
    /** tanh(z) = (1 − e)/(1 + e) and tanh'(z) = 4e / (1 + e)², with e = e^−2|z|. */
    TANH {
        @Override
        public void apply(double[] z, double[] derivative, int from, int to) {
            for (int i = from; i < to; i++) {
                double v = z[i];
                double u = -2.0 * Math.abs(v);
                // e = e^u and m = e − 1, each from the call that keeps it exact: expm1 near 0, exp in the tail
                double e;
                double m;
                if (u > -0.7) {
                    m = Math.expm1(u);
                    e = 1.0 + m;
                } else {
                    e = Math.exp(u);
                    m = e - 1.0;
                }
                double q = 1.0 / (1.0 + e);
                double t = -m * q;
                z[i] = v >= 0 ? t : -t;
                derivative[i] = 4.0 * e * q * q;
            }
        }
    },
    /** max(z, 0); derivative 1 for z &gt; 0 and 0 otherwise (so σ'(0) = 0); NaN for NaN. */
    RELU {
        @Override
        public void apply(double[] z, double[] derivative, int from, int to) {
            for (int i = from; i < to; i++) {
                double v = z[i];
                z[i] = Math.max(v, 0.0); // NaN stays NaN, −0.0 becomes +0.0
                derivative[i] = v > 0 ? 1.0 : v == v ? 0.0 : Double.NaN;
            }
        }
    },
    /** log(1 + e^z) = max(z, 0) + log1p(e^−|z|); derivative the sigmoid. */
    SOFTPLUS {
        @Override
        public void apply(double[] z, double[] derivative, int from, int to) {
            for (int i = from; i < to; i++) {
                double v = z[i];
                double e = Math.exp(-Math.abs(v));
                double r = 1.0 / (1.0 + e);
                z[i] = Math.max(v, 0.0) + Math.log1p(e);
                derivative[i] = v >= 0 ? r : e * r;
            }
        }
    },
    /** z; derivative 1 (NaN for NaN). */
    IDENTITY {
        @Override
        public void apply(double[] z, double[] derivative, int from, int to) {
            for (int i = from; i < to; i++) {
                derivative[i] = z[i] == z[i] ? 1.0 : Double.NaN;
            }
        }
    };

    /**
     * Replaces {@code z[from..to)} by σ(z) and writes σ'(z) to {@code derivative[from..to)}.
     *
     * @param z          pre-activations. Modified: holds the activations on return.
     * @param derivative Modified: σ' at the original z. Must not alias {@code z}.
     */
    public abstract void apply(double[] z, double[] derivative, int from, int to);

    /** σ(z) for one value; a convenience over {@link #apply}, not for hot loops. */
    public double value(double z) {
        double[] v = {z};
        apply(v, new double[1], 0, 1);
        return v[0];
    }

    /** σ'(z) for one value; a convenience over {@link #apply}, not for hot loops. */
    public double derivative(double z) {
        double[] d = new double[1];
        apply(new double[] {z}, d, 0, 1);
        return d[0];
    }

    /** The name used in model files: lower case. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The activation of that name; {@link IllegalArgumentException} naming the known ones otherwise. */
    public static Activation fromId(String id) {
        for (Activation a : values()) {
            if (a.id().equals(id)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown activation \"" + id + "\" (known: " + knownIds() + ")");
    }

    static String knownIds() {
        return Arrays.stream(values()).map(Activation::id).collect(Collectors.joining(", "));
    }
}
