package netsense.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link GroupedSummaries}: each group's figures equal those of a summary of that group's rows
 * alone; keys in order, null first; the maximum enforced with the count; by hand.
 */
class GroupedSummariesTest {
    static final int DIMS = GradientSummaryTest.DIMS;
    static final String[] KEYS = {"b", null, "a", "zz", "c", "aa", "e"};

    static GroupedSummaries<String, GradientSummary> empty(int max) {
        return new GroupedSummaries<>(max, () -> new GradientSummary(DIMS), GradientSummary::merge);
    }

    /** Adds a block as the job would: split by key, each group's rows gathered into one block. */
    static void addBlock(GroupedSummaries<String, GradientSummary> groups, String[] keys, double[] y, double[] g,
                         double[] x, int from, int rows) {
        for (Map.Entry<String, int[]> e : GroupedSummaries.rowsByKey(keys, from, rows).entrySet()) {
            int[] idx = e.getValue();
            double[] gg = new double[idx.length * DIMS];
            double[] xx = new double[idx.length * DIMS];
            double[] yy = new double[idx.length];
            GroupedSummaries.gather(g, from * DIMS, DIMS, idx, gg, 0);
            GroupedSummaries.gather(x, from * DIMS, DIMS, idx, xx, 0);
            GroupedSummaries.gather(y, from, 1, idx, yy, 0);
            groups.get(e.getKey()).addBlock(yy, 0, gg, 0, idx.length, null, xx, 0);
        }
    }

    @SuppressWarnings("unchecked")
    static <T> T roundTrip(T o) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }

    static void close(Double want, Double got, String what) {
        if (want == null) {
            assertEquals(null, got, what);
        } else {
            GradientSummaryTest.close(want, got, 1e-9, what);
        }
    }

    @Test
    void eachGroupEqualsASummaryOfItsRowsAlone() throws Exception {
        int rows = 6000;
        SummaryInputsTest.Rows data = SummaryInputsTest.Rows.of(61, rows);
        Random rnd = data.rnd();
        double[] g = WeightedSummaryTest.flat(data.g(), 0, rows);
        double[] x = WeightedSummaryTest.flat(data.x(), 0, rows);
        double[] y = data.y();
        String[] keys = new String[rows];
        for (int r = 0; r < rows; r++) {
            y[r] *= 1 + r % 3;
            keys[r] = KEYS[Math.min(KEYS.length - 1, (int) Math.floor(Math.abs(rnd.nextGaussian()) * 2.5))];
        }
        keys[rows - 1] = "single"; // a group of one row
        GroupedSummaries<String, GradientSummary> merged = empty(1000);
        for (int p = 0; p < 7; p++) {
            GroupedSummaries<String, GradientSummary> part = empty(1000);
            int from = p * rows / 7;
            int to = (p + 1) * rows / 7;
            for (int start = from; start < to; start += 300) {
                addBlock(part, keys, y, g, x, start, Math.min(300, to - start));
            }
            merged.merge(roundTrip(part));
        }
        List<String> order = new ArrayList<>();
        for (Map.Entry<String, GradientSummary> e : merged.sorted()) {
            order.add(e.getKey());
            // the group alone: its rows filtered, in one block
            List<Integer> mine = new ArrayList<>();
            for (int r = 0; r < rows; r++) {
                if (java.util.Objects.equals(keys[r], e.getKey())) {
                    mine.add(r);
                }
            }
            int[] idx = mine.stream().mapToInt(Integer::intValue).toArray();
            double[] gg = new double[idx.length * DIMS];
            double[] xx = new double[idx.length * DIMS];
            double[] yy = new double[idx.length];
            for (int k = 0; k < idx.length; k++) {
                System.arraycopy(g, idx[k] * DIMS, gg, k * DIMS, DIMS);
                System.arraycopy(x, idx[k] * DIMS, xx, k * DIMS, DIMS);
                yy[k] = y[idx[k]];
            }
            GradientSummary alone = new GradientSummary(DIMS);
            alone.addBlock(yy, 0, gg, 0, idx.length, null, xx, 0);
            GradientSummary s = e.getValue();
            String what = "group " + e.getKey();
            assertEquals(alone.count(), s.count(), what);
            for (int i = 0; i < DIMS; i++) {
                GradientSummary.DimensionStats a = alone.dimension(i);
                GradientSummary.DimensionStats b = s.dimension(i);
                close(a.mean(), b.mean(), what + " mean " + i);
                close(a.meanAbs(), b.meanAbs(), what + " mean_abs " + i);
                close(a.meanSquare(), b.meanSquare(), what + " mean_sq " + i);
                close(a.std(), b.std(), what + " std " + i);
                assertEquals(a.min(), b.min(), what);
                assertEquals(a.max(), b.max(), what);
                close(alone.input(i).mean(), s.input(i).mean(), what + " input mean " + i);
                close(alone.input(i).std(), s.input(i).std(), what + " input std " + i);
                assertEquals(alone.input(i).min(), s.input(i).min(), what);
                assertEquals(alone.input(i).max(), s.input(i).max(), what);
                assertEquals(alone.quantiles(i), s.quantiles(i), what);
            }
            close(alone.output().mean(), s.output().mean(), what + " output mean");
            close(alone.output().std(), s.output().std(), what + " output std");
            close(alone.l2().spread().mean(), s.l2().spread().mean(), what + " L2 mean");
            close(alone.l2().p50(), s.l2().p50(), what + " L2 p50 (exact below the sketch's k)");
        }
        assertEquals(Arrays.asList(null, "a", "aa", "b", "c", "e", "single", "zz"), order);
    }

    @Test
    void theMaximumIsEnforcedWithTheCount() {
        GroupedSummaries<Integer, GradientSummary> g = new GroupedSummaries<>(3, () -> new GradientSummary(1),
                GradientSummary::merge);
        g.get(1);
        g.get(2);
        g.get(3);
        g.get(2); // known: fine
        GroupedSummaries.TooManyGroupsException e = assertThrows(GroupedSummaries.TooManyGroupsException.class,
                () -> g.get(4));
        assertEquals(4, e.count());
        assertEquals("more than 3 groups: 4 distinct keys so far (--max-groups 3)", e.getMessage());
        GroupedSummaries<Integer, GradientSummary> other = new GroupedSummaries<>(3, () -> new GradientSummary(1),
                GradientSummary::merge);
        other.get(3);
        other.get(5);
        other.get(6);
        e = assertThrows(GroupedSummaries.TooManyGroupsException.class, () -> g.merge(other));
        assertEquals(5, e.count(), "1, 2, 3, 5, 6");
        assertEquals(3, g.size(), "nothing merged");
        assertEquals(GroupedSummaries.DEFAULT_MAX_GROUPS, 1000);
        assertThrows(IllegalArgumentException.class, () -> new GroupedSummaries<Integer, GradientSummary>(0,
                () -> new GradientSummary(1), GradientSummary::merge));
    }

    @Test
    void rowsByKeyByHand() {
        Long[] keys = {9L, 7L, 9L, null, 7L, 9L};
        Map<Long, int[]> m = GroupedSummaries.rowsByKey(keys, 1, 5);
        assertEquals(Arrays.asList(7L, 9L, null), new ArrayList<>(m.keySet()));
        assertArrayEquals(new int[] {0, 3}, m.get(7L));
        assertArrayEquals(new int[] {1, 4}, m.get(9L));
        assertArrayEquals(new int[] {2}, m.get(null));
        double[] to = new double[4];
        GroupedSummaries.gather(new double[] {0, 1, 2, 3, 4, 5, 6, 7}, 2, 2, new int[] {2, 0}, to, 0);
        assertArrayEquals(new double[] {6, 7, 2, 3}, to);
    }
}
