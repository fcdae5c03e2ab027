package netsense.core;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One mergeable summary per group key ({@code --group-by COL}): a map key → summary S that holds
 * at most {@code maxGroups} keys ({@code --max-groups}, default {@value #DEFAULT_MAX_GROUPS}).
 * A group's summary sees exactly the rows of its key, so its figures are those of a run on that
 * group alone, in any split (as S's are).
 *
 * <p>Keys are any values with {@code equals}/{@code hashCode} (Spark's String, Long, Integer,
 * Double, Boolean, ... and null); {@link #sorted()} orders them by the given comparator, by
 * default {@link #naturalOrder()}: natural order with null first, as Spark's ascending sort.
 * S is made and merged by the functions given, which must be serializable when the map travels
 * (lambdas cast to {@link Factory} and {@link Merger} are).
 *
 * <p>Zero / add / merge: {@link #get} gives the summary of a key (made on first use) to add
 * rows to; {@link #merge} adds another map's summaries. More distinct keys than the maximum is
 * an error, {@link TooManyGroupsException}, carrying the number of keys seen so far.
 *
 * @param <K> the key
 * @param <S> the summary of a group, e.g. {@link GradientSummary}
 */
public final class GroupedSummaries<K, S> implements Serializable {
    private static final long serialVersionUID = 1L;

    /** {@code --max-groups} by default. */
    public static final int DEFAULT_MAX_GROUPS = 1000;

    /** Makes an empty summary. */
    @FunctionalInterface
    public interface Factory<S> extends Serializable {
        S create();
    }

    /** Adds every row of {@code from} to {@code into}. */
    @FunctionalInterface
    public interface Merger<S> extends Serializable {
        void merge(S into, S from);
    }

    /** More distinct keys than the maximum: {@link #count()} is how many were seen when it was found. */
    public static final class TooManyGroupsException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final long count;
        private final int maxGroups;

        TooManyGroupsException(long count, int maxGroups) {
            super("more than " + maxGroups + " groups: " + count + " distinct keys so far (--max-groups " + maxGroups
                    + ")");
            this.count = count;
            this.maxGroups = maxGroups;
        }

        /** The number of distinct keys seen when the maximum was exceeded (a lower bound of the total). */
        public long count() {
            return count;
        }

        public int maxGroups() {
            return maxGroups;
        }
    }

    private final int maxGroups;
    private final Factory<S> factory;
    private final Merger<S> merger;
    private final Comparator<? super K> order;
    private final HashMap<K, S> groups = new HashMap<>();

    /** Groups ordered by {@link #naturalOrder()}. */
    public GroupedSummaries(int maxGroups, Factory<S> factory, Merger<S> merger) {
        this(maxGroups, factory, merger, naturalOrder());
    }

    /**
     * @param maxGroups at least 1
     * @param order     serializable when the map travels
     */
    public GroupedSummaries(int maxGroups, Factory<S> factory, Merger<S> merger, Comparator<? super K> order) {
        if (maxGroups < 1) {
            throw new IllegalArgumentException("max groups must be at least 1, got " + maxGroups);
        }
        this.maxGroups = maxGroups;
        this.factory = factory;
        this.merger = merger;
        this.order = order;
    }

    /** Natural order (keys must be mutually {@link Comparable}), null first. */
    @SuppressWarnings("unchecked")
    public static <K> Comparator<K> naturalOrder() {
        return (Comparator<K> & Serializable) (a, b) -> a == null ? (b == null ? 0 : -1)
                : b == null ? 1 : ((Comparable<Object>) a).compareTo(b);
    }

    public int maxGroups() {
        return maxGroups;
    }

    /** The number of groups. */
    public int size() {
        return groups.size();
    }

    /**
     * The summary of {@code key}, made empty on first use: add the group's rows to it.
     *
     * @throws TooManyGroupsException when the key is new and the map already holds the maximum
     */
    public S get(K key) {
        S s = groups.get(key);
        if (s == null) {
            if (groups.size() >= maxGroups) {
                throw new TooManyGroupsException(groups.size() + 1L, maxGroups);
            }
            s = factory.create();
            groups.put(key, s);
        }
        return s;
    }

    /**
     * Adds every group of {@code other} (merging the summaries of keys in both) and returns this.
     * Other's summaries are merged into this map's, or taken over when the key is new — so
     * {@code other} must not be used afterwards.
     *
     * @throws TooManyGroupsException when the union holds more than the maximum (nothing merged)
     */
    public GroupedSummaries<K, S> merge(GroupedSummaries<K, S> other) {
        long union = groups.size();
        for (K k : other.groups.keySet()) {
            union += groups.containsKey(k) ? 0 : 1;
        }
        if (union > maxGroups) {
            throw new TooManyGroupsException(union, maxGroups);
        }
        for (Map.Entry<K, S> e : other.groups.entrySet()) {
            S mine = groups.get(e.getKey());
            if (mine == null) {
                groups.put(e.getKey(), e.getValue());
            } else {
                merger.merge(mine, e.getValue());
            }
        }
        return this;
    }

    /** The groups ordered by key. A live view of the summaries (the list is a copy). */
    public List<Map.Entry<K, S>> sorted() {
        List<Map.Entry<K, S>> list = new ArrayList<>(groups.entrySet());
        list.sort(Map.Entry.comparingByKey(order));
        return list;
    }

    /**
     * The rows of a block by key, in order of first appearance: for each distinct key of
     * {@code keys[off .. off + rows)} the indices (0-based within the block) of its rows, so
     * that a caller can gather each group's rows and add them to {@link #get}'s summary as one block.
     *
     * @param keys Not modified
     */
    public static <K> Map<K, int[]> rowsByKey(K[] keys, int off, int rows) {
        Map<K, int[]> counts = new LinkedHashMap<>();
        for (int r = 0; r < rows; r++) {
            int[] c = counts.computeIfAbsent(keys[off + r], k -> new int[1]);
            c[0]++;
        }
        Map<K, int[]> out = new LinkedHashMap<>();
        for (Map.Entry<K, int[]> e : counts.entrySet()) {
            out.put(e.getKey(), new int[e.getValue()[0]]);
            e.getValue()[0] = 0;
        }
        for (int r = 0; r < rows; r++) {
            K k = keys[off + r];
            out.get(k)[counts.get(k)[0]++] = r;
        }
        return out;
    }

    /**
     * Copies the rows {@code rows} of a row-major block of {@code width} values per row into
     * {@code to} from {@code toOff}, in that order: a group's rows gathered into one block.
     *
     * @param from Not modified
     * @param to   Modified: {@code rows.length × width} from {@code toOff}
     */
    public static void gather(double[] from, int fromOff, int width, int[] rows, double[] to, int toOff) {
        for (int k = 0; k < rows.length; k++) {
            System.arraycopy(from, fromOff + rows[k] * width, to, toOff + k * width, width);
        }
    }
}
