package netsense.core;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.kll.KllSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * A mergeable summary of gradient rows, holding every figure of summary.json: the number of
 * rows; per input dimension the mean, mean |g|, mean g² (the DGSM ν_i), sample standard
 * deviation and extremes; the same moments of the output; and of the gradient's L1, L2 and
 * L∞ norms the moments plus p50/p90/p99 from KLL quantile sketches.
 *
 * <p>Zero / update / merge in the manner of Spark's {@code MultivariateOnlineSummarizer}: a new
 * summary is empty, {@link #addBlock} and {@link #merge} mutate it, and the result of merging is
 * the same, up to rounding far below 1e-9, whatever the split (see {@link Moments}). Quantiles
 * are within {@link #quantileRankError()} in rank. Undefined figures (anything of zero rows,
 * a standard deviation of one row) are {@code null}. Serializable compactly: the sketches
 * travel in their own binary form.
 */
public final class GradientSummary implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The KLL accuracy parameter: normalised rank error about 0.08 %. */
    public static final int SKETCH_K = 4000;

    static {
        // datasketches-memory prints a warning to stderr, once per JVM, the first time it wraps an
        // array on Java > 11 (about off-heap access, which netsense does not use): take it here.
        java.io.PrintStream err = System.err;
        try {
            System.setErr(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            Memory.wrap(new byte[8]);
        } finally {
            System.setErr(err);
        }
    }

    private static final int OUTPUT = 0;
    private static final int L1 = 1;
    private static final int L2 = 2;
    private static final int LINF = 3;

    private final int dimensions;
    private final Moments gradient;
    private final Moments scalars;   // columns: output, L1, L2, L∞
    private transient KllDoublesSketch[] normSketches;  // L1, L2, L∞, then the output
    private transient double[] rowScalars;

    /** An empty summary of gradients with {@code dimensions} entries. */
    public GradientSummary(int dimensions) {
        this.dimensions = dimensions;
        this.gradient = new Moments(dimensions);
        this.scalars = new Moments(4);
        this.normSketches = newSketches();
    }

    private static KllDoublesSketch[] newSketches() {
        return new KllDoublesSketch[] {
            KllDoublesSketch.newHeapInstance(SKETCH_K),
            KllDoublesSketch.newHeapInstance(SKETCH_K),
            KllDoublesSketch.newHeapInstance(SKETCH_K),
            KllDoublesSketch.newHeapInstance(SKETCH_K)
        };
    }

    /** The normalised rank error of the p50/p90/p99 figures (single-sided, 99 % confidence). */
    public static double quantileRankError() {
        return KllSketch.getNormalizedRankError(SKETCH_K, false);
    }

    public int dimensions() {
        return dimensions;
    }

    /** The number of rows summarised. */
    public long count() {
        return gradient.count();
    }

    /**
     * Adds {@code rows} rows: outputs from {@code outOff}, gradients row-major ({@code rows ×
     * dimensions}) from {@code gradOff}. Not modified: both arrays. Values must be finite.
     */
    public void addBlock(double[] outputs, int outOff, double[] gradients, int gradOff, int rows) {
        addBlock(outputs, outOff, gradients, gradOff, rows, null);
    }

    /**
     * As {@link #addBlock(double[], int, double[], int, int)}, and also hands back each row's
     * norms, which it computes anyway.
     *
     * @param norms Modified unless null: {@code rows × 3} from 0, each row's L1, L2 and L∞ norm
     */
    public void addBlock(double[] outputs, int outOff, double[] gradients, int gradOff, int rows, double[] norms) {
        java.util.Objects.checkFromIndexSize(outOff, rows, outputs.length);
        java.util.Objects.checkFromIndexSize(gradOff, rows * dimensions, gradients.length);
        if (rows == 0) {
            return;
        }
        if (rowScalars == null || rowScalars.length < 4 * rows) {
            rowScalars = new double[4 * rows];
        }
        double[] s = rowScalars;
        for (int r = 0; r < rows; r++) {
            int o = gradOff + r * dimensions;
            double l1 = 0;
            double l2 = 0;
            double linf = 0;
            for (int j = 0; j < dimensions; j++) {
                double a = Math.abs(gradients[o + j]);
                l1 += a;
                l2 += a * a;
                linf = Math.max(linf, a);
            }
            s[4 * r + OUTPUT] = outputs[outOff + r];
            s[4 * r + L1] = l1;
            s[4 * r + L2] = Math.sqrt(l2);
            s[4 * r + LINF] = linf;
            normSketches[0].update(l1);
            normSketches[1].update(s[4 * r + L2]);
            normSketches[2].update(linf);
            normSketches[3].update(s[4 * r + OUTPUT]);
            if (norms != null) {
                norms[3 * r] = l1;
                norms[3 * r + 1] = s[4 * r + L2];
                norms[3 * r + 2] = linf;
            }
        }
        gradient.addBlock(gradients, gradOff, rows);
        scalars.addBlock(s, 0, rows);
    }

    /** Adds one row. Not modified: gradient. */
    public void add(double output, double[] gradient) {
        if (gradient.length != dimensions) {
            throw new IllegalArgumentException("dimension mismatch: expecting " + dimensions + " but got "
                    + gradient.length);
        }
        addBlock(new double[] {output}, 0, gradient, 0, 1);
    }

    /** Adds every row of {@code other} to this summary and returns this. Not modified: other. */
    public GradientSummary merge(GradientSummary other) {
        if (other.dimensions != dimensions) {
            throw new IllegalArgumentException("dimension mismatch: expecting " + dimensions + " but got "
                    + other.dimensions);
        }
        gradient.merge(other.gradient);
        scalars.merge(other.scalars);
        for (int i = 0; i < normSketches.length; i++) {
            if (!other.normSketches[i].isEmpty()) {
                normSketches[i].merge(other.normSketches[i]);
            }
        }
        return this;
    }

    /** Sensitivity of dimension {@code index} (0-based). */
    public DimensionStats dimension(int index) {
        java.util.Objects.checkIndex(index, dimensions);
        return new DimensionStats(index, nullable(gradient.mean(index)), nullable(gradient.meanAbs(index)),
                nullable(gradient.meanSquare(index)), nullable(gradient.std(index)),
                nullable(gradient.min(index)), nullable(gradient.max(index)));
    }

    /** Approximate histogram of the gradients' L2 norms: {@code bins} equal bins from min to max. */
    public Histogram l2Histogram(int bins) {
        return histogram(normSketches[1], bins);
    }

    /** Approximate histogram of the outputs: {@code bins} equal bins from min to max. */
    public Histogram outputHistogram(int bins) {
        return histogram(normSketches[3], bins);
    }

    /** Counts from the sketch's mass between equal split points (within the sketch's rank error). */
    private static Histogram histogram(KllDoublesSketch sketch, int bins) {
        if (sketch.isEmpty()) {
            return new Histogram(new double[0], new long[0]);
        }
        double lo = sketch.getMinItem();
        double hi = sketch.getMaxItem();
        if (!(hi > lo)) {
            return new Histogram(new double[] {lo, hi}, new long[] {sketch.getN()});
        }
        double[] edges = new double[bins + 1];
        for (int i = 0; i <= bins; i++) {
            edges[i] = lo + (hi - lo) * i / bins;
        }
        double[] splits = java.util.Arrays.copyOfRange(edges, 1, bins);
        double[] pmf = sketch.getPMF(splits, QuantileSearchCriteria.INCLUSIVE);
        long[] counts = new long[bins];
        for (int i = 0; i < bins; i++) {
            counts[i] = Math.round(pmf[i] * sketch.getN());
        }
        return new Histogram(edges, counts);
    }

    /** Bins {@code [edges[i], edges[i+1])} (the last one closed) and their counts; empty without rows. */
    public record Histogram(double[] edges, long[] counts) {}

    /** Moments of the output a[L]_k. */
    public Spread output() {
        return spread(OUTPUT);
    }

    public NormStats l1() {
        return norm(L1, 0);
    }

    public NormStats l2() {
        return norm(L2, 1);
    }

    public NormStats linf() {
        return norm(LINF, 2);
    }

    private Spread spread(int column) {
        return new Spread(nullable(scalars.mean(column)), nullable(scalars.std(column)),
                nullable(scalars.min(column)), nullable(scalars.max(column)));
    }

    private NormStats norm(int column, int sketch) {
        KllDoublesSketch k = normSketches[sketch];
        return new NormStats(spread(column), quantile(k, 0.5), quantile(k, 0.9), quantile(k, 0.99));
    }

    private static Double quantile(KllDoublesSketch sketch, double rank) {
        return sketch.isEmpty() ? null : sketch.getQuantile(rank, QuantileSearchCriteria.INCLUSIVE);
    }

    private static Double nullable(double v) {
        return Double.isNaN(v) ? null : v;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        for (KllDoublesSketch k : normSketches) {
            byte[] bytes = k.toByteArray();
            out.writeInt(bytes.length);
            out.write(bytes);
        }
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        normSketches = new KllDoublesSketch[4];
        for (int i = 0; i < 4; i++) {
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            normSketches[i] = KllDoublesSketch.heapify(Memory.wrap(bytes));
        }
    }

    /** Mean, sample standard deviation and extremes; null where undefined. */
    public record Spread(Double mean, Double std, Double min, Double max) {}

    /** A norm's {@link Spread} and its approximate quantiles. */
    public record NormStats(Spread spread, Double p50, Double p90, Double p99) {}

    /**
     * One input dimension: E[g], E|g| (mean saliency), E[g²] (DGSM ν), sample std, min, max.
     */
    public record DimensionStats(int index, Double mean, Double meanAbs, Double meanSquare, Double std,
                                 Double min, Double max) {}
}
