package netsense.core;

/**
 * {@code C += W·A}, the one product the kernel is made of. All three are dense row-major
 * arrays given as (array, offset): W is {@code m × n} (weights), A is {@code n × cols} and C is
 * {@code m × cols}, A and C with leading dimension {@code cols} — one row per neuron, one
 * column per input row of the block. Callers check bounds once per block; implementations
 * check nothing and allocate nothing. C must not overlap W or A.
 *
 * <p>Implementations: {@link PlainProduct} (plain loops, always there), {@link VectorProduct}
 * (the JDK Vector API, register-blocked) and {@link BlasProduct} (native BLAS dgemm through
 * Spark's bundled dev.ludovic.netlib). {@link Backends} picks among them.
 */
abstract class MatrixProduct {
    abstract void multiplyAdd(double[] w, int wOff, int m, int n, double[] a, int aOff, int cols,
                              double[] c, int cOff);

    abstract String name();
}
