package netsense.spark;

import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.util.AccumulatorV2;

/**
 * Brings each task's {@link JobTally} back to the driver with the task's result. Updated only
 * inside the stage that writes the output, where Spark applies each partition's update once,
 * even when a task is retried or an executor is lost.
 *
 * <p>Tasks finish in any order, and a KLL sketch (like the last bits of any floating-point
 * merge) depends on the order of merges. So the driver merges the partitions' tallies in
 * partition order: a tally that arrives ahead of an earlier partition's waits, and the waiting
 * ones are merged as soon as the gap closes. The same input in the same partitions therefore
 * gives the same figures, quantiles included, to the bit, every run. To bound the driver's
 * memory, at most about {@value #PENDING_BYTES} bytes of tallies wait; beyond that the lowest
 * waiting one is merged at once (out of order: that run's quantiles may then differ from
 * another's within the sketch's rank error).
 */
public final class TallyAccumulator extends AccumulatorV2<JobTally, JobTally> {
    private static final long serialVersionUID = 2L;
    static final long PENDING_BYTES = 256L << 20;

    private final int dimensions;
    private final int outputs;
    private final boolean deltas;
    private final JobTally.Extras extras;
    private JobTally merged;      // partitions 0..next-1 in order, and tallies of no partition
    private int next;
    private final TreeMap<Integer, JobTally> pending = new TreeMap<>();

    public TallyAccumulator(int dimensions) {
        this(dimensions, 1, false);
    }

    /** Tallies of vectors for {@code outputs} outputs, with completeness gaps when {@code deltas}. */
    public TallyAccumulator(int dimensions, int outputs, boolean deltas) {
        this(dimensions, outputs, deltas, JobTally.Extras.NONE);
    }

    /** As {@link #TallyAccumulator(int, int, boolean)}, the tallies with the bootstrap, groups and sample of {@code extras}. */
    TallyAccumulator(int dimensions, int outputs, boolean deltas, JobTally.Extras extras) {
        this.dimensions = dimensions;
        this.outputs = outputs;
        this.deltas = deltas;
        this.extras = extras;
        this.merged = empty(-1);
    }

    private JobTally empty(int partition) {
        return new JobTally(dimensions, outputs, deltas, partition, extras);
    }

    @Override
    public boolean isZero() {
        return merged.isEmpty() && pending.isEmpty();
    }

    @Override
    public AccumulatorV2<JobTally, JobTally> copy() {
        TallyAccumulator c = new TallyAccumulator(dimensions, outputs, deltas, extras);
        c.merged.merge(merged);
        c.next = next;
        for (Map.Entry<Integer, JobTally> e : pending.entrySet()) {
            c.pending.put(e.getKey(), empty(e.getKey()).merge(e.getValue()));
        }
        return c;
    }

    @Override
    public void reset() {
        merged = empty(-1);
        next = 0;
        pending.clear();
    }

    /** Where a task reports: kept by partition until the driver merges it. */
    @Override
    public void add(JobTally v) {
        if (v.partition() < 0) {
            merged.merge(v);
        } else {
            pending.merge(v.partition(), v, JobTally::merge);
        }
    }

    @Override
    public void merge(AccumulatorV2<JobTally, JobTally> other) {
        TallyAccumulator o = (TallyAccumulator) other;
        if (!o.merged.isEmpty()) {
            merged.merge(o.merged);
        }
        for (JobTally t : o.pending.values()) {
            add(t);
        }
        drain();
    }

    /** Merges the waiting tallies that are next in partition order, and the lowest ones beyond the memory bound. */
    private void drain() {
        long waiting = 0;
        for (JobTally t : pending.values()) {
            waiting += t.footprint();
        }
        while (!pending.isEmpty() && (pending.firstKey() <= next || waiting > PENDING_BYTES)) {
            Map.Entry<Integer, JobTally> first = pending.pollFirstEntry();
            merged.merge(first.getValue());
            waiting -= first.getValue().footprint();
            next = Math.max(next, first.getKey() + 1);
        }
    }

    /** Everything merged, in partition order. */
    @Override
    public JobTally value() {
        if (pending.isEmpty()) {
            return merged;
        }
        JobTally all = empty(-1).merge(merged);
        pending.values().forEach(all::merge);
        return all;
    }
}
