package netsense.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import netsense.core.Activation;
import netsense.core.InvalidModelException;
import netsense.core.Network;
import org.junit.jupiter.api.Test;

class ModelReaderTest {

    static Network parse(String json) throws IOException {
        return ModelReader.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    static String refusal(String json) {
        return assertThrows(InvalidModelException.class, () -> parse(json)).getMessage();
    }

    static final String GOOD = """
            {"layers": [
              {"weights": [[1, 1], [2, 0.5]], "bias": [0, -1.5], "activation": "sigmoid"},
              {"weights": [[1, -1], [2, 0], [0.5, 0.5]], "bias": [0, -1, -0.5], "activation": "tanh"},
              {"weights": [[1, -2, 3]], "bias": [-1], "activation": "identity"}
            ]}""";

    @Test
    void readsTheSpecFormat() throws IOException {
        Network net = parse(GOOD);
        assertArrayEquals(new int[] {2, 2, 3, 1}, net.widths());
        assertArrayEquals(new Activation[] {Activation.SIGMOID, Activation.TANH, Activation.IDENTITY},
                net.activations());
        assertEquals(-1.5, net.bias(2, 1));
        assertEquals(0.5, net.weight(3, 2, 1));
        assertEquals(-2, net.weight(4, 0, 1));
    }

    @Test
    void writerRoundTripsExactly() throws IOException {
        Network net = Network.of(List.of(new Network.Layer(new double[][] {{0.1, 1e-300, -Math.PI}},
                new double[] {Math.E}, Activation.SOFTPLUS)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ModelWriter.write(net, out);
        Network back = ModelReader.read(new ByteArrayInputStream(out.toByteArray()));
        assertEquals(-Math.PI, back.weight(2, 0, 2));
        assertEquals(1e-300, back.weight(2, 0, 1));
        assertEquals(Math.E, back.bias(2, 0));
        assertEquals(Activation.SOFTPLUS, back.activation(2));
    }

    @Test
    void newActivationsAndAlphaRoundTrip() throws IOException {
        Network net = ModelReader.read(new ByteArrayInputStream(("{\"layers\": ["
                + "{\"weights\": [[1, 2]], \"bias\": [0], \"activation\": \"leaky_relu\", \"alpha\": 0.2},"
                + "{\"weights\": [[1]], \"bias\": [0], \"activation\": \"elu\"},"
                + "{\"weights\": [[1]], \"bias\": [0], \"activation\": \"silu\"},"
                + "{\"weights\": [[1]], \"bias\": [0], \"activation\": \"gelu\"},"
                + "{\"weights\": [[1], [2]], \"bias\": [0, 1], \"activation\": \"softmax\"}]}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals(0.2, net.alpha(2));
        assertEquals(1.0, net.alpha(3), "elu's default alpha");
        assertEquals(Activation.SOFTMAX, net.activation(6));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ModelWriter.write(net, out);
        String text = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        org.junit.jupiter.api.Assertions.assertTrue(text.contains("\"activation\":\"leaky_relu\",\"alpha\":0.2"), text);
        org.junit.jupiter.api.Assertions.assertTrue(text.contains("\"activation\":\"elu\",\"alpha\":1.0"), text);
        org.junit.jupiter.api.Assertions.assertTrue(!text.contains("\"silu\",\"alpha\""), "no alpha where none is taken: " + text);
        Network back = ModelReader.read(new ByteArrayInputStream(out.toByteArray()));
        assertEquals(net.toString(), back.toString());
        assertEquals(0.2, back.alpha(2));
    }

    @Test
    void structuralFaults() {
        assertEquals("the model must be a JSON object with a \"layers\" array (line 1, column 1)", refusal("[1, 2]"));
        assertEquals("the model has no \"layers\" array", refusal("{}"));
        assertEquals("the model has no layers", refusal("{\"layers\": []}"));
        assertEquals("unknown top-level key \"name\" (expected: layers)",
                refusal("{\"name\": \"x\", \"layers\": []}"));
        assertEquals("layer 2: unknown key \"weight\" (expected: weights, bias, activation, alpha)",
                refusal("{\"layers\": [{\"weight\": [[1]]}]}"));
        assertEquals("layer 3: missing \"activation\"", refusal(
                "{\"layers\": [{\"weights\": [[1]], \"bias\": [0], \"activation\": \"relu\"},"
                        + " {\"weights\": [[1]], \"bias\": [0]}]}"));
        assertEquals("layer 2: missing \"bias\"", refusal("{\"layers\": [{\"weights\": [[1]], \"activation\": \"relu\"}]}"));
        assertEquals("layer 2: weights row 1: entry 0 is not a number (the string \"a\") (line 1, column 32)",
                refusal("{\"layers\": [{\"weights\": [[1], [\"a\"]], \"bias\": [0, 0], \"activation\": \"relu\"}]}"));
        assertTrue(refusal("{\"layers\": [").startsWith("the model file is not valid JSON: "));
    }

    static void assertTrue(boolean b) {
        org.junit.jupiter.api.Assertions.assertTrue(b);
    }

    @Test
    void specRulesNameTheLayer() {
        assertEquals("layer 2: weights are ragged: row 1 has 1 columns, row 0 has 2",
                refusal("{\"layers\": [{\"weights\": [[1, 2], [3]], \"bias\": [0, 0], \"activation\": \"tanh\"}]}"));
        assertEquals("layer 2: weights are empty (no rows)",
                refusal("{\"layers\": [{\"weights\": [], \"bias\": [], \"activation\": \"tanh\"}]}"));
        assertEquals("layer 3: weights have 4 columns, expected 5 (the previous layer's width)", refusal(
                "{\"layers\": [{\"weights\": [[1],[1],[1],[1],[1]], \"bias\": [0,0,0,0,0], \"activation\": \"tanh\"},"
                        + " {\"weights\": [[1,2,3,4]], \"bias\": [0], \"activation\": \"tanh\"}]}"));
        assertEquals("layer 2: bias has 3 entries, expected 2 (the number of weight rows)",
                refusal("{\"layers\": [{\"weights\": [[1], [2]], \"bias\": [0, 0, 0], \"activation\": \"tanh\"}]}"));
        assertEquals("layer 2: weight [0][1] is not finite (NaN)",
                refusal("{\"layers\": [{\"weights\": [[1, NaN]], \"bias\": [0], \"activation\": \"tanh\"}]}"));
        assertEquals("layer 2: weight [0][0] is not finite (Infinity)",
                refusal("{\"layers\": [{\"weights\": [[1e400]], \"bias\": [0], \"activation\": \"tanh\"}]}"));
        assertEquals("layer 2: bias [0] is not finite (-Infinity)",
                refusal("{\"layers\": [{\"weights\": [[1]], \"bias\": [-Infinity], \"activation\": \"tanh\"}]}"));
        assertEquals("layer 2: unknown activation \"swish\" (known: sigmoid, tanh, relu, softplus, identity, leaky_relu, elu, silu, gelu, softmax)",
                refusal("{\"layers\": [{\"weights\": [[1]], \"bias\": [0], \"activation\": \"swish\"}]}"));
        assertEquals("layer 2: relu takes no alpha (only leaky_relu and elu do)",
                refusal("{\"layers\": [{\"weights\": [[1]], \"bias\": [0], \"activation\": \"relu\", \"alpha\": 0.1}]}"));
        assertEquals("layer 2: alpha must be a number (the string \"big\") (line 1, column 75)",
                refusal("{\"layers\": [{\"weights\": [[1]], \"bias\": [0], \"activation\": \"elu\", \"alpha\": \"big\"}]}"));
        assertEquals("layer 2: softmax is allowed on the output layer only (layer 3), not on a hidden layer",
                refusal("{\"layers\": [{\"weights\": [[1]], \"bias\": [0], \"activation\": \"softmax\"},"
                        + " {\"weights\": [[1]], \"bias\": [0], \"activation\": \"tanh\"}]}"));
    }

    @Test
    void sizeAndParserLimits() {
        assertEquals("the model file has 1073741825 bytes, more than the limit of 1073741824",
                assertThrows(InvalidModelException.class, () -> ModelReader.checkSize((1L << 30) + 1)).getMessage());
        assertEquals("the model file is empty",
                assertThrows(InvalidModelException.class, () -> ModelReader.checkSize(0)).getMessage());
        String deep = "{\"layers\": [{\"weights\": [[" + "1".repeat(500) + "]]}]}";
        String m = refusal(deep);
        org.junit.jupiter.api.Assertions.assertTrue(m.startsWith("the model file exceeds a parser limit: "), m);
    }
}
