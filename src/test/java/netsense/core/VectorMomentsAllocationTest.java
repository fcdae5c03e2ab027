package netsense.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Once compiled, the vector loops of the moments allocate nothing: C2 keeps the Vector API's
 * values in registers only where no two paths of a loop merge a vector (a row skipped, a figure
 * not wanted). Where they do, every operation boxes its result into a new object — in a job,
 * hundreds of megabytes a second and tens of times the arithmetic's time. The job adds blocks
 * of gradients (every figure) and of inputs (the spread only), unweighted, through one code:
 * both are run here until compiled.
 */
class VectorMomentsAllocationTest {
    @Test
    void compiledBlocksAllocateNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported());
        int columns = 16;
        int rows = 256;
        Random rnd = new Random(1);
        double[] block = new double[rows * columns];
        for (int i = 0; i < block.length; i++) {
            block[i] = rnd.nextGaussian();
        }
        Moments gradients = new Moments(columns);
        Moments inputs = Moments.spread(columns);
        long thread = Thread.currentThread().getId();
        long deadline = System.nanoTime() + 60_000_000_000L;
        long perRound = Long.MAX_VALUE;
        while (System.nanoTime() < deadline && perRound > 0) {
            long before = threads.getThreadAllocatedBytes(thread);
            for (int i = 0; i < 200; i++) {
                gradients.addBlock(block, 0, rows);
                inputs.addBlock(block, 0, rows);
            }
            perRound = threads.getThreadAllocatedBytes(thread) - before;
        }
        // boxing would allocate at least 2 vectors × 2 columns' vectors × 256 rows × 400 blocks a round
        assertTrue(perRound == 0, "still " + perRound + " bytes allocated in 400 compiled blocks");
    }
}
