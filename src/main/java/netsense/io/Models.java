package netsense.io;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import netsense.core.InvalidModelException;
import netsense.core.Network;

/**
 * A model file recognised by its content, not its name: JSON (the SPEC's format: an object,
 * so its first character is '{') or ONNX (a protobuf {@code ModelProto}). A Spark ML model is
 * a folder, read in {@code netsense.spark.ModelFiles}.
 */
public final class Models {
    /** The formats {@code --model} takes, as {@code jobs/model describe} names them. */
    public enum Format {
        JSON("netsense JSON"), ONNX("ONNX"), SPARK_ML("Spark ML MultilayerPerceptronClassificationModel");

        private final String label;

        Format(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** A network and the format it was read from. */
    public record Loaded(Network network, Format format) {}

    private Models() {}

    /** JSON or ONNX, by the first bytes; {@link InvalidModelException} for anything else. */
    public static Format detect(byte[] bytes) {
        int i = 0;
        if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb && (bytes[2] & 0xff) == 0xbf) {
            i = 3; // a UTF-8 byte order mark
        }
        while (i < bytes.length && Character.isWhitespace(bytes[i])) {
            i++;
        }
        if (i < bytes.length && (bytes[i] == '{' || bytes[i] == '[')) {
            return Format.JSON;
        }
        if (OnnxReader.looksLikeOnnx(bytes, bytes.length)) {
            return Format.ONNX;
        }
        throw new InvalidModelException("the model is neither netsense JSON nor ONNX (nor a Spark ML model folder)");
    }

    /** Reads a JSON or ONNX model from its bytes; ONNX external data through {@code external}. */
    public static Loaded read(byte[] bytes, OnnxReader.ExternalData external) throws IOException {
        ModelReader.checkSize(bytes.length);
        Format f = detect(bytes);
        Network net = f == Format.JSON ? ModelReader.read(new ByteArrayInputStream(bytes))
                : OnnxReader.read(bytes, external);
        return new Loaded(net, f);
    }
}
