package netsense.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import netsense.core.Activation;
import netsense.core.InvalidModelException;
import netsense.core.Network;

/**
 * Reads the model file of the SPEC into a {@link Network}:
 * <pre>{"layers": [{"weights": [[...], ...], "bias": [...], "activation": "sigmoid"}, ...]}</pre>
 * with an optional {@code "alpha"} for the activations that take one (leaky_relu, elu).
 *
 * <p>A streaming parse, so that a model of millions of weights costs its arrays and no tree.
 * Every fault is an {@link InvalidModelException} whose message names the layer (numbered as
 * in the paper: the first entry is layer 2) and what is wrong. NaN and Infinity tokens are
 * read as numbers so that they are refused by name ("not finite") rather than as bad JSON.
 */
public final class ModelReader {
    /** Model files above this size are refused before they are read. */
    public static final long MAX_BYTES = 1L << 30;

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(16)
                    .maxNumberLength(400)
                    .maxStringLength(10_000)
                    .maxDocumentLength(MAX_BYTES)
                    .build())
            .build();

    private ModelReader() {}

    /** Reads a model file from the local file system. */
    public static Network read(Path file) throws IOException {
        long size = Files.size(file);
        checkSize(size);
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        }
    }

    /** Refuses a model file of more than {@link #MAX_BYTES}. */
    public static void checkSize(long size) {
        if (size > MAX_BYTES) {
            throw new InvalidModelException("the model file has " + size + " bytes, more than the limit of "
                    + MAX_BYTES);
        }
        if (size == 0) {
            throw new InvalidModelException("the model file is empty");
        }
    }

    /** Reads a model from a stream (not closed here). */
    public static Network read(InputStream in) throws IOException {
        try (JsonParser p = JSON.createParser(in)) {
            List<Network.Layer> layers = null;
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidModelException("the model must be a JSON object with a \"layers\" array"
                        + at(p));
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                p.nextToken();
                if (!"layers".equals(key)) {
                    throw new InvalidModelException("unknown top-level key \"" + key + "\" (expected: layers)");
                }
                layers = readLayers(p);
            }
            if (p.nextToken() != null) {
                throw new InvalidModelException("unexpected content after the model object" + at(p));
            }
            if (layers == null) {
                throw new InvalidModelException("the model has no \"layers\" array");
            }
            return Network.of(layers);
        } catch (StreamConstraintsException e) {
            throw new InvalidModelException("the model file exceeds a parser limit: " + e.getOriginalMessage(), e);
        } catch (JsonParseException e) {
            throw new InvalidModelException("the model file is not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")",
                    e);
        }
    }

    private static List<Network.Layer> readLayers(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new InvalidModelException("\"layers\" must be an array of layer objects" + at(p));
        }
        List<Network.Layer> layers = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            layers.add(readLayer(p, "layer " + (layers.size() + 2)));
        }
        return layers;
    }

    private static Network.Layer readLayer(JsonParser p, String name) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new InvalidModelException(name + ": expected an object with \"weights\", \"bias\" and "
                    + "\"activation\"" + at(p));
        }
        double[][] weights = null;
        double[] bias = null;
        Activation activation = null;
        double alpha = Double.NaN;
        boolean hasAlpha = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            p.nextToken();
            switch (key) {
                case "weights" -> weights = readMatrix(p, name);
                case "bias" -> bias = readVector(p, name + ": bias");
                case "activation" -> {
                    if (p.currentToken() != JsonToken.VALUE_STRING) {
                        throw new InvalidModelException(name + ": activation must be a string" + at(p));
                    }
                    try {
                        activation = Activation.fromId(p.getText());
                    } catch (IllegalArgumentException e) {
                        throw new InvalidModelException(name + ": " + e.getMessage());
                    }
                }
                case "alpha" -> {
                    JsonToken t = p.currentToken();
                    if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
                        throw new InvalidModelException(name + ": alpha must be a number (" + describe(p) + ")"
                                + at(p));
                    }
                    alpha = p.getDoubleValue();
                    hasAlpha = true;
                }
                default -> throw new InvalidModelException(name + ": unknown key \"" + key
                        + "\" (expected: weights, bias, activation, alpha)");
            }
        }
        if (weights == null) {
            throw new InvalidModelException(name + ": missing \"weights\"");
        }
        if (bias == null) {
            throw new InvalidModelException(name + ": missing \"bias\"");
        }
        if (activation == null) {
            throw new InvalidModelException(name + ": missing \"activation\"");
        }
        return hasAlpha ? new Network.Layer(weights, bias, activation, alpha)
                : new Network.Layer(weights, bias, activation);
    }

    private static double[][] readMatrix(JsonParser p, String name) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new InvalidModelException(name + ": weights must be an array of rows" + at(p));
        }
        List<double[]> rows = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            rows.add(readVector(p, name + ": weights row " + rows.size()));
        }
        return rows.toArray(new double[0][]);
    }

    private static double[] readVector(JsonParser p, String what) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new InvalidModelException(what + " must be an array of numbers" + at(p));
        }
        double[] v = new double[16];
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
                throw new InvalidModelException(what + ": entry " + n + " is not a number (" + describe(p) + ")"
                        + at(p));
            }
            if (n == v.length) {
                v = Arrays.copyOf(v, 2 * n);
            }
            v[n++] = p.getDoubleValue();
        }
        return Arrays.copyOf(v, n);
    }

    private static String describe(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        return switch (t) {
            case VALUE_STRING -> "the string \"" + p.getText() + "\"";
            case VALUE_NULL -> "null";
            case VALUE_TRUE, VALUE_FALSE -> p.getText();
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            default -> t.asString() == null ? t.name() : t.asString();
        };
    }

    private static String at(JsonParser p) {
        var loc = p.currentTokenLocation();
        return " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
    }
}
