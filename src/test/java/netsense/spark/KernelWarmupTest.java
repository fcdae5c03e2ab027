package netsense.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import netsense.core.Activation;
import netsense.core.BlockKernel;
import netsense.core.Network;
import netsense.core.RandomNetworks;
import org.junit.jupiter.api.Test;

class KernelWarmupTest {
    private static final Network NET = RandomNetworks.gaussian(3, new int[] {16, 32, 32, 1}, Activation.TANH,
            Activation.SIGMOID, 0);

    @Test
    void onlyInLocalMode() {
        assertNull(KernelWarmup.startIfLocal("spark://host:7077", NET, BlockKernel.Precision.FLOAT64, 64,
                JobTally.Extras.NONE));
        assertNull(KernelWarmup.startIfLocal("yarn", NET, BlockKernel.Precision.FLOAT64, 64, JobTally.Extras.NONE));
    }

    /** It runs the pass's block path (statistics and sample included) without failing, and ends by itself. */
    @Test
    void runsBlocksAndStopsByItself() throws InterruptedException {
        try (KernelWarmup w = KernelWarmup.startIfLocal("local[2]", NET, BlockKernel.Precision.FLOAT64, 64,
                JobTally.Extras.of(GlobalOptions.defaults()))) {
            assertTrue(w.awaitEnd(KernelWarmup.MAX_NANOS / 1_000_000 + 10_000), "still running");
            assertTrue(w.blocks() > 10, "blocks run: " + w.blocks());
            // compiled, and stopped because no faster — or, on a machine too slow for that, at the time limit
            assertTrue(w.end() == KernelWarmup.End.COMPILED || w.end() == KernelWarmup.End.TIME, "ended: " + w.end());
        }
    }

    /**
     * A pass's first task in this JVM stops it — any job's, and also a warm-up started after
     * another job's tasks began is not stopped by those.
     */
    @Test
    void stopsWhenAPassStarts() throws InterruptedException {
        KernelWarmup.passStarted(); // an earlier job's task: no bearing on a warm-up that starts after it
        try (KernelWarmup w = KernelWarmup.startIfLocal("local[2]", NET, BlockKernel.Precision.FLOAT64, 256,
                JobTally.Extras.NONE)) {
            assertTrue(!w.awaitEnd(200), "it runs on its own for a while");
            KernelWarmup.passStarted();
            assertTrue(w.awaitEnd(2_000), "still running after a pass started");
            assertEquals(KernelWarmup.End.PASS_STARTED, w.end());
            assertTrue(w.blocks() > 0, "blocks run: " + w.blocks());
        }
    }

    /** Asked to stop, it stops at once. */
    @Test
    void stopsWhenClosed() throws InterruptedException {
        KernelWarmup w = KernelWarmup.startIfLocal("local", NET, BlockKernel.Precision.FLOAT32, 64,
                JobTally.Extras.NONE);
        w.close();
        assertTrue(w.awaitEnd(2_000), "still running after close");
        assertEquals(KernelWarmup.End.CLOSED, w.end());
    }
}
