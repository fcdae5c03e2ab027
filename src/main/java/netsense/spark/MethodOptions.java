package netsense.spark;

import java.io.Serializable;
import java.util.Objects;
import netsense.core.Attribution;
import netsense.core.Quadrature;

/**
 * What each row's vector is (SPEC, "Attribution methods and all outputs"): the method and its
 * settings, with the SPEC's defaults. {@code baseline} is integrated gradients' x': {@code "zero"},
 * {@code "mean"} (the input's column means, from a first pass) or the name of a per-row array
 * column. SmoothGrad's noise is {@code noiseStd} (absolute) or {@code noiseRel} × each
 * dimension's standard deviation over the input (a first pass); with neither, 0.15 relative.
 */
public record MethodOptions(Attribution.Method method, int steps, Quadrature quadrature, String baseline, int samples,
                            Double noiseStd, Double noiseRel, long seed) implements Serializable {
    public static final int DEFAULT_STEPS = 50;
    public static final int DEFAULT_SAMPLES = 20;
    public static final double DEFAULT_NOISE_REL = 0.15;
    /** The most SmoothGrad samples a row takes. */
    public static final int MAX_SAMPLES = 10_000;

    public MethodOptions {
        Objects.requireNonNull(method, "method");
        quadrature = quadrature == null ? Quadrature.GAUSS_LEGENDRE : quadrature;
        baseline = baseline == null ? "zero" : baseline;
    }

    /** The method with the SPEC's defaults. */
    public static MethodOptions of(Attribution.Method method) {
        return new MethodOptions(method, DEFAULT_STEPS, Quadrature.GAUSS_LEGENDRE, "zero", DEFAULT_SAMPLES, null, null,
                0);
    }

    public static MethodOptions gradient() {
        return of(Attribution.Method.GRADIENT);
    }

    public MethodOptions withSteps(int n) {
        return new MethodOptions(method, n, quadrature, baseline, samples, noiseStd, noiseRel, seed);
    }

    public MethodOptions withQuadrature(Quadrature q) {
        return new MethodOptions(method, steps, q, baseline, samples, noiseStd, noiseRel, seed);
    }

    public MethodOptions withBaseline(String b) {
        return new MethodOptions(method, steps, quadrature, b, samples, noiseStd, noiseRel, seed);
    }

    public MethodOptions withSamples(int n) {
        return new MethodOptions(method, steps, quadrature, baseline, n, noiseStd, noiseRel, seed);
    }

    public MethodOptions withNoiseStd(Double s) {
        return new MethodOptions(method, steps, quadrature, baseline, samples, s, noiseRel, seed);
    }

    public MethodOptions withNoiseRel(Double r) {
        return new MethodOptions(method, steps, quadrature, baseline, samples, noiseStd, r, seed);
    }

    public MethodOptions withSeed(long s) {
        return new MethodOptions(method, steps, quadrature, baseline, samples, noiseStd, noiseRel, s);
    }

    boolean integrated() {
        return method == Attribution.Method.INTEGRATED_GRADIENTS;
    }

    /** The relative noise in effect, or null when the noise is absolute or there is none. */
    Double relativeNoise() {
        if (!method.noisy() || noiseStd != null) {
            return null;
        }
        return noiseRel == null ? DEFAULT_NOISE_REL : noiseRel;
    }

    /** Whether the input's column moments are needed before the pass (mean baseline, relative noise). */
    boolean needsInputMoments() {
        return integrated() && baseline.equals("mean") || relativeNoise() != null;
    }

    /** A per-row baseline column's name, or null. */
    String baselineColumn() {
        return integrated() && !baseline.equals("zero") && !baseline.equals("mean") ? baseline : null;
    }

    /** The name of the per-row vector column: {@code gradient} or {@code attribution}. */
    public String vectorColumn() {
        return method == Attribution.Method.GRADIENT ? "gradient" : "attribution";
    }

    /** The prefix of its norms' columns: {@code grad} or {@code attr}. */
    public String normPrefix() {
        return method == Attribution.Method.GRADIENT ? "grad" : "attr";
    }

    /** Refuses settings out of range, with a message naming the option. */
    public void validate() {
        if (integrated()) {
            int min = quadrature == Quadrature.RIEMANN_TRAPEZOID ? 2 : 1;
            if (steps < min || steps > Quadrature.MAX_POINTS) {
                throw new netsense.io.InvalidSetupException("--steps " + steps + " is not in " + min + ".."
                        + Quadrature.MAX_POINTS + " (" + quadrature.id() + ")");
            }
            if (baseline.isBlank()) {
                throw new netsense.io.InvalidSetupException("--baseline is zero, mean or a column name");
            }
        }
        if (method.noisy()) {
            if (samples < 1 || samples > MAX_SAMPLES) {
                throw new netsense.io.InvalidSetupException("--samples " + samples + " is not in 1.." + MAX_SAMPLES);
            }
            if (noiseStd != null && noiseRel != null) {
                throw new netsense.io.InvalidSetupException("--noise-std and --noise-rel exclude each other: give one");
            }
            Double s = noiseStd != null ? noiseStd : noiseRel;
            if (s != null && !(s >= 0 && s < Double.POSITIVE_INFINITY)) {
                throw new netsense.io.InvalidSetupException((noiseStd != null ? "--noise-std " : "--noise-rel ") + s
                        + " is not a finite number ≥ 0");
            }
        }
    }
}
