package netsense.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Once compiled, the vector loops of the moments allocate nothing: C2 keeps the Vector API's
 * values in registers only where no two paths of a loop merge a vector (a row skipped, a figure
 * not wanted). Where they do, every operation boxes its result into a new object — in a job,
 * hundreds of megabytes a second and tens of times the arithmetic's time. The job adds blocks
 * of gradients (every figure) and of inputs (the spread only), unweighted, through one code:
 * both are run until compiled, in a JVM of their own as a job's is (what a JVM compiles depends
 * on everything it ran before).
 */
class VectorMomentsAllocationTest {
    @Test
    void compiledBlocksAllocateNothing() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Backends.vectorWanted(), "the Vector API is not available");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(List.of(java, "--add-modules=jdk.incubator.vector", "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), Check.class.getName())).redirectErrorStream(true).start();
        boolean ended = p.waitFor(120, TimeUnit.SECONDS);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!ended) {
            p.destroyForcibly();
        }
        assertEquals(0, ended ? p.exitValue() : -1, out);
    }

    /** Adds blocks until a round of 400 allocates nothing (exit 0) or 60 s have passed (exit 1). */
    public static final class Check {
        public static void main(String[] args) {
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
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
            System.out.println(perRound == 0 ? "compiled: no allocation"
                    : "still " + perRound + " bytes allocated in 400 blocks after 60 s");
            System.exit(perRound == 0 ? 0 : 1);
        }
    }
}
