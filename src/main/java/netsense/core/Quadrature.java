package netsense.core;

import java.util.Locale;

/**
 * Quadrature rules on [0, 1] for integrated gradients: n points α_k and weights w_k with
 * Σ w_k = 1 (SPEC, "Attribution methods"). {@code gausslegendre} is exact for polynomials of
 * degree 2n − 1; the Riemann rules converge as 1/n (left, right) or 1/n² (middle, trapezoid).
 */
public enum Quadrature {
    GAUSS_LEGENDRE("gausslegendre"),
    RIEMANN_LEFT("riemann-left"),
    RIEMANN_RIGHT("riemann-right"),
    RIEMANN_MIDDLE("riemann-middle"),
    RIEMANN_TRAPEZOID("riemann-trapezoid");

    /** The most points a rule is computed for (Gauss–Legendre's Newton iteration is checked to this n). */
    public static final int MAX_POINTS = 1000;

    private final String id;

    Quadrature(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Quadrature fromId(String id) {
        for (Quadrature q : values()) {
            if (q.id.equalsIgnoreCase(id)) {
                return q;
            }
        }
        throw new IllegalArgumentException("unknown quadrature \"" + id + "\" (known: gausslegendre, riemann-left,"
                + " riemann-right, riemann-middle, riemann-trapezoid)");
    }

    /** The points α_k (at 0) and weights w_k (at 1) of the n-point rule. */
    public double[][] rule(int n) {
        int min = this == RIEMANN_TRAPEZOID ? 2 : 1;
        if (n < min || n > MAX_POINTS) {
            throw new IllegalArgumentException(id + " takes " + min + ".." + MAX_POINTS + " points, got " + n);
        }
        double[] a = new double[n];
        double[] w = new double[n];
        switch (this) {
            case GAUSS_LEGENDRE -> gaussLegendre(n, a, w);
            case RIEMANN_LEFT, RIEMANN_RIGHT, RIEMANN_MIDDLE -> {
                double shift = this == RIEMANN_LEFT ? 0 : this == RIEMANN_RIGHT ? 1 : 0.5;
                for (int k = 0; k < n; k++) {
                    a[k] = (k + shift) / n;
                    w[k] = 1.0 / n;
                }
            }
            case RIEMANN_TRAPEZOID -> {
                for (int k = 0; k < n; k++) {
                    a[k] = (double) k / (n - 1);
                    w[k] = (k == 0 || k == n - 1 ? 0.5 : 1.0) / (n - 1);
                }
            }
        }
        return new double[][] {a, w};
    }

    /**
     * The roots of P_n by Newton's method from Tricomi's estimate cos(π(i − ¼)/(n + ½)), the
     * weights 2 / ((1 − t²) P_n'(t)²); both mapped from [−1, 1] to [0, 1] (α = (1 + t)/2,
     * w/2). Roots come in ± pairs: the negative ones are the mirror images, so the rule is
     * symmetric to the bit.
     */
    private static void gaussLegendre(int n, double[] a, double[] w) {
        for (int i = 0; i < (n + 1) / 2; i++) {
            double t = Math.cos(Math.PI * (i + 0.75) / (n + 0.5));
            double dp = 0;
            for (int iteration = 0; iteration < 100; iteration++) {
                double p0 = 1;
                double p1 = t;
                for (int j = 2; j <= n; j++) { // (j) P_j = (2j − 1) t P_{j−1} − (j − 1) P_{j−2}
                    double p2 = ((2 * j - 1) * t * p1 - (j - 1) * p0) / j;
                    p0 = p1;
                    p1 = p2;
                }
                double pn = n == 1 ? t : p1;
                double pPrev = n == 1 ? 1 : p0;
                dp = n * (t * pn - pPrev) / (t * t - 1);
                double step = pn / dp;
                t -= step;
                if (Math.abs(step) <= 1e-16 * Math.max(1, Math.abs(t))) {
                    break;
                }
            }
            // the derivative at the converged root
            double p0 = 1;
            double p1 = t;
            for (int j = 2; j <= n; j++) {
                double p2 = ((2 * j - 1) * t * p1 - (j - 1) * p0) / j;
                p0 = p1;
                p1 = p2;
            }
            dp = n == 1 ? 1 : n * (t * p1 - p0) / (t * t - 1);
            double weight = 1.0 / ((1 - t * t) * dp * dp); // 2/(...) halved for [0, 1]
            // t > 0 here (i counts from the largest root): α = (1 ± t)/2
            a[n - 1 - i] = (1 + t) / 2;
            a[i] = (1 - t) / 2;
            w[n - 1 - i] = weight;
            w[i] = weight;
        }
    }

    @Override
    public String toString() {
        return id.toLowerCase(Locale.ROOT);
    }
}
