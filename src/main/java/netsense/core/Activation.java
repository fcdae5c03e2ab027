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
        public void apply(double[] z, double[] derivative, int from, int to, double alpha) {
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
        public void apply(double[] z, double[] derivative, int from, int to, double alpha) {
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
        public void apply(double[] z, double[] derivative, int from, int to, double alpha) {
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
        public void apply(double[] z, double[] derivative, int from, int to, double alpha) {
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
        public void apply(double[] z, double[] derivative, int from, int to, double alpha) {
            for (int i = from; i < to; i++) {
                derivative[i] = z[i] == z[i] ? 1.0 : Double.NaN;
            }
        }
    },
    /** max(z, 0) + α·min(z, 0); derivative 1 for z &gt; 0 and α otherwise (PyTorch's choice at 0). */
    LEAKY_RELU {
        @Override
        public void apply(double[] z, double[] derivative, int from, int to, double alpha) {
            for (int i = from; i < to; i++) {
                double v = z[i];
                z[i] = (v > 0 ? v : alpha * v) + 0.0; // + 0.0: an underflow to −0.0 becomes +0.0
                derivative[i] = v > 0 ? 1.0 : v == v ? alpha : Double.NaN;
            }
        }

        @Override
        public double defaultAlpha() {
            return 0.01;
        }
    },
    /**
     * z for z &gt; 0, α(e^z − 1) otherwise (by expm1, exact near 0); derivative 1 for z &gt; 0 and
     * α·e^z otherwise (α at 0, as PyTorch).
     */
    ELU {
        @Override
        public void apply(double[] z, double[] derivative, int from, int to, double alpha) {
            for (int i = from; i < to; i++) {
                double v = z[i];
                if (v > 0) {
                    derivative[i] = 1.0;
                } else {
                    // Math.expm1 is StrictMath's (no intrinsic): the same bits in every JIT mode
                    z[i] = alpha * Math.expm1(v) + 0.0;
                    derivative[i] = alpha * Exp.exp(v);
                }
            }
        }

        @Override
        public double defaultAlpha() {
            return 1.0;
        }
    },
    /** z·σ(z) (SiLU, swish); derivative σ(z) + z·σ(z)(1 − σ(z)), σ(1 − σ) as e^−|z|/(1 + e^−|z|)². */
    SILU {
        @Override
        public void apply(double[] z, double[] derivative, int from, int to, double alpha) {
            for (int i = from; i < to; i++) {
                double v = z[i];
                double e = Exp.exp(-Math.abs(v));
                double r = 1.0 / (1.0 + e);
                double s = v >= 0 ? r : e * r;
                z[i] = v * s + 0.0;
                derivative[i] = s + v * e * r * r;
            }
        }
    },
    /** The exact GELU z·Φ(z), Φ the standard normal distribution ({@link Erf}); derivative Φ(z) + z·φ(z). */
    GELU {
        @Override
        public void apply(double[] z, double[] derivative, int from, int to, double alpha) {
            for (int i = from; i < to; i++) {
                double v = z[i];
                double p = Erf.phi(v);
                z[i] = v * p + 0.0;
                derivative[i] = p + v * Erf.density(v);
            }
        }
    },
    /**
     * s = e^{z − max z} / Σ e^{z − max z} over the whole range (a vector function: only a
     * network's output layer may have it, see {@link Network}); the derivative written is the
     * Jacobian's diagonal s(1 − s). The kernel's backward step through it is
     * dz = s ⊙ (g − g·s), not a product with this diagonal.
     */
    SOFTMAX {
        @Override
        public void apply(double[] z, double[] derivative, int from, int to, double alpha) {
            softmax(z, from, to - from, 1);
            for (int i = from; i < to; i++) {
                derivative[i] = z[i] * (1.0 - z[i]);
            }
        }

        @Override
        public boolean elementwise() {
            return false;
        }
    };

    /**
     * Replaces {@code z[from..to)} by σ(z) and writes σ'(z) to {@code derivative[from..to)}.
     *
     * @param z          pre-activations. Modified: holds the activations on return.
     * @param derivative Modified: σ' at the original z. Must not alias {@code z}.
     * @param alpha      the layer's α for {@link #LEAKY_RELU} and {@link #ELU}; ignored by the others
     */
    public abstract void apply(double[] z, double[] derivative, int from, int to, double alpha);

    /** {@link #apply(double[], double[], int, int, double)} with the default α. */
    public final void apply(double[] z, double[] derivative, int from, int to) {
        apply(z, derivative, from, to, defaultAlpha());
    }

    /** Whether a model gives this activation a parameter α ("alpha"). */
    public final boolean takesAlpha() {
        return !Double.isNaN(defaultAlpha());
    }

    /** α when a model gives none; NaN for an activation that takes none. */
    public double defaultAlpha() {
        return Double.NaN;
    }

    /** False for softmax, whose every output depends on every input of its layer. */
    public boolean elementwise() {
        return true;
    }

    /**
     * Softmax in place over {@code m} entries from {@code off}, {@code stride} apart: shifted by
     * the largest so that no exponential overflows (each argument is ≤ 0: {@link Exp}). A NaN
     * entry makes every entry NaN.
     */
    static void softmax(double[] z, int off, int m, int stride) {
        double max = Double.NEGATIVE_INFINITY;
        int end = off + m * stride;
        for (int i = off; i < end; i += stride) {
            max = Math.max(max, z[i]); // NaN wins
        }
        double sum = 0;
        for (int i = off; i < end; i += stride) {
            double e = Exp.exp(z[i] - max);
            z[i] = e;
            sum += e;
        }
        double inv = 1.0 / sum;
        for (int i = off; i < end; i += stride) {
            z[i] *= inv;
        }
    }

    /** σ(z) for one value; a convenience over {@link #apply}, not for hot loops. */
    public double value(double z) {
        return value(z, defaultAlpha());
    }

    public double value(double z, double alpha) {
        double[] v = {z};
        apply(v, new double[1], 0, 1, alpha);
        return v[0];
    }

    /** σ'(z) for one value; a convenience over {@link #apply}, not for hot loops. */
    public double derivative(double z) {
        return derivative(z, defaultAlpha());
    }

    public double derivative(double z, double alpha) {
        double[] d = new double[1];
        apply(new double[] {z}, d, 0, 1, alpha);
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

    public static String knownIds() {
        return Arrays.stream(values()).map(Activation::id).collect(Collectors.joining(", "));
    }
}
