package netsense.spark;

import netsense.core.Attribution;
import netsense.core.BlockKernel;
import netsense.core.Network;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Runs the kernel of the job's network on made-up rows on a background thread while the driver
 * plans, so that in local mode — where the driver's JVM is the executor — the JIT has compiled
 * the kernel's vector loops before the first task needs them. Until C2 compiles them the
 * Vector API's operations run as Java objects, hundreds of times slower: in a fresh JVM the first
 * seconds of a pass went to that (README, "Performance"). Stopped when the pass starts; a
 * failure here only means no warm-up.
 */
final class KernelWarmup implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(KernelWarmup.class);
    /** Long enough for C2 to compile the loops of a small network; the pass stops it sooner. */
    static final long MAX_NANOS = 4_000_000_000L;

    private final Thread thread;
    private volatile boolean stop;

    private KernelWarmup(Network net, BlockKernel.Precision precision, int rows) {
        thread = new Thread(() -> run(net, precision, rows), "netsense kernel warm-up");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
    }

    /** Starts warming up the kernel of {@code net} in this JVM, in local mode only; null otherwise. */
    static KernelWarmup startIfLocal(String master, Network net, BlockKernel.Precision precision, int blockRows) {
        if (!(master.equals("local") || master.startsWith("local["))) {
            return null;
        }
        KernelWarmup w = new KernelWarmup(net, precision, blockRows);
        w.thread.start();
        return w;
    }

    private void run(Network net, BlockKernel.Precision precision, int rows) {
        try {
            int n1 = net.inputWidth();
            BlockKernel kernel = BlockKernel.create(net, 0, rows, precision);
            Attribution plain = new Attribution(kernel, n1, net.outputWidth(), false, Attribution.Settings.gradient());
            double[] x = new double[rows * n1];
            for (int i = 0; i < x.length; i++) {
                x[i] = Math.sin(i) * 2; // a spread of values: every branch of the activations
            }
            double[] out = new double[rows];
            double[] g = new double[rows * n1];
            long start = System.nanoTime();
            long blocks = 0;
            while (!stop && System.nanoTime() - start < MAX_NANOS) {
                plain.compute(x, 0, rows, null, null, 0, 0, out, g, null);
                blocks++;
            }
            LOG.debug("kernel warm-up: {} blocks in {} ms", blocks, (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException | Error e) { // no warm-up, no harm
            LOG.debug("kernel warm-up stopped: {}", e.toString());
        }
    }

    @Override
    public void close() {
        stop = true;
    }
}
