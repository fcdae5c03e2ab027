package netsense.spark;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;
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

    private final GradientSummary summary;
    private final int partition;
    private long input;
    private long recomputed;
    private final TreeMap<String, Long> rejectedByKind = new TreeMap<>();
    /** Rows read per input file; counted only under --ignore-corrupt-files. */
    private final TreeMap<String, Long> rowsByFile = new TreeMap<>();

    public JobTally(int dimensions) {
        this(dimensions, -1);
    }

    /** An empty tally of partition {@code partition} (−1: of no one partition). */
    public JobTally(int dimensions, int partition) {
        this.summary = new GradientSummary(dimensions);
        this.partition = partition;
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

    public GradientSummary summary() {
        return summary;
    }

    /** Rows read. */
    public long input() {
        return input;
    }

    /** Rows whose gradient was written. */
    public long ok() {
        return summary.count();
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
        summary.merge(other.summary);
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
        return 80L * summary.dimensions() + 4L * 3 * GradientSummary.SKETCH_K * 8 + 1024;
    }
}
