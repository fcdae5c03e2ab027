package netsense.core;

/**
 * The upper bound on the total Sobol' index from the derivative-based measure ν_i = E[(∂f/∂x_i)²]
 * (Sobol' and Kucherenko 2009; Lamboni, Iooss, Popelin and Gamboa 2013):
 *
 * <pre>
 *     S_Ti ≤ C_i · ν_i / D,       D = Var f (the output's sample variance, n − 1)
 * </pre>
 *
 * <p>with C_i the Poincaré constant of x_i's distribution:
 *
 * <pre>
 *     uniform on [a_i, b_i] :  C_i = (b_i − a_i)² / π²
 *     normal with std σ_i   :  C_i = σ_i²
 * </pre>
 *
 * <p>For a linear f = Σ w_i x_i + c on independent uniform inputs, ν_i = w_i², D = Σ w_i²(b − a)²/12
 * and S_Ti = w_i²(b − a)²/12 / D: the uniform bound is 12/π² ≈ 1.216 times S_Ti, the case in
 * which the bound is tightest. The bounds hold for independent inputs; a_i, b_i and σ_i are those
 * of the whole input (observed, or given), also when the bound is formed per bootstrap replicate.
 */
public final class DgsmBound {
    private DgsmBound() {}

    /** The distribution the Poincaré constant is that of ({@code --dgsm-bound uniform|normal}). */
    public enum Poincare {
        /** C_i = (b_i − a_i)²/π². */
        UNIFORM,
        /** C_i = σ_i². */
        NORMAL;

        /** "uniform" or "normal", as the option and summary.json spell it. */
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The constant's formula as summary.json and the report name it. */
        public String formula() {
            return this == UNIFORM ? "(b_i - a_i)^2 / pi^2" : "std(x_i)^2";
        }
    }

    /** (b − a)²/π², the Poincaré constant of the uniform distribution on [a, b]. */
    public static double uniformConstant(double a, double b) {
        if (!(a <= b) || !Double.isFinite(a) || !Double.isFinite(b)) {
            throw new IllegalArgumentException("bounds [" + a + ", " + b + "]: expecting finite a ≤ b");
        }
        double width = b - a;
        return width * width / (Math.PI * Math.PI);
    }

    /** σ², the Poincaré constant of the normal distribution of standard deviation σ. */
    public static double normalConstant(double std) {
        if (!(std >= 0) || !Double.isFinite(std)) {
            throw new IllegalArgumentException("std " + std + ": expecting a finite number ≥ 0");
        }
        return std * std;
    }

    /** C·ν/D; NaN when D is not positive and finite, or ν or C is not finite (the bound is undefined). */
    public static double bound(double constant, double meanSquare, double outputVariance) {
        if (!(outputVariance > 0) || !Double.isFinite(outputVariance) || !Double.isFinite(meanSquare)
                || !Double.isFinite(constant)) {
            return Double.NaN;
        }
        return constant * meanSquare / outputVariance;
    }

    /**
     * The constants C_i of every dimension: for {@link Poincare#UNIFORM} from {@code bounds} when
     * given ({@code --input-bounds}: one [a_i, b_i] per dimension) and otherwise from the observed
     * min and max of x_i; for {@link Poincare#NORMAL} from the sample std of x_i. NaN where the
     * summary has no figure (no rows, or one row for a std).
     *
     * @param summary Not modified: a summary of rows with their inputs ({@link GradientSummary#hasInputs()})
     *                unless {@code bounds} gives what is needed
     * @param bounds  Not modified; null: observed
     * @throws IllegalArgumentException bounds of the wrong number or with a &gt; b
     * @throws IllegalStateException    the summary has no inputs and the constants would need them
     */
    public static double[] constants(GradientSummary summary, Poincare kind, double[][] bounds) {
        int n = summary.dimensions();
        if (bounds != null && kind == Poincare.UNIFORM) {
            if (bounds.length != n) {
                throw new IllegalArgumentException("input bounds: expecting " + n + " pairs [a, b] but got "
                        + bounds.length);
            }
        } else if (!summary.hasInputs() && summary.count() > 0) {
            throw new IllegalStateException("the " + kind.id() + " bound needs the inputs' "
                    + (kind == Poincare.UNIFORM ? "range" : "std") + ", and the summary has no inputs");
        }
        double[] c = new double[n];
        for (int i = 0; i < n; i++) {
            if (kind == Poincare.UNIFORM && bounds != null) {
                if (bounds[i] == null || bounds[i].length != 2) {
                    throw new IllegalArgumentException("input bounds of dimension " + i + ": expecting [a, b]");
                }
                c[i] = uniformConstant(bounds[i][0], bounds[i][1]);
                continue;
            }
            GradientSummary.InputStats x = summary.input(i);
            if (kind == Poincare.UNIFORM) {
                c[i] = x.min() == null ? Double.NaN : uniformConstant(x.min(), x.max());
            } else {
                c[i] = x.std() == null ? Double.NaN : normalConstant(x.std());
            }
        }
        return c;
    }

    /**
     * The bound C_i·ν_i/D of every dimension of the summary, with ν_i its mean_sq and D the square
     * of its output's std; NaN where undefined (fewer than two rows, a constant output).
     *
     * @param constants Not modified: C_i per dimension, as {@link #constants} gives them
     */
    public static double[] bounds(GradientSummary summary, double[] constants) {
        int n = summary.dimensions();
        if (constants.length != n) {
            throw new IllegalArgumentException("dimension mismatch: expecting " + n + " constants but got "
                    + constants.length);
        }
        Double std = summary.output().std();
        double d = std == null ? Double.NaN : std * std;
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            Double nu = summary.dimension(i).meanSquare();
            b[i] = nu == null ? Double.NaN : bound(constants[i], nu, d);
        }
        return b;
    }
}
