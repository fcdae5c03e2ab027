package netsense.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link BottomKSample}: the rows of the k smallest hashes (by brute force over all rows), the
 * same rows for any split and order, of size min(k, rows), uniform over the keys.
 */
class BottomKSampleTest {
    static final int N1 = 3;

    static final class Data {
        final long[] keys;
        final double[] x;
        final double[] v;
        final double[] y;
        final String[] ids;

        Data(Random rnd, int rows) {
            keys = new long[rows];
            x = new double[rows * N1];
            v = new double[rows * N1];
            y = new double[rows];
            ids = new String[rows];
            for (int r = 0; r < rows; r++) {
                keys[r] = 1000L + 7L * r;
                ids[r] = "row" + r;
                y[r] = rnd.nextGaussian();
                for (int i = 0; i < N1; i++) {
                    x[r * N1 + i] = rnd.nextDouble();
                    v[r * N1 + i] = rnd.nextGaussian();
                }
            }
        }
    }

    static BottomKSample sampleOf(Data d, int k, int from, int to, int block) {
        BottomKSample s = new BottomKSample(k, N1, N1, 1);
        for (int start = from; start < to; start += block) {
            int n = Math.min(block, to - start);
            s.addBlock(d.keys, start, d.x, start * N1, d.v, start * N1, d.y, start, n, d.ids, start);
        }
        return s;
    }

    /** The reference: all rows sorted by unsigned hash, the first k. */
    static List<Integer> bruteForce(Data d, int k) {
        List<Integer> idx = new ArrayList<>();
        for (int r = 0; r < d.keys.length; r++) {
            idx.add(r);
        }
        idx.sort((a, b) -> Long.compareUnsigned(BottomKSample.hash(d.keys[a]), BottomKSample.hash(d.keys[b])));
        return idx.subList(0, Math.min(k, idx.size()));
    }

    @Test
    void theSameRowsForAnySplitAndOrder() throws Exception {
        Random rnd = new Random(71);
        for (int rows : new int[] {0, 1, 10, 50, 3000}) {
            Data d = new Data(rnd, rows);
            List<Integer> want = bruteForce(d, 50);
            for (int parts : new int[] {1, 3, 17}) {
                List<BottomKSample> pieces = new ArrayList<>();
                for (int p = 0; p < parts; p++) {
                    pieces.add(sampleOf(d, 50, p * rows / parts, (p + 1) * rows / parts, 1 + rnd.nextInt(100)));
                }
                Collections.shuffle(pieces, rnd);
                BottomKSample merged = new BottomKSample(50, N1, N1, 1);
                for (BottomKSample p : pieces) {
                    merged.merge(GroupedSummariesTest.roundTrip(p));
                }
                List<BottomKSample.Row> got = merged.rows();
                assertEquals(Math.min(50, rows), got.size(), rows + " rows, " + parts + " parts");
                for (int j = 0; j < got.size(); j++) {
                    int r = want.get(j);
                    BottomKSample.Row row = got.get(j);
                    assertEquals(d.keys[r], row.key());
                    assertEquals("row" + r, row.payload());
                    assertArrayEquals(java.util.Arrays.copyOfRange(d.x, r * N1, r * N1 + N1), row.x());
                    assertArrayEquals(java.util.Arrays.copyOfRange(d.v, r * N1, r * N1 + N1), row.vector());
                    assertArrayEquals(new double[] {d.y[r]}, row.outputs());
                }
            }
        }
    }

    /** Keys 0..99,999: the mean key of a sample of 2000 is 50,000 within 5 standard errors; no key twice. */
    @Test
    void uniformOverTheKeys() {
        int rows = 100_000;
        BottomKSample s = new BottomKSample(2000, 0, 0, 0);
        long[] keys = new long[rows];
        for (int r = 0; r < rows; r++) {
            keys[r] = r;
        }
        s.addBlock(keys, 0, new double[0], 0, new double[0], 0, new double[0], 0, rows, null, 0);
        double sum = 0;
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (BottomKSample.Row r : s.rows()) {
            sum += r.key();
            seen.add(r.key());
        }
        double se = rows / Math.sqrt(12) / Math.sqrt(2000);
        assertEquals(rows / 2.0, sum / 2000, 5 * se);
        assertEquals(2000, seen.size());
    }

    /** The same key twice with other contents (duplicate ids): still the same rows whatever the order. */
    @Test
    void duplicateKeysAreOrderedByContent() {
        long[] keys = new long[40];
        double[] x = new double[40];
        for (int r = 0; r < 40; r++) {
            keys[r] = r % 4;
            x[r] = r;
        }
        BottomKSample forward = new BottomKSample(6, 1, 0, 0);
        forward.addBlock(keys, 0, x, 0, new double[0], 0, new double[0], 0, 40, null, 0);
        BottomKSample backward = new BottomKSample(6, 1, 0, 0);
        for (int r = 39; r >= 0; r--) {
            backward.addBlock(keys, r, x, r, new double[0], 0, new double[0], 0, 1, null, 0);
        }
        List<BottomKSample.Row> a = forward.rows();
        List<BottomKSample.Row> b = backward.rows();
        for (int j = 0; j < 6; j++) {
            assertEquals(a.get(j).key(), b.get(j).key());
            assertArrayEquals(a.get(j).x(), b.get(j).x());
        }
        // the smallest-hash key's ten rows come first, ordered by x
        assertEquals(0.0 + a.get(0).key(), a.get(0).x()[0]);
    }

    /**
     * A task sends its sample to the driver: serialized, it is the rows' numbers and little more
     * (not an object graph of four arrays a row), and it comes back the same rows — with and
     * without payloads, full and partly full.
     */
    @Test
    void serializesAsItsNumbers() throws Exception {
        Random rnd = new Random(5);
        int n = 16;
        int rows = 5000;
        long[] keys = new long[rows];
        double[] x = new double[rows * n];
        double[] v = new double[rows * n];
        double[] y = new double[rows];
        Long[] ids = new Long[rows];
        for (int r = 0; r < rows; r++) {
            keys[r] = rnd.nextLong();
            ids[r] = keys[r];
            y[r] = rnd.nextGaussian();
            for (int i = 0; i < n; i++) {
                x[r * n + i] = rnd.nextGaussian();
                v[r * n + i] = rnd.nextGaussian();
            }
        }
        for (int k : new int[] {2000, 9000}) {
            for (boolean payloads : new boolean[] {false, true}) {
                BottomKSample s = new BottomKSample(k, n, n, 1);
                s.addBlock(keys, 0, x, 0, v, 0, y, 0, rows, payloads ? ids : null, 0);
                java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
                try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
                    out.writeObject(s);
                }
                int held = Math.min(k, rows);
                long numbers = (long) held * 8 * (1 + n + n + 1);
                if (!payloads) {
                    assertTrue(bytes.size() < numbers + 2048, bytes.size() + " bytes for " + numbers + " of numbers");
                }
                BottomKSample back = GroupedSummariesTest.roundTrip(s);
                List<BottomKSample.Row> want = s.rows();
                List<BottomKSample.Row> got = back.rows();
                assertEquals(held, got.size());
                assertEquals(k, back.capacity());
                for (int j = 0; j < held; j++) {
                    assertEquals(want.get(j).key(), got.get(j).key());
                    assertEquals(want.get(j).hash(), got.get(j).hash());
                    assertArrayEquals(want.get(j).x(), got.get(j).x());
                    assertArrayEquals(want.get(j).vector(), got.get(j).vector());
                    assertArrayEquals(want.get(j).outputs(), got.get(j).outputs());
                    assertEquals(payloads ? want.get(j).key() : null, got.get(j).payload());
                }
                // what comes back goes on sampling as the original does: merged with other rows,
                // the same rows in the same order
                BottomKSample more = new BottomKSample(k, n, n, 1);
                long[] moreKeys = new long[3000];
                for (int r = 0; r < moreKeys.length; r++) {
                    moreKeys[r] = rnd.nextLong();
                }
                more.addBlock(moreKeys, 0, x, 0, v, 0, y, 0, moreKeys.length, null, 0);
                List<BottomKSample.Row> a = s.merge(more).rows();
                List<BottomKSample.Row> b = back.merge(more).rows();
                assertEquals(a.size(), b.size());
                for (int j = 0; j < a.size(); j++) {
                    assertEquals(a.get(j).key(), b.get(j).key());
                    assertArrayEquals(a.get(j).x(), b.get(j).x());
                }
            }
        }
    }

    @Test
    void refusals() {
        assertThrows(IllegalArgumentException.class, () -> new BottomKSample(0, 1, 1, 1));
        assertEquals("cannot merge a sample of 5 rows of widths (1, 1, 1) into one of 4 rows of widths (1, 1, 1)",
                assertThrows(IllegalArgumentException.class,
                        () -> new BottomKSample(4, 1, 1, 1).merge(new BottomKSample(5, 1, 1, 1))).getMessage());
    }
}
