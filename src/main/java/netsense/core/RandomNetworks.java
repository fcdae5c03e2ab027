package netsense.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Networks with random weights, for benchmarks, examples and tests. */
public final class RandomNetworks {
    private RandomNetworks() {}

    /**
     * Weights ~ N(0, 1/n_{l-1}) — activations stay in their working range at any width — and
     * biases ~ N(0, biasScale²); {@code hidden} on every layer but the last, {@code output} there.
     */
    public static Network gaussian(long seed, int[] widths, Activation hidden, Activation output, double biasScale) {
        Random rnd = new Random(seed);
        List<Network.Layer> layers = new ArrayList<>();
        for (int l = 1; l < widths.length; l++) {
            double[][] w = new double[widths[l]][widths[l - 1]];
            double scale = 1.0 / Math.sqrt(widths[l - 1]);
            for (double[] row : w) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = scale * rnd.nextGaussian();
                }
            }
            double[] b = new double[widths[l]];
            for (int i = 0; i < b.length; i++) {
                b[i] = biasScale * rnd.nextGaussian();
            }
            layers.add(new Network.Layer(w, b, l == widths.length - 1 ? output : hidden));
        }
        return Network.of(layers);
    }
}
