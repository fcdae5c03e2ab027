package netsense.spark;

import netsense.core.GradientSummary;

/**
 * Judges one row's features and result: reads a features value (as Spark hands an
 * {@code array<double>} to a {@code Row}, or from Spark's internal row) into a block, or says
 * what is wrong ({@link RowFault}).
 */
final class FeatureRows {

    private static final GradientSummary.Scalar[] NORMS = {GradientSummary.Scalar.L1, GradientSummary.Scalar.L2,
        GradientSummary.Scalar.LINF};

    private FeatureRows() {}

    /**
     * Copies the features into {@code x[off..off+n)}.
     *
     * @return null when the row is good, else the fault ("feature 3 is NaN")
     */
    static RowFault read(Object value, double[] x, int off, int n) {
        if (value == null) {
            return NULL_FEATURES;
        }
        if (value instanceof scala.collection.mutable.ArraySeq.ofDouble d) {
            return copy(d.array(), x, off, n);
        }
        if (value instanceof scala.collection.immutable.ArraySeq.ofDouble d) {
            return copy(d.unsafeArray(), x, off, n);
        }
        if (value instanceof double[] d) {
            return copy(d, x, off, n);
        }
        @SuppressWarnings("unchecked")
        scala.collection.Seq<Object> seq = (scala.collection.Seq<Object>) value;
        int length = seq.length();
        if (length != n) {
            return wrongLength(length, n);
        }
        for (int j = 0; j < n; j++) {
            Object v = seq.apply(j);
            if (v == null) {
                return nullEntry(j);
            }
            double d = ((Number) v).doubleValue();
            if (!Double.isFinite(d)) {
                return nonFinite(j, d);
            }
            x[off + j] = d;
        }
        return null;
    }

    private static RowFault copy(double[] values, double[] x, int off, int n) {
        if (values.length != n) {
            return wrongLength(values.length, n);
        }
        for (int j = 0; j < n; j++) {
            double d = values[j];
            if (!Double.isFinite(d)) {
                return nonFinite(j, d);
            }
            x[off + j] = d;
        }
        return null;
    }

    static final RowFault NULL_FEATURES = new RowFault(RowFault.Kind.NULL_FEATURES, "features are null");

    static RowFault wrongLength(int length, int n) {
        return new RowFault(RowFault.Kind.WRONG_LENGTH, "features have " + length + " entries, expected " + n);
    }

    static RowFault nullEntry(int j) {
        return new RowFault(RowFault.Kind.NULL_ENTRY, "feature " + j + " is null");
    }

    static RowFault nonFinite(int j, double d) {
        return new RowFault(RowFault.Kind.NON_FINITE_ENTRY, "feature " + j + " is " + d);
    }

    /**
     * null when the output, every gradient entry and the gradient's three norms (at
     * {@code norms[normOff..normOff+3)}, as {@link GradientSummary#rowNorms} gives them) are
     * finite, else the fault.
     */
    static RowFault checkResult(double output, double[] gradients, int off, int n, double[] norms, int normOff) {
        if (!Double.isFinite(output)) {
            return result("the output is not finite (" + output + ")");
        }
        if (!Double.isFinite(norms[normOff])) { // L1 = Σ|g_j| is finite when every entry is (and the sum fits)
            for (int j = 0; j < n; j++) {
                if (!Double.isFinite(gradients[off + j])) {
                    return result("gradient entry " + j + " is not finite (" + gradients[off + j] + ")");
                }
            }
        }
        for (int i = 0; i < 3; i++) {
            if (!Double.isFinite(norms[normOff + i])) {
                return result("the gradient's " + GradientSummary.normName(NORMS[i]) + " norm is not finite ("
                        + norms[normOff + i] + ")");
            }
        }
        return null;
    }

    /** A completeness gap that is not finite (integrated gradients). */
    static RowFault nonFiniteDelta(double delta) {
        return result("the completeness gap delta is not finite (" + delta + ")");
    }

    /**
     * The fault of a row's baseline (integrated gradients' per-row x'), from the fault reading
     * it as features would give: the same judgement, named as the baseline's; null stays null.
     */
    static RowFault baselineFault(RowFault asFeatures) {
        if (asFeatures == null) {
            return null;
        }
        String reason = asFeatures.reason().replace("features are", "baseline is").replace("features have",
                "baseline has").replace("feature ", "baseline entry ");
        return new RowFault(RowFault.Kind.BAD_BASELINE, reason);
    }

    private static RowFault result(String reason) {
        return new RowFault(RowFault.Kind.NON_FINITE_RESULT, reason);
    }
}
