package netsense.spark;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;
import java.util.List;
import netsense.core.DeltaSummary;
import netsense.core.GradientSummary;

/**
 * What one pass over the input adds up: the number of rows read, the rejected ones by kind of
 * fault, the rows the float32 kernel recomputed in float64, and the {@link GradientSummary} of
 * the good ones; and the partition it comes from (−1 when it is not one partition's). Mergeable
 * in any order; the same order gives the same figures to the bit ({@link TallyAccumulator}
 * merges in partition order).
 */
public final class JobTally implements Serializable {
    private static final long serialVersionUID = 1L;

    private final GradientSummary[] summaries; // one per output the vectors are for
    private final DeltaSummary[] deltas;       // likewise, integrated gradients' gaps; null for other methods
    private transient double[] gather;
    private final int partition;
    private long input;
    private long recomputed;
    private final TreeMap<String, Long> rejectedByKind = new TreeMap<>();
    /** Rows read per input file; counted only under --ignore-corrupt-files. */
    private final TreeMap<String, Long> rowsByFile = new TreeMap<>();

    public JobTally(int dimensions) {
        this(dimensions, 1, false, -1);
    }

    /** An empty tally of partition {@code partition} (−1: of no one partition). */
    public JobTally(int dimensions, int partition) {
        this(dimensions, 1, false, partition);
    }

    /**
     * An empty tally of partition {@code partition} (−1: of no one partition) of vectors for
     * {@code outputs} outputs, with completeness gaps when {@code deltas}.
     */
    public JobTally(int dimensions, int outputs, boolean deltas, int partition) {
        this.summaries = new GradientSummary[outputs];
        for (int o = 0; o < outputs; o++) {
            summaries[o] = new GradientSummary(dimensions);
        }
        this.deltas = deltas ? new DeltaSummary[outputs] : null;
        if (deltas) {
            for (int o = 0; o < outputs; o++) {
                this.deltas[o] = new DeltaSummary();
            }
        }
        this.partition = partition;
    }

    /**
     * Adds a block's good rows as {@link GradientBlock} holds them: J outputs, J vectors, 3 J
     * norms and J gaps a row (J = the tally's outputs). Not modified: the arrays.
     */
    void addBlock(double[] outputs, double[] vectors, double[] norms, double[] gaps, int rows) {
        int j = summaries.length;
        int n = summaries[0].dimensions();
        if (j == 1) {
            summaries[0].addBlockWithNorms(outputs, 0, vectors, 0, rows, norms);
        } else { // output o's rows gathered: its figures as a run on that output alone
            int size = rows * (n + 5);
            if (gather == null || gather.length < size) {
                gather = new double[size];
            }
            int out = 0;
            int vec = rows;
            int nm = rows + rows * n;
            for (int o = 0; o < j; o++) {
                for (int r = 0; r < rows; r++) {
                    gather[out + r] = outputs[r * j + o];
                    System.arraycopy(vectors, (r * j + o) * n, gather, vec + r * n, n);
                    System.arraycopy(norms, 3 * (r * j + o), gather, nm + 3 * r, 3);
                }
                double[] rowNorms = java.util.Arrays.copyOfRange(gather, nm, nm + 3 * rows);
                summaries[o].addBlockWithNorms(gather, out, gather, vec, rows, rowNorms);
            }
        }
        if (deltas != null) {
            double[] changes = new double[rows];
            for (int o = 0; o < j; o++) {
                for (int r = 0; r < rows; r++) { // f(x) − f(x') = Σ attr − delta
                    double sum = 0;
                    int off = (r * j + o) * n;
                    for (int i = 0; i < n; i++) {
                        sum += vectors[off + i];
                    }
                    changes[r] = sum - gaps[r * j + o];
                }
                deltas[o].add(gaps, o, j, changes, 0, rows);
            }
        }
    }

    /** The summaries of the vectors, one per output (J). */
    public List<GradientSummary> summaries() {
        return List.of(summaries);
    }

    /** The completeness gaps' summaries, one per output, or null when the method has none. */
    public List<DeltaSummary> deltas() {
        return deltas == null ? null : List.of(deltas);
    }

    /** The partition this tally counts, or −1. */
    public int partition() {
        return partition;
    }

    /** Rows the float32 kernel computed again in float64 (0 in float64 runs). */
    public long rowsRecomputedFloat64() {
        return recomputed;
    }

    void countRecomputed(long rows) {
        recomputed += rows;
    }

    /** The summary of the first (or only) output's vectors. */
    public GradientSummary summary() {
        return summaries[0];
    }

    /** Rows read. */
    public long input() {
        return input;
    }

    /** Rows whose gradient was written. */
    public long ok() {
        return summaries[0].count();
    }

    public long rejected() {
        return rejectedByKind.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Rejected rows per kind of fault ("null features", "wrong length", ...), sorted by kind. */
    public Map<String, Long> rejectedByKind() {
        return java.util.Collections.unmodifiableMap(rejectedByKind);
    }

    void countInput(long rows) {
        input += rows;
    }

    /** Rows read per input file (by the name Spark's {@code input_file_name()} gives), when counted. */
    public Map<String, Long> rowsByFile() {
        return java.util.Collections.unmodifiableMap(rowsByFile);
    }

    void countFileRows(String file, long rows) {
        rowsByFile.merge(file, rows, Long::sum);
    }

    void countRejected(String kind) {
        rejectedByKind.merge(kind, 1L, Long::sum);
    }

    public JobTally merge(JobTally other) {
        for (int o = 0; o < summaries.length; o++) {
            summaries[o].merge(other.summaries[o]);
            if (deltas != null) {
                deltas[o].merge(other.deltas[o]);
            }
        }
        input += other.input;
        recomputed += other.recomputed;
        other.rejectedByKind.forEach((k, v) -> rejectedByKind.merge(k, v, Long::sum));
        other.rowsByFile.forEach((k, v) -> rowsByFile.merge(k, v, Long::sum));
        return this;
    }

    boolean isEmpty() {
        return input == 0;
    }

    /** About how many bytes this tally holds (its moments and sketches, at their fullest). */
    long footprint() {
        int sketches = 4 + (deltas == null ? 0 : 2);
        return summaries.length * (80L * summaries[0].dimensions() + sketches * 3L * GradientSummary.SKETCH_K * 8) + 1024;
    }
}
