package netsense.core;

/**
 * Random numbers that are a function of a key, not of a generator's state: the same
 * (seed, row key, sample, dimension) gives the same number on any machine, in any partition,
 * in any order — which is what makes SmoothGrad's noise, bootstrap weights and samples
 * independent of partitioning. Each number is SplitMix64's finaliser applied to a mix of the
 * key's parts (counter-based generation in the manner of Salmon et al., "Parallel random
 * numbers: as easy as 1, 2, 3", 2011, with a simpler mixing function).
 */
public final class KeyedRandom {
    private KeyedRandom() {}

    /** 64 well-mixed bits of the key (a, b, c, d). */
    public static long bits(long a, long b, long c, long d) {
        long z = mix(a ^ 0x9E3779B97F4A7C15L);
        z = mix(z ^ b);
        z = mix(z ^ c);
        return mix(z ^ d);
    }

    /**
     * The first three parts of a key mixed: {@code bits(a, b, c, d) == mix(prefix(a, b, c) ^ d)}
     * for every d, so that many numbers of one (a, b, c) — a row's bootstrap weights, say — cost
     * one {@link #mix} each.
     */
    public static long prefix(long a, long b, long c) {
        return mix(mix(mix(a ^ 0x9E3779B97F4A7C15L) ^ b) ^ c);
    }

    /** SplitMix64's finaliser (Steele, Lea and Flood 2014): a bijection of the 64-bit integers. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (z ^ (z >>> 31)) + 0x9E3779B97F4A7C15L;
    }

    /** A uniform number in (0, 1), never 0 or 1, from 53 bits. */
    public static double uniform(long bits) {
        return ((bits >>> 11) + 0.5) * 0x1.0p-53;
    }

    /**
     * A standard normal number of the key, by the Box–Muller transform of two uniform numbers
     * drawn from the key with a fourth part of 2d and 2d + 1.
     */
    public static double normal(long seed, long key, long sample, long dimension) {
        double u1 = uniform(bits(seed, key, sample, 2 * dimension));
        double u2 = uniform(bits(seed, key, sample, 2 * dimension + 1));
        return Math.sqrt(-2 * StrictMath.log(u1)) * StrictMath.cos(2 * Math.PI * u2); // fdlibm: the same bits everywhere
    }

    /** A hash of a row's features, the key of a row that has no id. */
    public static long ofFeatures(double[] x, int off, int n) {
        long h = 0x6A09E667F3BCC908L;
        for (int j = 0; j < n; j++) {
            h = mix(h ^ Double.doubleToLongBits(x[off + j] + 0.0));
        }
        return h;
    }
}
