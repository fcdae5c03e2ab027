package netsense.spark;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;
import java.util.List;
import java.util.HashSet;
import netsense.core.BootstrapSummary;
import netsense.core.BottomKSample;
import netsense.core.DeltaSummary;
import netsense.core.GradientSummary;
import netsense.core.GroupedSummaries;

/**
 * What one pass over the input adds up: the number of rows read, the rejected ones by kind of
 * fault, the rows the float32 kernel recomputed in float64, and the {@link GradientSummary} of
 * the good ones; and the partition it comes from (−1 when it is not one partition's). Mergeable
 * in any order; the same order gives the same figures to the bit ({@link TallyAccumulator}
 * merges in partition order).
 *
 * <p>With the global-sensitivity settings ({@link Extras}) it also holds, in the same pass: the
 * Poisson bootstrap of each output's vectors ({@link BootstrapSummary}, weights keyed by the row),
 * one summary per group key ({@link GroupedSummaries}) and the bottom-k sample of the rows
 * ({@link BottomKSample}). More group keys than the maximum do not fail a task or a merge (a
 * driver-side merge may not throw): the tally drops its groups and counts the distinct keys
 * instead, up to {@link #MAX_COUNTED_KEYS}, and the job refuses with that count
 * ({@link #tooManyGroups()}).
 */
public final class JobTally implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * The bytes of sample values one task may hold and send: every task sends its whole candidate
     * sample to the driver, so for wide rows (784 features: 12.5 KB a row with its vector) the
     * sample is capped to keep the tasks' results within Spark's driver limit
     * ({@code spark.driver.maxResultSize}, 1 GiB by default).
     */
    static final long SAMPLE_BYTES_PER_TASK = 4L << 20;

    /**
     * The sample's size: {@code requested} rows, or as many as {@link #SAMPLE_BYTES_PER_TASK}
     * holds (x, the vectors and the outputs of a row in float64) — a function of the shape only,
     * so the same rows whatever the partitioning.
     */
    static int sampleRows(int requested, int dimensions, int outputs) {
        long perRow = 8L * ((long) dimensions + (long) outputs * dimensions + outputs) + 64;
        return (int) Math.max(1, Math.min(requested, SAMPLE_BYTES_PER_TASK / perRow));
    }

    /** Distinct group keys counted, beyond the maximum, before the count says "at least". */
    static final int MAX_COUNTED_KEYS = 100_000;

    /**
     * What a tally gathers besides the summaries: B bootstrap replicates with the seed (B = 0:
     * none), groups (up to {@code maxGroups}; {@code groups} false: none), a sample of
     * {@code sampleRows} rows (0: none).
     */
    record Extras(int bootstrap, long seed, boolean groups, int maxGroups, int sampleRows) implements Serializable {
        static final Extras NONE = new Extras(0, 0, false, 1, 0);

        static Extras of(GlobalOptions g) {
            return new Extras(g.bootstrap(), g.seed(), g.groupBy() != null, g.maxGroups(), g.sampleRows());
        }
    }

    private final GradientSummary[] summaries; // one per output the vectors are for
    private final DeltaSummary[] deltas;       // likewise, integrated gradients' gaps; null for other methods
    private transient double[] gather;
    private transient double[] changes;        // f(x) − f(x') of a block's rows, for the gaps' summaries
    private transient double[] groupRows;
    private final int partition;
    private final Extras extras;
    private final BootstrapSummary[] bootstraps;   // one per output, or null
    private GroupedSummaries<Object, GradientSummary[]> groups; // null: none, or too many keys
    private HashSet<Object> overflowKeys;           // the distinct keys, once there are too many
    private boolean keysUncounted;                  // more than MAX_COUNTED_KEYS
    private final BottomKSample sample;            // or null
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
        this(dimensions, outputs, deltas, partition, Extras.NONE);
    }

    /** As {@link #JobTally(int, int, boolean, int)}, with the bootstrap, groups and sample of {@code extras}. */
    JobTally(int dimensions, int outputs, boolean deltas, int partition, Extras extras) {
        this.extras = extras;
        if (extras.bootstrap() > 0) {
            bootstraps = new BootstrapSummary[outputs];
            for (int o = 0; o < outputs; o++) {
                bootstraps[o] = new BootstrapSummary(extras.bootstrap(), dimensions, extras.seed());
            }
        } else {
            bootstraps = null;
        }
        if (extras.groups()) {
            groups = newGroups(dimensions, outputs, extras.maxGroups());
        }
        sample = extras.sampleRows() > 0 ? new BottomKSample(sampleRows(extras.sampleRows(), dimensions, outputs),
                dimensions, outputs * dimensions, outputs) : null;
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
        addBlock(outputs, vectors, norms, gaps, null, null, null, null, rows);
    }

    /**
     * As {@link #addBlock(double[], double[], double[], double[], int)}, with the rows' inputs x
     * (n1 a row; null: none), their keys (for the bootstrap's weights and the sample; null only
     * without either), group keys (null without groups) and sample payloads (the carried
     * columns; null: none). Not modified: the arrays.
     */
    void addBlock(double[] outputs, double[] vectors, double[] norms, double[] gaps, double[] x, long[] keys,
                  Object[] groupKeys, java.util.function.IntFunction<? extends java.io.Serializable> payloads,
                  int rows) {
        int j = summaries.length;
        int n = summaries[0].dimensions();
        addTo(summaries, bootstraps, outputs, vectors, norms, x, keys, rows);
        if (extras.groups() && rows > 0) {
            addGroups(outputs, vectors, norms, x, groupKeys, rows);
        }
        if (sample != null && rows > 0) {
            sample.addBlock(keys, 0, x, 0, vectors, 0, outputs, 0, rows, payloads);
        }
        if (deltas != null) {
            if (changes == null || changes.length < rows) {
                changes = new double[rows];
            }
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

    /** Adds rows as {@link GradientBlock} holds them to one summary per output (and bootstrap, unless null). */
    private void addTo(GradientSummary[] target, BootstrapSummary[] boots, double[] outputs, double[] vectors,
                       double[] norms, double[] x, long[] keys, int rows) {
        int j = target.length;
        int n = target[0].dimensions();
        if (j == 1) {
            target[0].addBlockWithNorms(outputs, 0, vectors, 0, rows, norms, x, 0);
            if (boots != null) {
                boots[0].addBlock(keys, 0, outputs, 0, vectors, 0, rows);
            }
            return;
        }
        // output o's rows gathered: its figures as a run on that output alone (the norms first, where
        // the summary reads them, from 0)
        int size = rows * (n + 5);
        if (gather == null || gather.length < size) {
            gather = new double[size];
        }
        int nm = 0;
        int out = 3 * rows;
        int vec = 4 * rows;
        for (int o = 0; o < j; o++) {
            for (int r = 0; r < rows; r++) {
                gather[out + r] = outputs[r * j + o];
                System.arraycopy(vectors, (r * j + o) * n, gather, vec + r * n, n);
                System.arraycopy(norms, 3 * (r * j + o), gather, nm + 3 * r, 3);
            }
            target[o].addBlockWithNorms(gather, out, gather, vec, rows, gather, x, 0);
            if (boots != null) {
                boots[o].addBlock(keys, 0, gather, out, gather, vec, rows);
            }
        }
    }

    private static GroupedSummaries<Object, GradientSummary[]> newGroups(int n, int outputs, int maxGroups) {
        return new GroupedSummaries<>(maxGroups, () -> {
            GradientSummary[] s = new GradientSummary[outputs];
            for (int o = 0; o < outputs; o++) {
                s[o] = new GradientSummary(n);
            }
            return s;
        }, (into, from) -> {
            for (int o = 0; o < into.length; o++) {
                into[o].merge(from[o]);
            }
        });
    }

    /** Each group's rows gathered into one block and added to its summaries (a run on the group alone). */
    private void addGroups(double[] outputs, double[] vectors, double[] norms, double[] x, Object[] groupKeys,
                           int rows) {
        int j = summaries.length;
        int n = summaries[0].dimensions();
        java.util.Map<Object, int[]> byKey = GroupedSummaries.rowsByKey(groupKeys, 0, rows);
        if (groups != null) {
            for (Object k : byKey.keySet()) {
                try {
                    groups.get(k);
                } catch (GroupedSummaries.TooManyGroupsException e) {
                    overflow(null);
                    break;
                }
            }
        }
        if (groups == null) {
            countKeys(byKey.keySet());
            return;
        }
        int width = j + j * n + 3 * j + n;
        if (groupRows == null || groupRows.length < rows * width) {
            groupRows = new double[rows * width];
        }
        int vec = rows * j;
        int nm = vec + rows * j * n;
        int in = nm + rows * 3 * j;
        for (java.util.Map.Entry<Object, int[]> e : byKey.entrySet()) {
            int[] at = e.getValue();
            if (at.length == rows) { // the whole block is one group's
                addTo(groups.get(e.getKey()), null, outputs, vectors, norms, x, null, rows);
                continue;
            }
            GroupedSummaries.gather(outputs, 0, j, at, groupRows, 0);
            GroupedSummaries.gather(vectors, 0, j * n, at, groupRows, vec);
            GroupedSummaries.gather(norms, 0, 3 * j, at, groupRows, nm);
            GroupedSummaries.gather(x, 0, n, at, groupRows, in);
            int m = at.length;
            double[] o = java.util.Arrays.copyOfRange(groupRows, 0, m * j);
            double[] v = java.util.Arrays.copyOfRange(groupRows, vec, vec + m * j * n);
            double[] nms = java.util.Arrays.copyOfRange(groupRows, nm, nm + m * 3 * j);
            double[] xs = java.util.Arrays.copyOfRange(groupRows, in, in + m * n);
            addTo(groups.get(e.getKey()), null, o, v, nms, xs, null, m);
        }
    }

    /** Too many groups: drops them and counts their keys (and those of {@code more}) instead. */
    private void overflow(java.util.Collection<Object> more) {
        if (overflowKeys == null) {
            overflowKeys = new HashSet<>();
            if (groups != null) {
                for (java.util.Map.Entry<Object, GradientSummary[]> e : groups.sorted()) {
                    overflowKeys.add(e.getKey());
                }
            }
            groups = null;
        }
        if (more != null) {
            countKeys(more);
        }
    }

    private void countKeys(java.util.Collection<Object> keys) {
        for (Object k : keys) {
            if (overflowKeys.size() >= MAX_COUNTED_KEYS) {
                keysUncounted = true;
                return;
            }
            overflowKeys.add(k);
        }
    }

    /** The groups ordered by key, each with one summary per output; empty without groups. */
    public List<java.util.Map.Entry<Object, GradientSummary[]>> groups() {
        return groups == null ? List.of() : groups.sorted();
    }

    /**
     * When there were more group keys than the maximum: how many distinct keys (a lower bound
     * when {@link #keysUncounted()}); else −1.
     */
    public long tooManyGroups() {
        return overflowKeys == null ? -1 : overflowKeys.size();
    }

    /** Whether there were more distinct group keys than {@link #MAX_COUNTED_KEYS}, so many that they were not all counted. */
    public boolean keysUncounted() {
        return keysUncounted;
    }

    /** The bootstrap of each output's vectors, or null without one. */
    public List<BootstrapSummary> bootstraps() {
        return bootstraps == null ? null : List.of(bootstraps);
    }

    /** The sample of the rows, or null without one. */
    public BottomKSample sample() {
        return sample;
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
        if (bootstraps != null) {
            for (int o = 0; o < bootstraps.length; o++) {
                bootstraps[o].merge(other.bootstraps[o]);
            }
        }
        if (extras.groups()) {
            mergeGroups(other);
        }
        if (sample != null) {
            sample.merge(other.sample);
        }
        input += other.input;
        recomputed += other.recomputed;
        other.rejectedByKind.forEach((k, v) -> rejectedByKind.merge(k, v, Long::sum));
        other.rowsByFile.forEach((k, v) -> rowsByFile.merge(k, v, Long::sum));
        return this;
    }

    private void mergeGroups(JobTally other) {
        keysUncounted |= other.keysUncounted;
        if (groups != null && other.groups != null) {
            try {
                groups.merge(other.groups);
                return;
            } catch (GroupedSummaries.TooManyGroupsException e) { // nothing merged: count the keys instead
                overflow(null);
            }
        }
        if (groups != null) {
            overflow(null);
        }
        if (other.groups != null) {
            countKeys(other.groups.sorted().stream().map(java.util.Map.Entry::getKey).toList());
        } else {
            countKeys(other.overflowKeys);
        }
    }

    boolean isEmpty() {
        return input == 0;
    }

    /** About how many bytes this tally holds (its moments and sketches, at their fullest). */
    long footprint() {
        int sketches = 4 + (deltas == null ? 0 : 2);
        long one = summaries.length * (80L * summaries[0].dimensions() + sketches * 3L * GradientSummary.SKETCH_K * 8);
        long boots = bootstraps == null ? 0
                : bootstraps.length * 48L * extras.bootstrap() * summaries[0].dimensions();
        long grouped = groups == null ? 0 : groups.size() * one;
        long sampled = sample == null ? 0 : 8L * sample.size() * (summaries.length + 1) * (summaries[0].dimensions() + 6);
        return one + boots + grouped + sampled + 1024;
    }
}
