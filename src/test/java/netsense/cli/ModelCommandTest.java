package netsense.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import netsense.core.Network;
import netsense.io.ModelReader;
import netsense.io.OnnxReaderTest;
import netsense.spark.SparkTestBase;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** {@code model describe|convert}, and models of every format given to {@code gradients --model}. */
class ModelCommandTest extends SparkTestBase {
    static final Path ONNX = Path.of("src/test/resources/onnx");

    @Test
    void describeNamesShapeActivationsParametersAndFormat() {
        CliTest.Run r = CliTest.run("model", "describe", ONNX.resolve("torch_every_activation_f32.onnx").toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("format       ONNX\n"), r.out());
        assertTrue(r.out().contains("shape        [4,6,6,5,5,5,5,4,4,2]\n"), r.out());
        assertTrue(r.out().contains("activations  sigmoid, tanh, relu, leaky_relu(alpha=0.20000000298023224), "
                + "elu(alpha=0.699999988079071), softplus, silu, gelu, identity\n"), r.out());
        // 4·6+6 + 6·6+6 + 6·5+5 + 3·(5·5+5) + 5·4+4 + 4·4+4 + 4·2+2
        assertTrue(r.out().contains("parameters   " + (30 + 42 + 35 + 3 * 30 + 24 + 20 + 10) + "\n"), r.out());
        CliTest.Run json = CliTest.run("model", "describe", "src/main/resources/examples/higham-2-2-3-1.json");
        assertEquals(0, json.status(), json.err());
        assertTrue(json.out().contains("format       netsense JSON\n"), json.out());
    }

    @Test
    void convertWritesJsonThatReadsBackTheSameNetwork() throws Exception {
        Path out = tmp.resolve("c.json");
        CliTest.Run r = CliTest.run("model", "convert", ONNX.resolve("sklearn_classifier.onnx").toString(), "--to",
                out.toString());
        assertEquals(0, r.status(), r.err());
        Network back = ModelReader.read(out);
        Network onnx = OnnxReaderTestAccess.load("sklearn_classifier");
        assertEquals(onnx.toString(), back.toString());
        for (int l = 2; l <= onnx.depth(); l++) {
            for (int i = 0; i < onnx.width(l); i++) {
                assertEquals(onnx.bias(l, i), back.bias(l, i), 0);
                for (int j = 0; j < onnx.width(l - 1); j++) {
                    assertEquals(onnx.weight(l, i, j), back.weight(l, i, j), 0);
                }
            }
        }
        CliTest.Run again = CliTest.run("model", "convert", ONNX.resolve("sklearn_classifier.onnx").toString(),
                "--to", out.toString());
        assertEquals(2, again.status());
        assertEquals("netsense model convert: --to " + out + " exists; add --overwrite to replace it\n", again.err());
    }

    /** A user's ONNX classifier runs unchanged; bad models stop the job with exit 2 and one line. */
    @Test
    void gradientsTakeOnnxAndRefuseBadModelsWithExit2() throws Exception {
        StructType schema = new StructType().add("id", DataTypes.LongType)
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType, false));
        List<Row> rows = new ArrayList<>();
        for (long i = 0; i < 20; i++) {
            rows.add(RowFactory.create(i, new double[] {i / 20.0, 1 - i / 20.0, 0.5}));
        }
        Path input = parquet("in", rows, schema, 2);
        CliTest.Run ok = CliTest.run("gradients", "--model", ONNX.resolve("sklearn_classifier.onnx").toString(),
                "--input", input.toString(), "--output", tmp.resolve("ok").toString(), "--output-index", "2");
        assertEquals(0, ok.status(), ok.err());
        assertTrue(Files.exists(tmp.resolve("ok").resolve("summary.json")));
        String[][] bad = {
            {"bad_conv.onnx", "node 'conv1' (Conv) is not supported before the first layer: "},
            {"bad_branch.onnx", "the ONNX graph branches at 'X': it is read by node 'left' (Gemm) and node 'right' "
                + "(Gemm); "},
            {"bad_missing_initializer.onnx", "node 'gemm' (Gemm): input 'W_missing' is neither a graph input, an "
                + "initializer nor a Constant (a missing initializer?)"},
            {"bad_truncated.onnx", "not a readable ONNX model (truncated or not ONNX"},
        };
        for (String[] b : bad) {
            String model = ONNX.resolve(b[0]).toString();
            Path out = tmp.resolve("bad-" + b[0]);
            CliTest.Run r = CliTest.run("gradients", "--model", model, "--input", input.toString(), "--output",
                    out.toString());
            assertEquals(2, r.status(), b[0] + ": " + r.err());
            assertTrue(r.err().startsWith("netsense gradients: model " + model + ": " + b[1]), r.err());
            assertEquals(1, r.err().lines().count(), "one line: " + r.err());
            assertFalse(Files.exists(out), "nothing written");
        }
    }

    /** OnnxReaderTest's loader, from this package. */
    static final class OnnxReaderTestAccess {
        static Network load(String name) throws Exception {
            return OnnxReaderTest.load(name).network();
        }
    }
}
