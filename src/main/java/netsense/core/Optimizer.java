package netsense.core;

/**
 * How a step moves the parameters θ given the mean gradient ∇C over its batch, with the
 * conventions of PyTorch's {@code torch.optim} (so that a run can be repeated there):
 *
 * <ul>
 *   <li>{@code sgd}: θ ← θ − η ∇C (Higham &amp; Higham's step);
 *   <li>{@code momentum}: v ← μ v + ∇C, θ ← θ − η v, μ = {@value #MOMENTUM} (v starts at ∇C);
 *   <li>{@code adam}: m ← β₁ m + (1 − β₁) ∇C, s ← β₂ s + (1 − β₂) ∇C², θ ← θ − η m̂ / (√ŝ + ε),
 *       m̂ = m / (1 − β₁ᵗ), ŝ = s / (1 − β₂ᵗ); β₁ = 0.9, β₂ = 0.999, ε = 1e-8 (Kingma &amp; Ba).
 * </ul>
 *
 * An instance holds its state (v, or m, s and t) for one run; {@link #copy} snapshots it.
 */
public final class Optimizer {
    public static final double MOMENTUM = 0.9;
    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double EPSILON = 1e-8;

    /** The update rules. */
    public enum Kind {
        SGD, MOMENTUM, ADAM;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Kind kind;
    private final double rate;
    private final double[] first;    // v (momentum) or m (adam)
    private final double[] second;   // s (adam)
    private long t;

    public Optimizer(Kind kind, double learningRate, int parameters) {
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("the learning rate must be a positive number, got " + learningRate);
        }
        this.kind = kind;
        this.rate = learningRate;
        this.first = kind == Kind.SGD ? null : new double[parameters];
        this.second = kind == Kind.ADAM ? new double[parameters] : null;
    }

    private Optimizer(Optimizer o) {
        this.kind = o.kind;
        this.rate = o.rate;
        this.first = o.first == null ? null : o.first.clone();
        this.second = o.second == null ? null : o.second.clone();
        this.t = o.t;
    }

    public Kind kind() {
        return kind;
    }

    public double learningRate() {
        return rate;
    }

    /** This optimizer with its state as it is now. */
    public Optimizer copy() {
        return new Optimizer(this);
    }

    /**
     * One step. Modified: {@code theta}; not modified: {@code gradient} (the mean over the batch).
     */
    public void step(double[] theta, double[] gradient) {
        t++;
        switch (kind) {
            case SGD -> {
                for (int i = 0; i < theta.length; i++) {
                    theta[i] -= rate * gradient[i];
                }
            }
            case MOMENTUM -> {
                double[] v = first;
                boolean start = t == 1;
                for (int i = 0; i < theta.length; i++) {
                    v[i] = start ? gradient[i] : MOMENTUM * v[i] + gradient[i];
                    theta[i] -= rate * v[i];
                }
            }
            case ADAM -> {
                double[] m = first;
                double[] s = second;
                double c1 = 1 - Math.pow(BETA1, t);
                double c2 = 1 - Math.pow(BETA2, t);
                for (int i = 0; i < theta.length; i++) {
                    double g = gradient[i];
                    m[i] = BETA1 * m[i] + (1 - BETA1) * g;
                    s[i] = BETA2 * s[i] + (1 - BETA2) * g * g;
                    theta[i] -= rate * (m[i] / c1) / (Math.sqrt(s[i] / c2) + EPSILON);
                }
            }
        }
    }
}
