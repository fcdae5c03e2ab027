package netsense.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import netsense.core.Activation;
import netsense.core.GradientKernel;
import netsense.core.InvalidModelException;
import netsense.core.Network;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * ONNX models exported by PyTorch and built as skl2onnx builds them
 * (src/test/python/make_onnx_fixtures.py), against PyTorch's own outputs and autograd input
 * gradients stored beside them: equal to 1e-12 relative (float32 models: PyTorch in float64 on
 * the same float32 weights). And the models netsense refuses, with their messages.
 */
public class OnnxReaderTest {
    static final Path DIR = Path.of("src/test/resources/onnx");

    public static Models.Loaded load(String name) throws IOException {
        Path file = DIR.resolve(name + ".onnx");
        return Models.read(Files.readAllBytes(file), (location, offset, length) -> {
            try (RandomAccessFile f = new RandomAccessFile(DIR.resolve(location).toFile(), "r")) {
                byte[] b = new byte[Math.toIntExact(length >= 0 ? length : f.length() - offset)];
                f.seek(offset);
                f.readFully(b);
                return b;
            }
        });
    }

    /** The largest error, relative to the largest |entry| of the expected vector it belongs to. */
    static double worst = 0;

    @ParameterizedTest
    @ValueSource(strings = {"torch_every_activation_f64", "torch_every_activation_f32", "torch_regressor_f64",
        "torch_classifier_f32_external", "sklearn_regressor", "sklearn_classifier", "newer_operators_f64"})
    void outputsAndGradientsEqualPyTorchs(String name) throws IOException {
        Models.Loaded m = load(name);
        assertEquals(Models.Format.ONNX, m.format());
        Network net = m.network();
        JsonNode want = new ObjectMapper().readTree(DIR.resolve(name + ".expected.json").toFile());
        JsonNode xs = want.get("inputs");
        int rows = xs.size();
        int n1 = net.inputWidth();
        double[] x = new double[rows * n1];
        for (int r = 0; r < rows; r++) {
            assertEquals(n1, xs.get(r).size(), name + ": input width");
            for (int j = 0; j < n1; j++) {
                x[r * n1 + j] = xs.get(r).get(j).asDouble();
            }
        }
        assertEquals(want.get("gradients").size(), net.outputWidth(), name + ": outputs");
        double worstHere = 0;
        for (int k = 0; k < net.outputWidth(); k++) {
            double[] y = new double[rows];
            double[] g = new double[rows * n1];
            new GradientKernel(net, k, rows).compute(x, 0, rows, y, 0, g, 0);
            for (int r = 0; r < rows; r++) {
                double wy = want.get("outputs").get(r).get(k).asDouble();
                double ey = Math.abs(y[r] - wy) / Math.abs(wy);
                assertTrue(ey <= 1e-12, name + " output " + k + " row " + r + ": " + y[r] + " vs " + wy);
                JsonNode wg = want.get("gradients").get(k).get(r);
                double scale = 0;
                for (int j = 0; j < n1; j++) {
                    scale = Math.max(scale, Math.abs(wg.get(j).asDouble()));
                }
                for (int j = 0; j < n1; j++) {
                    double e = Math.abs(g[r * n1 + j] - wg.get(j).asDouble()) / scale;
                    worstHere = Math.max(worstHere, Math.max(e, ey));
                    assertTrue(e <= 1e-12, name + " gradient " + k + " row " + r + ": "
                            + Arrays.toString(Arrays.copyOfRange(g, r * n1, r * n1 + n1)) + " vs " + wg);
                }
            }
        }
        worst = Math.max(worst, worstHere);
        System.out.printf("%s: %s, largest relative error against PyTorch %.2e%n", name, net, worstHere);
    }

    @Test
    void theChainIsReadAsExported() throws IOException {
        Network every = load("torch_every_activation_f64").network();
        assertEquals("[4,6,6,5,5,5,5,4,4,2]", every.shape());
        assertEquals(Arrays.asList(Activation.SIGMOID, Activation.TANH, Activation.RELU, Activation.LEAKY_RELU,
                Activation.ELU, Activation.SOFTPLUS, Activation.SILU, Activation.GELU, Activation.IDENTITY),
                Arrays.asList(every.activations()));
        assertEquals(0.2f, every.alpha(5), 0, "LeakyRelu's alpha, as the float attribute stores it");
        assertEquals(0.7f, every.alpha(6), 0);
        Network classifier = load("sklearn_classifier").network();
        assertEquals("[3,5,4]", classifier.shape());
        assertEquals(Activation.SOFTMAX, classifier.activation(3));
    }

    static String refusal(String name) {
        return assertThrows(InvalidModelException.class, () -> load(name)).getMessage();
    }

    @Test
    void unsupportedModelsAreRefusedNamingTheNode() throws IOException {
        String supported = OnnxReader.SUPPORTED;
        assertEquals("node 'conv1' (Conv) is not supported before the first layer: " + supported, refusal("bad_conv"));
        assertEquals("the ONNX graph branches at 'X': it is read by node 'left' (Gemm) and node 'right' (Gemm); "
                + supported, refusal("bad_branch"));
        assertEquals("node 'gemm' (Gemm): input 'W_missing' is neither a graph input, an initializer nor a Constant "
                + "(a missing initializer?)", refusal("bad_missing_initializer"));
        assertTrue(refusal("bad_truncated").startsWith("not a readable ONNX model (truncated or not ONNX"),
                refusal("bad_truncated"));
        byte[] half = Arrays.copyOf(Files.readAllBytes(DIR.resolve("torch_classifier_f32_external.onnx.data")), 100);
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> Models.read(
                Files.readAllBytes(DIR.resolve("torch_classifier_f32_external.onnx")),
                (location, offset, length) -> {
                    if (offset + length > half.length) {
                        throw new InvalidModelException("the external data file " + location + " is short");
                    }
                    return Arrays.copyOfRange(half, (int) offset, (int) (offset + length));
                }));
        assertTrue(e.getMessage().contains("is short"), e.getMessage());
        assertEquals("the model is neither netsense JSON nor ONNX (nor a Spark ML model folder)",
                assertThrows(InvalidModelException.class, () -> Models.read("hello".getBytes(), null)).getMessage());
    }
}
