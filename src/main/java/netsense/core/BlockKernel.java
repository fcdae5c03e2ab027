package netsense.core;

/**
 * Outputs and input gradients for a block of rows (see {@link GradientKernel} for the
 * mathematics and the layout): {@code x} row-major {@code rows × n1} in, {@code outputs} and
 * row-major {@code gradients} out. One instance per thread; allocates nothing per block.
 */
public interface BlockKernel {
    /** Arithmetic precision of the kernel; inputs and results are float64 either way. */
    enum Precision {
        FLOAT64, FLOAT32;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Precision fromId(String id) {
            for (Precision p : values()) {
                if (p.id().equalsIgnoreCase(id)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unknown precision \"" + id + "\" (known: float64, float32)");
        }
    }

    void compute(double[] x, int xOff, int rows, double[] outputs, int outOff, double[] gradients, int gradOff);

    int maxRows();

    /**
     * Rows this kernel computed again in float64 because its own arithmetic lost them (the
     * float32 kernel's rows beyond float's range); 0 for a float64 kernel.
     */
    default long rowsRecomputed() {
        return 0;
    }

    /** The kernel of that precision on this JVM's implementations. */
    static BlockKernel create(Network net, int outputIndex, int maxRows, Precision precision) {
        return precision == Precision.FLOAT32
                ? new FloatGradientKernel(net, outputIndex, maxRows, FloatKernels.DEFAULT)
                : new GradientKernel(net, outputIndex, maxRows);
    }
}
