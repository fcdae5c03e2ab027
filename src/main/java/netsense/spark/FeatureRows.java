package netsense.spark;

import netsense.core.GradientSummary;

/**
 * Judges one row's features and result: reads a features value (as Spark hands an
 * {@code array<double>} to a {@code Row}) into a block, or says in words what is wrong.
 */
final class FeatureRows {
    static final String NULL_FEATURES = "null features";
    static final String WRONG_LENGTH = "wrong length";
    static final String NULL_ENTRY = "null entry";
    static final String NON_FINITE_ENTRY = "NaN or infinite entry";
    static final String NON_FINITE_RESULT = "non-finite result";

    private static final GradientSummary.Scalar[] NORMS = {GradientSummary.Scalar.L1, GradientSummary.Scalar.L2,
        GradientSummary.Scalar.LINF};

    private FeatureRows() {}

    /**
     * Copies the features into {@code x[off..off+n)}.
     *
     * @return null when the row is good, else the fault ("feature 3 is NaN")
     */
    static String read(Object value, double[] x, int off, int n) {
        if (value == null) {
            return "features are null";
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
                return "feature " + j + " is null";
            }
            double d = ((Number) v).doubleValue();
            if (!Double.isFinite(d)) {
                return "feature " + j + " is " + d;
            }
            x[off + j] = d;
        }
        return null;
    }

    private static String copy(double[] values, double[] x, int off, int n) {
        if (values.length != n) {
            return wrongLength(values.length, n);
        }
        for (int j = 0; j < n; j++) {
            double d = values[j];
            if (!Double.isFinite(d)) {
                return "feature " + j + " is " + d;
            }
            x[off + j] = d;
        }
        return null;
    }

    private static String wrongLength(int length, int n) {
        return "features have " + length + " entries, expected " + n;
    }

    /**
     * null when the output, every gradient entry and the gradient's three norms (at
     * {@code norms[normOff..normOff+3)}, as {@link GradientSummary#rowNorms} gives them) are
     * finite, else the fault.
     */
    static String checkResult(double output, double[] gradients, int off, int n, double[] norms, int normOff) {
        if (!Double.isFinite(output)) {
            return "the output is not finite (" + output + ")";
        }
        for (int j = 0; j < n; j++) {
            if (!Double.isFinite(gradients[off + j])) {
                return "gradient entry " + j + " is not finite (" + gradients[off + j] + ")";
            }
        }
        for (int i = 0; i < 3; i++) {
            if (!Double.isFinite(norms[normOff + i])) {
                return "the gradient's " + GradientSummary.normName(NORMS[i]) + " norm is not finite ("
                        + norms[normOff + i] + ")";
            }
        }
        return null;
    }

    /** The kind of a fault, for counting. */
    static String kind(String fault) {
        if (fault.startsWith("features are null")) {
            return NULL_FEATURES;
        }
        if (fault.startsWith("features have")) {
            return WRONG_LENGTH;
        }
        if (fault.endsWith("is null")) {
            return NULL_ENTRY;
        }
        if (fault.startsWith("feature ")) {
            return NON_FINITE_ENTRY;
        }
        return NON_FINITE_RESULT;
    }
}
