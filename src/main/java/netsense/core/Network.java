package netsense.core;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An immutable, validated fully connected feed-forward network (Higham &amp; Higham, eqs.
 * 3.1–3.2): {@code a[1] = x}, {@code a[l] = σ_l(W[l] a[l-1] + b[l])} for {@code l = 2..L}.
 *
 * <p>Layout: all weight matrices in one flat array, each row-major ({@code n_l × n_{l-1}}),
 * layer after layer, found through {@link #weightOffset}; likewise the biases. A transposed
 * copy of each matrix ({@code n_{l-1} × n_l}) is kept beside it so that both the forward and
 * the backward product run along contiguous memory; it is rebuilt, not shipped, when a
 * network is deserialized.
 *
 * <p>Layers are numbered as in the paper: the input is layer 1, the first weight matrix
 * belongs to layer 2. Methods taking a {@code layer} argument take that number.
 */
public final class Network implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * One layer as a model file gives it: {@code weights} is {@code n_l} rows of {@code n_{l-1}};
     * {@code alpha} is the activation's parameter ({@link Activation#takesAlpha()}), NaN for one
     * that takes none.
     */
    public record Layer(double[][] weights, double[] bias, Activation activation, double alpha) {
        /** A layer whose activation has its default α (or none). */
        public Layer(double[][] weights, double[] bias, Activation activation) {
            this(weights, bias, activation, activation == null ? Double.NaN : activation.defaultAlpha());
        }
    }

    private final int[] widths;
    private final Activation[] activations;
    private final double[] alphas;
    private final double[] weights;
    private final double[] biases;
    private final int[] weightOffsets;
    private final int[] biasOffsets;
    private transient double[] transposed;
    private transient volatile float[][] singles;  // weights, transposes, biases as float32, made on demand

    private Network(int[] widths, Activation[] activations, double[] alphas, double[] weights, double[] biases) {
        this.widths = widths;
        this.activations = activations;
        this.alphas = alphas;
        this.weights = weights;
        this.biases = biases;
        int layers = activations.length;
        this.weightOffsets = new int[layers + 1];
        this.biasOffsets = new int[layers + 1];
        for (int i = 0; i < layers; i++) {
            weightOffsets[i + 1] = weightOffsets[i] + widths[i + 1] * widths[i];
            biasOffsets[i + 1] = biasOffsets[i] + widths[i + 1];
        }
        this.transposed = transpose();
    }

    /**
     * Builds a network from its layers (layer 2 first), checking every rule of the model
     * format. Not modified: the arrays are copied.
     *
     * @throws InvalidModelException naming the layer and what is wrong
     */
    public static Network of(List<Layer> layers) {
        if (layers == null || layers.isEmpty()) {
            throw new InvalidModelException("the model has no layers");
        }
        int count = layers.size();
        int[] widths = new int[count + 1];
        Activation[] activations = new Activation[count];
        double[] alphas = new double[count];
        long weightCount = 0;
        long biasCount = 0;
        for (int i = 0; i < count; i++) {
            Layer layer = layers.get(i);
            String name = "layer " + (i + 2);
            if (layer == null) {
                throw new InvalidModelException(name + ": missing");
            }
            double[][] w = layer.weights();
            if (w == null || w.length == 0) {
                throw new InvalidModelException(name + ": weights are empty (no rows)");
            }
            if (w[0] == null || w[0].length == 0) {
                throw new InvalidModelException(name + ": weights row 0 is empty");
            }
            int columns = w[0].length;
            for (int r = 1; r < w.length; r++) {
                int have = w[r] == null ? 0 : w[r].length;
                if (have != columns) {
                    throw new InvalidModelException(name + ": weights are ragged: row " + r + " has "
                            + have + " columns, row 0 has " + columns);
                }
            }
            if (i == 0) {
                widths[0] = columns;
            } else if (columns != widths[i]) {
                throw new InvalidModelException(name + ": weights have " + columns + " columns, expected "
                        + widths[i] + " (the previous layer's width)");
            }
            widths[i + 1] = w.length;
            double[] b = layer.bias();
            if (b == null || b.length != w.length) {
                throw new InvalidModelException(name + ": bias has " + (b == null ? 0 : b.length)
                        + " entries, expected " + w.length + " (the number of weight rows)");
            }
            for (int r = 0; r < w.length; r++) {
                for (int c = 0; c < columns; c++) {
                    if (!Double.isFinite(w[r][c])) {
                        throw new InvalidModelException(name + ": weight [" + r + "][" + c + "] is not finite ("
                                + w[r][c] + ")");
                    }
                }
                if (!Double.isFinite(b[r])) {
                    throw new InvalidModelException(name + ": bias [" + r + "] is not finite (" + b[r] + ")");
                }
            }
            if (layer.activation() == null) {
                throw new InvalidModelException(name + ": no activation (known: " + Activation.knownIds() + ")");
            }
            Activation a = layer.activation();
            if (!a.elementwise() && i != count - 1) {
                throw new InvalidModelException(name + ": " + a.id() + " is allowed on the output layer only (layer "
                        + (count + 1) + "), not on a hidden layer");
            }
            if (a.takesAlpha() && !Double.isFinite(layer.alpha())) {
                throw new InvalidModelException(name + ": " + a.id() + " needs a finite alpha, got " + layer.alpha());
            }
            if (!a.takesAlpha() && !Double.isNaN(layer.alpha())) {
                throw new InvalidModelException(name + ": " + a.id() + " takes no alpha (only "
                        + takingAlpha() + " do)");
            }
            activations[i] = a;
            alphas[i] = layer.alpha();
            weightCount += (long) w.length * columns;
            biasCount += w.length;
        }
        if (weightCount + biasCount > Integer.MAX_VALUE - 8) {
            throw new InvalidModelException("the model has " + (weightCount + biasCount)
                    + " parameters, more than one array can hold");
        }
        double[] weights = new double[(int) weightCount];
        double[] biases = new double[(int) biasCount];
        int wo = 0;
        int bo = 0;
        for (Layer layer : layers) {
            for (double[] row : layer.weights()) {
                System.arraycopy(row, 0, weights, wo, row.length);
                wo += row.length;
            }
            System.arraycopy(layer.bias(), 0, biases, bo, layer.bias().length);
            bo += layer.bias().length;
        }
        return new Network(widths, activations, alphas, weights, biases);
    }

    private static String takingAlpha() {
        return java.util.Arrays.stream(Activation.values()).filter(Activation::takesAlpha).map(Activation::id)
                .collect(java.util.stream.Collectors.joining(" and "));
    }

    private double[] transpose() {
        double[] t = new double[weights.length];
        transposeInto(t);
        return t;
    }

    private void transposeInto(double[] t) {
        for (int i = 0; i < activations.length; i++) {
            int rows = widths[i + 1];
            int cols = widths[i];
            int off = weightOffsets[i];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    t[off + c * rows + r] = weights[off + r * cols + c];
                }
            }
        }
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        transposed = transpose();
    }

    /** L, the number of layers counting the input layer. */
    public int depth() {
        return widths.length;
    }

    /** n1, the width of the input. */
    public int inputWidth() {
        return widths[0];
    }

    /** nL, the width of the output layer. */
    public int outputWidth() {
        return widths[widths.length - 1];
    }

    /** n_l for {@code l = 1..L}. */
    public int width(int layer) {
        return widths[checkLayer(layer, 1) - 1];
    }

    /** [n1, ..., nL]. A copy. */
    public int[] widths() {
        return widths.clone();
    }

    /** σ_l for {@code l = 2..L}. */
    public Activation activation(int layer) {
        return activations[checkLayer(layer, 2) - 2];
    }

    /** α of layer l's activation ({@link Activation#takesAlpha()}); NaN when it takes none. */
    public double alpha(int layer) {
        return alphas[checkLayer(layer, 2) - 2];
    }

    /** Layer l (2..L) as a model file gives it: a copy of its weights and bias, its activation and α. */
    public Layer layer(int layer) {
        int k = checkLayer(layer, 2) - 2;
        int rows = widths[k + 1];
        int cols = widths[k];
        double[][] w = new double[rows][];
        for (int r = 0; r < rows; r++) {
            w[r] = Arrays.copyOfRange(weights, weightOffsets[k] + r * cols, weightOffsets[k] + (r + 1) * cols);
        }
        double[] b = Arrays.copyOfRange(biases, biasOffsets[k], biasOffsets[k] + rows);
        return new Layer(w, b, activations[k], alphas[k]);
    }

    /** [σ_2, ..., σ_L]. A copy. */
    public Activation[] activations() {
        return activations.clone();
    }

    /** The number of weights, Σ n_l·n_{l-1}; a gradient costs about 4 flops per weight. */
    public long weightCount() {
        return weights.length;
    }

    /** Weights and biases together. */
    public long parameterCount() {
        return (long) weights.length + biases.length;
    }

    /** W[l]_{ij} (0-based i, j). */
    public double weight(int layer, int i, int j) {
        int k = checkLayer(layer, 2) - 2;
        Objects.checkIndex(i, widths[k + 1]);
        Objects.checkIndex(j, widths[k]);
        return weights[weightOffsets[k] + i * widths[k] + j];
    }

    /** b[l]_i (0-based i). */
    public double bias(int layer, int i) {
        int k = checkLayer(layer, 2) - 2;
        return biases[biasOffsets[k] + Objects.checkIndex(i, widths[k + 1])];
    }

    private int checkLayer(int layer, int first) {
        if (layer < first || layer > widths.length) {
            throw new IndexOutOfBoundsException("layer " + layer + " is not in " + first + ".." + widths.length);
        }
        return layer;
    }

    /**
     * Every parameter in one array: the weights in this class's flat layout (layer after layer,
     * each row-major), then the biases. A copy; {@link #withParameters} takes the same layout.
     */
    public double[] parameters() {
        double[] theta = new double[weights.length + biases.length];
        System.arraycopy(weights, 0, theta, 0, weights.length);
        System.arraycopy(biases, 0, theta, weights.length, biases.length);
        return theta;
    }

    /**
     * The network of this shape and these activations with other parameters (in the layout of
     * {@link #parameters}). Not modified: {@code theta} is copied.
     *
     * @throws InvalidModelException when theta has the wrong length or a non-finite entry
     */
    public Network withParameters(double[] theta) {
        if (theta.length != weights.length + biases.length) {
            throw new InvalidModelException("expected " + (weights.length + biases.length) + " parameters, got "
                    + theta.length);
        }
        for (int i = 0; i < theta.length; i++) {
            if (!Double.isFinite(theta[i])) {
                throw new InvalidModelException("parameter " + i + " is not finite (" + theta[i] + ")");
            }
        }
        return new Network(widths, activations, alphas, Arrays.copyOf(theta, weights.length),
                Arrays.copyOfRange(theta, weights.length, theta.length));
    }

    /**
     * For a trainer's private working copy only (one that no other code sees): overwrites the
     * weights, their transposes and the biases in place, so that a kernel built on this network
     * computes with theta from its next block on. The float32 copy is not updated.
     */
    void overwriteParameters(double[] theta) {
        System.arraycopy(theta, 0, weights, 0, weights.length);
        System.arraycopy(theta, weights.length, biases, 0, biases.length);
        transposeInto(transposed);
    }

    // Package-private views for the kernel: flat arrays and offsets, indexed by k = layer − 2.

    double[] weightArray() {
        return weights;
    }

    double[] transposedArray() {
        return transposed;
    }

    double[] biasArray() {
        return biases;
    }

    /** {weights, transposes, biases} rounded to float32; made once, on first use, shared read-only. */
    float[][] singlePrecision() {
        float[][] f = singles;
        if (f == null) {
            synchronized (this) {
                f = singles;
                if (f == null) {
                    f = new float[][] {toFloat(weights), toFloat(transposed), toFloat(biases)};
                    singles = f;
                }
            }
        }
        return f;
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    int weightOffset(int k) {
        return weightOffsets[k];
    }

    int biasOffset(int k) {
        return biasOffsets[k];
    }

    Activation activationAt(int k) {
        return activations[k];
    }

    double alphaAt(int k) {
        return alphas[k];
    }

    int widthAt(int index) {
        return widths[index];
    }

    /** "[2,2,3,1]", the shape as the documentation writes it. */
    public String shape() {
        return Arrays.toString(widths).replace(" ", "");
    }

    @Override
    public String toString() {
        return "Network" + shape() + " " + Arrays.toString(activations).toLowerCase(java.util.Locale.ROOT);
    }
}
