package netsense.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The driver's merge does not depend on the order in which tasks finish. */
class TallyAccumulatorTest {
    static JobTally partition(int p, int rows) {
        Random rnd = new Random(p);
        JobTally t = new JobTally(3, p);
        double[] g = new double[3];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < 3; j++) {
                g[j] = rnd.nextGaussian() * (j + 1);
            }
            t.summary().add(rnd.nextDouble(), g);
        }
        t.countInput(rows);
        t.countRecomputed(p);
        return t;
    }

    /** What the driver sees: one accumulator per finished task, each holding its partition's tally. */
    static JobTally mergeInOrder(List<Integer> completion) {
        TallyAccumulator driver = new TallyAccumulator(3);
        for (int p : completion) {
            TallyAccumulator task = (TallyAccumulator) driver.copyAndReset();
            task.add(partition(p, 5000));
            driver.merge(task);
        }
        return driver.value();
    }

    @Test
    void anyCompletionOrderGivesTheSameFiguresToTheBit() {
        List<Integer> order = new ArrayList<>(List.of(0, 1, 2, 3, 4, 5, 6, 7));
        JobTally inOrder = mergeInOrder(order);
        assertEquals(40_000, inOrder.input());
        assertEquals(28, inOrder.rowsRecomputedFloat64());
        Random rnd = new Random(1);
        for (int trial = 0; trial < 4; trial++) {
            Collections.shuffle(order, rnd);
            JobTally shuffled = mergeInOrder(order);
            assertEquals(inOrder.summary().l2(), shuffled.summary().l2(), order.toString());
            assertEquals(inOrder.summary().l1(), shuffled.summary().l1(), order.toString());
            assertEquals(inOrder.summary().output(), shuffled.summary().output(), order.toString());
            assertEquals(inOrder.summary().dimension(2), shuffled.summary().dimension(2), order.toString());
            assertEquals(40_000, shuffled.input());
        }
    }

    @Test
    void theSampleOfWideRowsIsCappedByBytesPerTask() {
        org.junit.jupiter.api.Assertions.assertEquals(2000, JobTally.sampleRows(2000, 16, 1));
        // 784 features: 8 × (784 + 784 + 1) + 64 = 12,616 bytes a row; 4 MiB hold 332 rows
        org.junit.jupiter.api.Assertions.assertEquals(332, JobTally.sampleRows(2000, 784, 1));
        org.junit.jupiter.api.Assertions.assertEquals(50, JobTally.sampleRows(50, 784, 1));
        org.junit.jupiter.api.Assertions.assertEquals(1, JobTally.sampleRows(2000, 1_000_000, 10));
    }
}
