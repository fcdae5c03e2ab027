package netsense.spark;

import org.apache.spark.util.AccumulatorV2;

/**
 * Brings each task's {@link JobTally} back to the driver with the task's result. Updated only
 * inside the stage that writes the output, where Spark applies each partition's update once,
 * even when a task is retried or an executor is lost.
 */
public final class TallyAccumulator extends AccumulatorV2<JobTally, JobTally> {
    private static final long serialVersionUID = 1L;

    private final int dimensions;
    private JobTally tally;

    public TallyAccumulator(int dimensions) {
        this.dimensions = dimensions;
        this.tally = new JobTally(dimensions);
    }

    @Override
    public boolean isZero() {
        return tally.isEmpty();
    }

    @Override
    public AccumulatorV2<JobTally, JobTally> copy() {
        TallyAccumulator c = new TallyAccumulator(dimensions);
        c.tally.merge(tally);
        return c;
    }

    @Override
    public void reset() {
        tally = new JobTally(dimensions);
    }

    @Override
    public void add(JobTally v) {
        tally.merge(v);
    }

    @Override
    public void merge(AccumulatorV2<JobTally, JobTally> other) {
        tally.merge(other.value());
    }

    @Override
    public JobTally value() {
        return tally;
    }
}
