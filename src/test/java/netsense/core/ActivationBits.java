package netsense.core;

import java.util.SplittableRandom;

/**
 * A child JVM's part of {@link ActivationDeterminismTest}: evaluates every activation on the
 * Vector API backend over a fixed pseudo-random array (whole vectors and a tail) and prints one
 * line per activation, {@code name hash}, the hash taken over the raw bits of values and
 * derivatives. With the argument {@code warm} it first runs each activation long enough for C2
 * to compile the loops.
 */
public final class ActivationBits {
    private ActivationBits() {}

    /** 4,099 arguments: every scale from 1e-8 to 800, both signs, the edges; not a whole number of vectors. */
    static double[] arguments() {
        SplittableRandom rnd = new SplittableRandom(20240611L);
        double[] z = new double[4099];
        for (int i = 0; i < z.length; i++) {
            double scale = Math.pow(10, rnd.nextDouble(-8, 2.9));
            z[i] = (rnd.nextBoolean() ? 1 : -1) * scale * rnd.nextDouble();
        }
        double[] edges = {0, -0.0, 0.0625, -0.0625, 0.35, -0.35, 0.7, 372.5, -372.6, 709.8, -745.13, -746, 1000,
            -1e300, Double.MIN_VALUE, -Double.MIN_VALUE};
        System.arraycopy(edges, 0, z, 0, edges.length);
        z[z.length - 1] = -20.5; // in the tail
        z[z.length - 2] = 0.3;
        return z;
    }

    static long hash(Activation a, double[] args) {
        double[] z = args.clone();
        double[] d = new double[z.length];
        VectorActivations.apply(a, z, d, 0, z.length);
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < z.length; i++) {
            h = (h ^ Double.doubleToRawLongBits(z[i])) * 0x100000001b3L;
            h = (h ^ Double.doubleToRawLongBits(d[i])) * 0x100000001b3L;
        }
        return h;
    }

    public static void main(String[] args) {
        double[] z = arguments();
        if (args.length > 0 && args[0].equals("warm")) {
            double[] small = new double[64];
            System.arraycopy(z, 100, small, 0, small.length);
            double[] d = new double[small.length];
            for (Activation a : Activation.values()) {
                for (int rep = 0; rep < 30_000; rep++) {
                    double[] w = small.clone();
                    VectorActivations.apply(a, w, d, 0, w.length);
                }
            }
        }
        for (Activation a : Activation.values()) {
            System.out.println(a.id() + " " + Long.toHexString(hash(a, z)));
        }
    }
}
