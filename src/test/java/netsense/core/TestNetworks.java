package netsense.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random networks and a naive one-row reference, written apart from the kernel. */
final class TestNetworks {
    private TestNetworks() {}

    /** Weights ~ N(0, 1/n_{l-1}) (so activations stay in their working range), biases ~ N(0, 0.1). */
    static Network random(Random rnd, int[] widths, Activation... activations) {
        List<Network.Layer> layers = new ArrayList<>();
        for (int l = 1; l < widths.length; l++) {
            double[][] w = new double[widths[l]][widths[l - 1]];
            double scale = 1.0 / Math.sqrt(widths[l - 1]);
            for (double[] row : w) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = rnd.nextGaussian() * scale;
                }
            }
            double[] b = new double[widths[l]];
            for (int i = 0; i < b.length; i++) {
                b[i] = 0.1 * rnd.nextGaussian();
            }
            layers.add(new Network.Layer(w, b, activations[(l - 1) % activations.length]));
        }
        return Network.of(layers);
    }

    static double[] randomRows(Random rnd, int rows, int width) {
        double[] x = new double[rows * width];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextGaussian();
        }
        return x;
    }

    static double sigma(Activation a, double z) {
        switch (a) {
            case SIGMOID: return 1.0 / (1.0 + Math.exp(-z));
            case TANH: return Math.tanh(z);
            case RELU: return z > 0 ? z : 0;
            case SOFTPLUS: return Math.log(1.0 + Math.exp(z));
            default: return z;
        }
    }

    static double sigmaPrime(Activation a, double z) {
        switch (a) {
            case SIGMOID: {
                double s = 1.0 / (1.0 + Math.exp(-z));
                return s * (1 - s);
            }
            case TANH: {
                double t = Math.tanh(z);
                return 1 - t * t;
            }
            case RELU: return z > 0 ? 1 : 0;
            case SOFTPLUS: return 1.0 / (1.0 + Math.exp(-z));
            default: return 1;
        }
    }

    /** Pre-activations z[l] of one row, l = 2..L (index l − 2), by the definition. */
    static double[][] preActivations(Network net, double[] x) {
        int layers = net.depth() - 1;
        double[][] z = new double[layers][];
        double[] a = x;
        for (int l = 2; l <= net.depth(); l++) {
            double[] zl = new double[net.width(l)];
            for (int i = 0; i < zl.length; i++) {
                double s = net.bias(l, i);
                for (int j = 0; j < a.length; j++) {
                    s += net.weight(l, i, j) * a[j];
                }
                zl[i] = s;
            }
            z[l - 2] = zl;
            double[] next = new double[zl.length];
            for (int i = 0; i < zl.length; i++) {
                next[i] = sigma(net.activation(l), zl[i]);
            }
            a = next;
        }
        return z;
    }

    /** a[L]_k(x), by the definition. */
    static double output(Network net, double[] x, int k) {
        double[][] z = preActivations(net, x);
        return sigma(net.activation(net.depth()), z[z.length - 1][k]);
    }

    /** a[L](x), every output, by the definition. */
    static double[] outputs(Network net, double[] x) {
        double[][] z = preActivations(net, x);
        double[] zl = z[z.length - 1];
        double[] y = new double[zl.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = sigma(net.activation(net.depth()), zl[i]);
        }
        return y;
    }

    /** ∇x a[L]_k(x) by the recurrence, one row, one vector-matrix product at a time. */
    static double[] gradient(Network net, double[] x, int k) {
        double[][] z = preActivations(net, x);
        int depth = net.depth();
        double[] g = new double[net.outputWidth()];
        g[k] = 1.0;
        for (int l = depth; l >= 2; l--) {
            double[] zl = z[l - 2];
            double[] prev = new double[net.width(l - 1)];
            for (int i = 0; i < zl.length; i++) {
                double d = g[i] * sigmaPrime(net.activation(l), zl[i]);
                for (int j = 0; j < prev.length; j++) {
                    prev[j] += d * net.weight(l, i, j);
                }
            }
            g = prev;
        }
        return g;
    }

    static double[] row(double[] block, int r, int width) {
        return java.util.Arrays.copyOfRange(block, r * width, (r + 1) * width);
    }
}
