package netsense.core;

/**
 * The cost a network is trained to lower, per row, and its derivative with respect to the
 * output layer — the seed of the backward pass. The cost of N rows is the mean of the rows'.
 *
 * <ul>
 *   <li>{@link #MSE}: C_r = ½‖y − a[L]‖² (Higham &amp; Higham's cost, eq. 5.1, per row); the
 *       label is nL numbers; the seed ∂C_r/∂a[L] = a[L] − y, which the kernel multiplies by
 *       σ'(z[L]).
 *   <li>{@link #CROSS_ENTROPY} with a softmax output: C_r = −log softmax(z[L])_y; the label is a
 *       class index y. The loss takes the softmax itself, on the output layer's pre-activations
 *       (the network it trains ends in {@link Activation#IDENTITY}, see {@link #trainingNetwork}),
 *       so that its seed is the combined derivative ∂C_r/∂z[L] = softmax(z[L]) − e_y, exact and
 *       finite for any z — rather than −e_y / s_y pushed back through the softmax's Jacobian,
 *       which divides by a probability that may be 0.
 * </ul>
 */
public enum Loss {
    MSE {
        @Override
        public int labelWidth(int outputs) {
            return outputs;
        }

        @Override
        double rows(double[] outputs, int rows, int nL, double[] y, int yOff, double[] seeds) {
            double sum = 0;
            for (int r = 0; r < rows; r++) {
                double c = 0;
                for (int i = 0; i < nL; i++) {
                    double d = outputs[r * nL + i] - y[yOff + r * nL + i];
                    c += d * d;
                    if (seeds != null) {
                        seeds[r * nL + i] = d;
                    }
                }
                sum += 0.5 * c;
            }
            return sum;
        }
    },
    CROSS_ENTROPY {
        @Override
        public int labelWidth(int outputs) {
            return 1;
        }

        @Override
        double rows(double[] outputs, int rows, int nL, double[] y, int yOff, double[] seeds) {
            double sum = 0;
            for (int r = 0; r < rows; r++) {
                int o = r * nL;
                double max = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < nL; i++) {
                    max = Math.max(max, outputs[o + i]);
                }
                double total = 0;
                for (int i = 0; i < nL; i++) {
                    total += Math.exp(outputs[o + i] - max);
                }
                double logSum = max + Math.log(total);  // log Σ e^z without overflow
                int label = (int) y[yOff + r];
                sum += logSum - outputs[o + label];
                if (seeds != null) {
                    for (int i = 0; i < nL; i++) {
                        seeds[o + i] = Math.exp(outputs[o + i] - logSum) - (i == label ? 1.0 : 0.0);
                    }
                }
            }
            return sum;
        }

        @Override
        public Network trainingNetwork(Network model) {
            return replaceOutput(model, Activation.IDENTITY);
        }

        @Override
        public Network modelNetwork(Network trained) {
            return replaceOutput(trained, softmax());
        }

        @Override
        public void checkOutputs(int outputs) {
            if (outputs < 2) {
                throw new IllegalArgumentException("cross-entropy needs 2 or more outputs (one per class), the network"
                        + " has " + outputs);
            }
        }
    };

    /** Numbers per row of the label: nL for mse, 1 (the class index) for cross-entropy. */
    public abstract int labelWidth(int outputs);

    /**
     * The summed cost of {@code rows} rows whose outputs (the training network's, row-major
     * {@code rows × nL}) are given, and, when {@code seeds} is not null, each row's seed of the
     * backward pass into it ({@code rows × nL}). Labels: {@link #labelWidth} per row from {@code yOff}.
     */
    abstract double rows(double[] outputs, int rows, int nL, double[] y, int yOff, double[] seeds);

    /** The network the kernel trains for a model of this shape: the model itself, or its logits for cross-entropy. */
    public Network trainingNetwork(Network model) {
        return model;
    }

    /** The model a trained network stands for: itself, or with its softmax output for cross-entropy. */
    public Network modelNetwork(Network trained) {
        return trained;
    }

    /** Refuses an output layer this loss cannot use. */
    public void checkOutputs(int outputs) {
        // any width
    }

    /** The name users write: {@code mse}, {@code cross-entropy}. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** The softmax output activation the model file gets for a cross-entropy network. */
    static Activation softmax() {
        return Activation.SOFTMAX;
    }

    private static Network replaceOutput(Network net, Activation output) {
        Activation[] acts = net.activations();
        if (acts[acts.length - 1] == output) {
            return net;
        }
        java.util.List<Network.Layer> layers = new java.util.ArrayList<>();
        for (int l = 2; l <= net.depth(); l++) {
            double[][] w = new double[net.width(l)][net.width(l - 1)];
            double[] b = new double[net.width(l)];
            for (int i = 0; i < w.length; i++) {
                for (int j = 0; j < w[i].length; j++) {
                    w[i][j] = net.weight(l, i, j);
                }
                b[i] = net.bias(l, i);
            }
            layers.add(new Network.Layer(w, b, l == net.depth() ? output : net.activation(l)));
        }
        return Network.of(layers);
    }
}
