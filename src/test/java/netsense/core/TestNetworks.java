package netsense.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random networks and a naive one-row reference, written apart from the kernel. */
final class TestNetworks {
    private TestNetworks() {}

    /** Weights ~ N(0, 1/n_{l-1}) (so activations stay in their working range), biases ~ N(0, 0.1). */
    static Network random(Random rnd, int[] widths, Activation... activations) {
        return random(rnd, widths, Double.NaN, activations);
    }

    /** As above, every layer whose activation takes an α given {@code alpha} (NaN: its default). */
    static Network random(Random rnd, int[] widths, double alpha, Activation... activations) {
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
            Activation a = activations[(l - 1) % activations.length];
            layers.add(a.takesAlpha() && !Double.isNaN(alpha) ? new Network.Layer(w, b, a, alpha)
                    : new Network.Layer(w, b, a));
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
        return sigma(a, a.defaultAlpha(), z);
    }

    static double sigma(Activation a, double alpha, double z) {
        switch (a) {
            case SIGMOID: return 1.0 / (1.0 + Math.exp(-z));
            case TANH: return Math.tanh(z);
            case RELU: return z > 0 ? z : 0;
            case SOFTPLUS: return Math.log(1.0 + Math.exp(z));
            case LEAKY_RELU: return z > 0 ? z : alpha * z;
            case ELU: return z > 0 ? z : alpha * (Math.exp(z) - 1);
            case SILU: return z / (1.0 + Math.exp(-z));
            case GELU: return z * 0.5 * erfc(-z / Math.sqrt(2));
            case SOFTMAX: throw new IllegalArgumentException("softmax is a function of the whole layer");
            default: return z;
        }
    }

    /**
     * erfc by definitions apart from the code under test: for x &lt; 1.5, 1 − erf with erf(x) =
     * (2/√π) e^{−x²} Σ 2ⁿ x^{2n+1} / (1·3·…·(2n+1)) (terms all positive); beyond, the continued
     * fraction e^{−x²}/√π · 1/(x + ½/(x + 1/(x + (3/2)/(x + …)))). Good to about 1e-13 relative
     * while x² is below 100 or so (e^{−x²} of a rounded x² loses x²·2⁻⁵³).
     */
    static double erfc(double x) {
        if (x < 0) {
            return 2 - erfc(-x);
        }
        if (x < 1.5) {
            double term = x;
            double sum = x;
            for (int n = 1; n < 200 && term > 1e-18 * sum; n++) {
                term *= 2 * x * x / (2 * n + 1);
                sum += term;
            }
            return 1 - 2 / Math.sqrt(Math.PI) * Math.exp(-x * x) * sum;
        }
        double f = x;
        for (int n = 400; n >= 1; n--) {
            f = x + (n / 2.0) / f;
        }
        return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
    }

    static double sigmaPrime(Activation a, double z) {
        return sigmaPrime(a, a.defaultAlpha(), z);
    }

    static double sigmaPrime(Activation a, double alpha, double z) {
        switch (a) {
            case LEAKY_RELU: return z > 0 ? 1 : alpha;
            case ELU: return z > 0 ? 1 : alpha * Math.exp(z);
            case SILU: {
                double s = 1.0 / (1.0 + Math.exp(-z));
                return s * (1 + z * (1 - s));
            }
            case GELU: return 0.5 * erfc(-z / Math.sqrt(2)) + z * Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI);
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
            a = activate(net, l, zl);
        }
        return z;
    }

    /** a[l] = σ_l(z[l]); a softmax by its definition e^{z_i} / Σ e^{z_j} (shifted by the max). */
    static double[] activate(Network net, int l, double[] zl) {
        double[] next = new double[zl.length];
        if (net.activation(l) == Activation.SOFTMAX) {
            double max = java.util.Arrays.stream(zl).max().getAsDouble();
            double sum = 0;
            for (int i = 0; i < zl.length; i++) {
                next[i] = Math.exp(zl[i] - max);
                sum += next[i];
            }
            for (int i = 0; i < zl.length; i++) {
                next[i] /= sum;
            }
            return next;
        }
        for (int i = 0; i < zl.length; i++) {
            next[i] = sigma(net.activation(l), net.alpha(l), zl[i]);
        }
        return next;
    }

    /** a[L]_k(x), by the definition. */
    static double output(Network net, double[] x, int k) {
        return outputs(net, x)[k];
    }

    /** a[L](x), every output, by the definition. */
    static double[] outputs(Network net, double[] x) {
        double[][] z = preActivations(net, x);
        return activate(net, net.depth(), z[z.length - 1]);
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
            double[] s = net.activation(l) == Activation.SOFTMAX ? activate(net, l, zl) : null;
            for (int i = 0; i < zl.length; i++) {
                // through a softmax, ∂s_k/∂z_i = s_k (δ_ik − s_i)
                double d = s != null ? s[k] * ((i == k ? 1 : 0) - s[i])
                        : g[i] * sigmaPrime(net.activation(l), net.alpha(l), zl[i]);
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
