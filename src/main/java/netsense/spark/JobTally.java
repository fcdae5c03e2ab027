package netsense.spark;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;
import netsense.core.GradientSummary;

/**
 * What one pass over the input adds up: the number of rows read, the rejected ones by kind of
 * fault, and the {@link GradientSummary} of the good ones. Mergeable in any order.
 */
public final class JobTally implements Serializable {
    private static final long serialVersionUID = 1L;

    private final GradientSummary summary;
    private long input;
    private final TreeMap<String, Long> rejectedByKind = new TreeMap<>();
    /** Rows read per input file; counted only under --ignore-corrupt-files. */
    private final TreeMap<String, Long> rowsByFile = new TreeMap<>();

    public JobTally(int dimensions) {
        this.summary = new GradientSummary(dimensions);
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
        other.rejectedByKind.forEach((k, v) -> rejectedByKind.merge(k, v, Long::sum));
        other.rowsByFile.forEach((k, v) -> rowsByFile.merge(k, v, Long::sum));
        return this;
    }

    boolean isEmpty() {
        return input == 0;
    }
}
