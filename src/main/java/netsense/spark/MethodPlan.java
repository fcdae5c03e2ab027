package netsense.spark;

import java.io.Serializable;
import netsense.core.Attribution;
import netsense.core.ColumnMoments;
import netsense.io.InvalidSetupException;

/**
 * A method as a job runs it, everything resolved: the kernel-side settings with the noise's
 * standard deviation per dimension, whether every output is computed, integrated gradients'
 * baseline — one for every row ({@code constantBaseline}; null for zero) or a per-row column.
 */
record MethodPlan(MethodOptions options, Attribution.Settings attribution, boolean allOutputs,
                  double[] constantBaseline, boolean baselineColumn) implements Serializable {

    /** The plain gradient of one output. */
    static MethodPlan gradient() {
        return new MethodPlan(MethodOptions.gradient(), Attribution.Settings.gradient(), false, null, false);
    }

    /**
     * Resolves {@code options} for inputs of width n1.
     *
     * @param moments the input's column moments, needed when {@link MethodOptions#needsInputMoments()}
     */
    static MethodPlan resolve(MethodOptions options, boolean allOutputs, int n1, ColumnMoments moments) {
        double[] noise = null;
        if (options.method().noisy()) {
            noise = new double[n1];
            Double relative = options.relativeNoise();
            for (int j = 0; j < n1; j++) {
                noise[j] = relative == null ? options.noiseStd() : relative * spread(moments, j);
            }
        }
        double[] constant = null;
        if (options.integrated() && options.baseline().equals("mean")) {
            requireRows(moments, 1, "a mean baseline");
            constant = new double[n1];
            for (int j = 0; j < n1; j++) {
                constant[j] = moments.mean(j);
            }
        }
        Attribution.Settings settings = new Attribution.Settings(options.method(), options.steps(),
                options.quadrature(), options.samples(), noise, options.seed());
        return new MethodPlan(options, settings, allOutputs, constant, options.baselineColumn() != null);
    }

    private static double spread(ColumnMoments moments, int j) {
        requireRows(moments, 2, "noise relative to each dimension's spread (--noise-rel)");
        double s = moments.std(j);
        return Double.isFinite(s) ? s : 0.0;
    }

    private static void requireRows(ColumnMoments moments, long rows, String what) {
        if (moments == null || moments.count() < rows) {
            throw new InvalidSetupException(what + " needs at least " + rows + " good input row" + (rows == 1 ? "" : "s")
                    + "; the input has " + (moments == null ? 0 : moments.count()));
        }
    }

    /** summary.json's {@code "method"} entry: the name and the settings in effect. */
    netsense.io.SummaryJson.Method describe() {
        java.util.Map<String, Object> settings = new java.util.LinkedHashMap<>();
        if (options.integrated()) {
            settings.put("steps", options.steps());
            settings.put("quadrature", options.quadrature().id());
            settings.put("baseline", options.baseline());
        } else if (options.method().noisy()) {
            settings.put("samples", options.samples());
            if (options.relativeNoise() != null) {
                settings.put("noise_rel", options.relativeNoise());
            } else {
                settings.put("noise_std", options.noiseStd());
            }
            settings.put("seed", options.seed());
        }
        return new netsense.io.SummaryJson.Method(options.method().id(), settings);
    }

    /** Outputs a row's vector is computed for: 1, or nL. */
    int outputsPerRow(int nL) {
        return allOutputs ? nL : 1;
    }
}
