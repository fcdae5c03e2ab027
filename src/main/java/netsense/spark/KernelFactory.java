package netsense.spark;

import java.io.Serializable;
import netsense.core.BlockGradient;
import netsense.core.BlockKernel;
import netsense.core.Network;

/**
 * Makes the kernel each task runs (one per task): netsense's own by default; another
 * implementation of {@link BlockGradient} can be put in its place (the benchmark's copy job does).
 */
@FunctionalInterface
public interface KernelFactory extends Serializable {
    /** netsense's kernel of that precision on this JVM's implementations. */
    KernelFactory NETSENSE = BlockKernel::create;

    BlockGradient create(Network net, int outputIndex, int maxRows, BlockKernel.Precision precision);
}
