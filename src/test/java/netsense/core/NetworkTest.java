package netsense.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NetworkTest {

    static Network.Layer layer(double[][] w, double[] b) {
        return new Network.Layer(w, b, Activation.SIGMOID);
    }

    static String refusal(List<Network.Layer> layers) {
        return assertThrows(InvalidModelException.class, () -> Network.of(layers)).getMessage();
    }

    @Test
    void reportsShapeAndCounts() {
        Network net = GradientKernelTest.handNetwork();
        assertArrayEquals(new int[] {2, 2, 3, 1}, net.widths());
        assertEquals(4, net.depth());
        assertEquals(2, net.inputWidth());
        assertEquals(1, net.outputWidth());
        assertEquals(4 + 6 + 3, net.weightCount());
        assertEquals(13 + 2 + 3 + 1, net.parameterCount());
        assertEquals("[2,2,3,1]", net.shape());
        assertEquals(Activation.SIGMOID, net.activation(4));
        assertEquals(0.5, net.weight(3, 2, 0));
        assertEquals(-1.5, net.bias(2, 1));
    }

    @Test
    void copiesItsInput() {
        double[][] w = {{1, 2}};
        Network net = Network.of(List.of(layer(w, new double[] {0})));
        w[0][0] = 99;
        assertEquals(1, net.weight(2, 0, 0));
    }

    @Test
    void noLayers() {
        assertEquals("the model has no layers", refusal(List.of()));
    }

    @Test
    void emptyMatrices() {
        assertEquals("layer 2: weights are empty (no rows)", refusal(List.of(layer(new double[0][], new double[0]))));
        assertEquals("layer 3: weights row 0 is empty", refusal(List.of(layer(new double[][] {{1}}, new double[] {0}),
                layer(new double[][] {{}}, new double[] {0}))));
    }

    @Test
    void raggedMatrix() {
        assertEquals("layer 2: weights are ragged: row 2 has 1 columns, row 0 has 2",
                refusal(List.of(layer(new double[][] {{1, 2}, {3, 4}, {5}}, new double[] {0, 0, 0}))));
    }

    @Test
    void dimensionsThatDoNotChain() {
        List<Network.Layer> layers = new ArrayList<>();
        layers.add(layer(new double[][] {{1, 2}, {3, 4}, {5, 6}, {7, 8}, {9, 10}}, new double[5]));
        layers.add(layer(new double[][] {{1, 2, 3, 4}}, new double[1]));
        assertEquals("layer 3: weights have 4 columns, expected 5 (the previous layer's width)", refusal(layers));
    }

    @Test
    void biasLength() {
        assertEquals("layer 2: bias has 1 entries, expected 2 (the number of weight rows)",
                refusal(List.of(layer(new double[][] {{1}, {2}}, new double[] {0}))));
        assertEquals("layer 2: bias has 0 entries, expected 1 (the number of weight rows)",
                refusal(List.of(layer(new double[][] {{1}}, null))));
    }

    @Test
    void nonFiniteNumbers() {
        assertEquals("layer 2: weight [1][0] is not finite (NaN)",
                refusal(List.of(layer(new double[][] {{1}, {Double.NaN}}, new double[2]))));
        assertEquals("layer 2: bias [0] is not finite (Infinity)",
                refusal(List.of(layer(new double[][] {{1}}, new double[] {Double.POSITIVE_INFINITY}))));
    }

    @Test
    void missingActivation() {
        assertEquals("layer 2: no activation (known: sigmoid, tanh, relu, softplus, identity, leaky_relu, elu, silu, gelu, softmax)",
                refusal(List.of(new Network.Layer(new double[][] {{1}}, new double[1], null))));
    }

    @Test
    void survivesJavaSerialization() throws Exception {
        Random rnd = new Random(3);
        Network net = TestNetworks.random(rnd, new int[] {4, 6, 2}, Activation.TANH);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(net);
        }
        Network copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (Network) in.readObject();
        }
        double[] x = TestNetworks.randomRows(rnd, 3, 4);
        double[] g1 = new double[12];
        double[] g2 = new double[12];
        new GradientKernel(net, 1, 3).compute(x, 0, 3, new double[3], 0, g1, 0);
        new GradientKernel(copy, 1, 3).compute(x, 0, 3, new double[3], 0, g2, 0);
        assertArrayEquals(g1, g2, 0);
        assertEquals(TestNetworks.gradient(net, TestNetworks.row(x, 0, 4), 1)[2], g2[2], 1e-14);
    }
}
