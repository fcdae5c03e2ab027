package netsense.io;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import netsense.core.Activation;
import netsense.core.InvalidModelException;
import netsense.core.Network;

/**
 * Reads an ONNX model ({@code ModelProto}, parsed by protobuf-java with the ONNX schema's
 * generated classes) that is a chain of dense layers into a {@link Network}:
 *
 * <ul>
 * <li>a layer is {@code Gemm} (transA = 0, transB 0 or 1, alpha, beta, optional C) or
 * {@code MatMul} with [in, out] weights, optionally followed by {@code Add} of a constant bias;
 * <li>each optionally followed by an activation: {@code Sigmoid}, {@code Tanh}, {@code Relu},
 * {@code LeakyRelu}, {@code Elu}, {@code Softplus} (also PyTorch's
 * {@code Where(x·β > threshold, x, Softplus(x·β)/β)} for β = 1), {@code Gelu} (approximate
 * "none") or the exporters' decomposition {@code x·(Erf(x/√2) + 1)·½}, SiLU as
 * {@code x·Sigmoid(x)}, {@code Softmax} on the last axis (last layer);
 * <li>{@code Identity}, {@code Cast}, {@code Flatten} and {@code Reshape} before the first and
 * after the last layer.
 * </ul>
 *
 * Only the nodes that the chosen output depends on count, so a classifier's label branch
 * (ArgMax ...) beside its probability output is ignored. Constants are initializers or
 * {@code Constant} nodes, FLOAT or DOUBLE, in {@code raw_data}, in the typed fields, or in
 * external data files (read through {@link ExternalData}). Values and attributes are taken
 * exactly as stored (a float widens to double exactly). Anything else is refused naming the
 * node, its operator and what is supported.
 */
public final class OnnxReader {
    /** Reads {@code length} bytes (−1: to the end) from {@code offset} of a file named relative to the model's folder. */
    @FunctionalInterface
    public interface ExternalData {
        byte[] read(String location, long offset, long length) throws IOException;
    }

    static final String SUPPORTED = "netsense reads a chain of dense layers (Gemm, or MatMul + Add), each "
            + "optionally followed by Sigmoid, Tanh, Relu, LeakyRelu, Elu, Softplus, Gelu (or its Erf form), "
            + "x·Sigmoid(x) or Softmax (last layer), with Identity, Cast, Flatten, Reshape at the input and output";

    private static final Set<String> PASS = Set.of("Identity", "Cast", "Flatten", "Reshape");
    private static final Set<String> DENSE = Set.of("Gemm", "MatMul");

    private final GraphProto graph;
    private final ExternalData external;
    private final Map<String, TensorProto> constants = new HashMap<>();
    private final Map<String, NodeProto> producer = new HashMap<>();
    private final Map<String, List<NodeProto>> consumers = new HashMap<>();
    private final Set<NodeProto> needed = new HashSet<>();

    private OnnxReader(GraphProto graph, ExternalData external) {
        this.graph = graph;
        this.external = external;
    }

    /** Whether these first bytes can start an ONNX model: field 1 (ir_version, varint) or another ModelProto field. */
    public static boolean looksLikeOnnx(byte[] head, int length) {
        return length >= 2 && (head[0] == 0x08 || head[0] == 0x12 || head[0] == 0x1a || head[0] == 0x3a
                || head[0] == 0x42);
    }

    /** Parses and converts a model; {@link InvalidModelException} for anything not supported or malformed. */
    public static Network read(byte[] model, ExternalData external) throws IOException {
        ModelProto proto;
        try {
            proto = ModelProto.parseFrom(model);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidModelException("not a readable ONNX model (truncated or not ONNX: " + e.getMessage()
                    + ")", e);
        }
        if (!proto.hasGraph() || proto.getGraph().getNodeCount() == 0) {
            throw new InvalidModelException("not a readable ONNX model (no graph; truncated or not ONNX)");
        }
        return new OnnxReader(proto.getGraph(), external).convert();
    }

    private Network convert() throws IOException {
        for (TensorProto t : graph.getInitializerList()) {
            constants.put(t.getName(), t);
        }
        for (NodeProto n : graph.getNodeList()) {
            for (String o : n.getOutputList()) {
                producer.put(o, n);
            }
            if (n.getOpType().equals("Constant")) {
                constants.put(n.getOutput(0), constantValue(n));
            }
        }
        String output = chooseOutput();
        slice(output);
        for (NodeProto n : graph.getNodeList()) {
            if (needed.contains(n)) {
                for (String i : n.getInputList()) {
                    consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
                }
            }
        }
        String t = chooseInput();
        // the input end: pass-through nodes up to the first layer
        List<Network.Layer> layers = new ArrayList<>();
        while (true) {
            NodeProto n = onlyConsumer(t, output);
            if (n == null) {
                throw new InvalidModelException("the output " + output + " is reached without a dense layer: " + SUPPORTED);
            }
            if (DENSE.contains(n.getOpType())) {
                break;
            }
            if (!PASS.contains(n.getOpType())) {
                throw unsupported(n, "before the first layer");
            }
            checkPassThrough(n);
            t = n.getOutput(0);
        }
        while (true) {
            NodeProto dense = onlyConsumer(t, output);
            Dense d = dense(dense);
            t = d.out;
            // the activation: every node from here up to the next dense node or the output
            List<NodeProto> region = new ArrayList<>();
            String exit = region(t, output, region);
            boolean last = exit.equals(output);
            Act act = activation(region, t, exit, last);
            layers.add(new Network.Layer(d.weights, d.bias, act.f, act.alpha));
            if (last) {
                return Network.of(layers);
            }
            t = exit;
        }
    }

    // ---- the graph's shape

    private String chooseOutput() {
        List<String> names = new ArrayList<>();
        for (ValueInfoProto v : graph.getOutputList()) {
            names.add(v.getName());
        }
        if (names.size() == 1) {
            return names.get(0);
        }
        for (String preferred : List.of("probabilities", "output_probability")) {
            if (names.contains(preferred)) {
                return preferred; // a classifier's probabilities (skl2onnx), not its label
            }
        }
        throw new InvalidModelException("the ONNX graph has " + names.size() + " outputs " + names
                + "; netsense takes one (or a classifier's \"probabilities\")");
    }

    /** The nodes the output depends on. */
    private void slice(String output) {
        List<String> todo = new ArrayList<>(List.of(output));
        while (!todo.isEmpty()) {
            NodeProto n = producer.get(todo.remove(todo.size() - 1));
            if (n != null && needed.add(n)) {
                todo.addAll(n.getInputList());
            }
        }
    }

    private String chooseInput() {
        Set<String> used = new LinkedHashSet<>();
        for (NodeProto n : needed) {
            for (String i : n.getInputList()) {
                if (!i.isEmpty() && !producer.containsKey(i) && !constants.containsKey(i)) {
                    used.add(i);
                }
            }
        }
        Set<String> declared = new HashSet<>();
        for (ValueInfoProto v : graph.getInputList()) {
            declared.add(v.getName());
        }
        for (String u : used) {
            if (!declared.contains(u)) {
                NodeProto n = null;
                for (NodeProto m : needed) {
                    if (m.getInputList().contains(u)) {
                        n = m;
                    }
                }
                throw new InvalidModelException(describe(n) + ": input '" + u + "' is neither a graph input, an "
                        + "initializer nor a Constant (a missing initializer?)");
            }
        }
        if (used.size() != 1) {
            throw new InvalidModelException("the ONNX graph has " + used.size() + " data inputs " + used
                    + "; netsense takes exactly one (the features)");
        }
        return used.iterator().next();
    }

    /** The one node that reads t (null at the output); a second reader is a branch. */
    private NodeProto onlyConsumer(String t, String output) {
        List<NodeProto> cs = consumers.getOrDefault(t, List.of());
        if (cs.size() > 1) {
            throw new InvalidModelException("the ONNX graph branches at '" + t + "': it is read by " + names(cs)
                    + "; " + SUPPORTED);
        }
        if (cs.isEmpty()) {
            if (!t.equals(output)) {
                throw new InvalidModelException("'" + t + "' leads nowhere; " + SUPPORTED);
            }
            return null;
        }
        return cs.get(0);
    }

    /**
     * Collects the nodes from t up to the next dense node or the output (not included) into
     * region; returns the tensor that leaves it (the next dense node's input, or the output).
     */
    private String region(String t, String output, List<NodeProto> region) {
        Set<String> inside = new HashSet<>(List.of(t));
        String exit = null;
        NodeProto next = null;
        for (NodeProto n : graph.getNodeList()) { // topological order, as ONNX requires
            if (!needed.contains(n)) {
                continue;
            }
            boolean reads = n.getInputList().stream().anyMatch(inside::contains);
            if (!reads) {
                continue;
            }
            if (DENSE.contains(n.getOpType())) {
                if (next != null) {
                    throw new InvalidModelException("the ONNX graph branches: " + describe(next) + " and "
                            + describe(n) + " both follow one layer; " + SUPPORTED);
                }
                next = n;
                exit = n.getInput(0);
                continue;
            }
            if (next != null) {
                throw unsupported(n, "after the next layer has begun");
            }
            region.add(n);
            inside.addAll(n.getOutputList());
        }
        if (next == null) {
            if (!inside.contains(output)) {
                throw new InvalidModelException("the output " + output + " is not reached by a chain; " + SUPPORTED);
            }
            return output;
        }
        if (!inside.contains(exit)) {
            throw unsupported(next, "(its input does not follow the previous layer)");
        }
        return exit;
    }

    // ---- dense layers

    private record Dense(double[][] weights, double[] bias, String out) {}

    private Dense dense(NodeProto n) throws IOException {
        if (n.getOpType().equals("Gemm")) {
            double alpha = floatAttr(n, "alpha", 1.0);
            double beta = floatAttr(n, "beta", 1.0);
            if (intAttr(n, "transA", 0) != 0) {
                throw unsupported(n, "with transA = 1");
            }
            boolean transB = intAttr(n, "transB", 0) != 0;
            double[][] w = matrix(n, n.getInput(1), transB, alpha);
            double[] b = n.getInputCount() > 2 && !n.getInput(2).isEmpty()
                    ? bias(n, n.getInput(2), w.length, beta) : new double[w.length];
            return new Dense(w, b, n.getOutput(0));
        }
        // MatMul: x·B with B [in, out]; then an Add of a constant bias, when there is one
        double[][] w = matrix(n, n.getInput(1), false, 1.0);
        String out = n.getOutput(0);
        List<NodeProto> next = consumers.getOrDefault(out, List.of());
        if (next.size() == 1 && next.get(0).getOpType().equals("Add")) {
            NodeProto add = next.get(0);
            String other = add.getInput(0).equals(out) ? add.getInput(1) : add.getInput(0);
            if (constants.containsKey(other)) {
                return new Dense(w, bias(add, other, w.length, 1.0), add.getOutput(0));
            }
        }
        return new Dense(w, new double[w.length], out);
    }

    /** W as netsense holds it, [out][in], times alpha: B is [out, in] when transposed, [in, out] otherwise. */
    private double[][] matrix(NodeProto n, String name, boolean transposed, double alpha) throws IOException {
        TensorProto t = constant(n, name);
        if (t.getDimsCount() != 2) {
            throw unsupported(n, "with a weight '" + name + "' of " + t.getDimsCount() + " dimensions (2 expected)");
        }
        int r = Math.toIntExact(t.getDims(0));
        int c = Math.toIntExact(t.getDims(1));
        double[] v = values(n, t, (long) r * c);
        int out = transposed ? r : c;
        int in = transposed ? c : r;
        double[][] w = new double[out][in];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                double x = alpha * v[i * c + j];
                if (transposed) {
                    w[i][j] = x;
                } else {
                    w[j][i] = x;
                }
            }
        }
        return w;
    }

    private double[] bias(NodeProto n, String name, int width, double beta) throws IOException {
        TensorProto t = constant(n, name);
        long count = 1;
        for (long d : t.getDimsList()) {
            count *= d;
        }
        double[] v = values(n, t, count);
        if (v.length != width && v.length != 1) {
            throw unsupported(n, "with a bias '" + name + "' of " + v.length + " entries (" + width + " expected)");
        }
        double[] b = new double[width];
        for (int i = 0; i < width; i++) {
            b[i] = beta * v[v.length == 1 ? 0 : i];
        }
        return b;
    }

    // ---- activations

    private record Act(Activation f, double alpha) {}

    private Act activation(List<NodeProto> region, String in, String exit, boolean last) {
        List<NodeProto> core = new ArrayList<>();
        for (NodeProto n : region) {
            if (PASS.contains(n.getOpType())) {
                if (!last) {
                    throw unsupported(n, "between two layers (only at the input and the output)");
                }
                checkPassThrough(n);
            } else {
                core.add(n);
            }
        }
        List<String> ops = new ArrayList<>();
        for (NodeProto n : core) {
            ops.add(n.getOpType());
        }
        List<String> sorted = new ArrayList<>(ops);
        java.util.Collections.sort(sorted);
        if (core.isEmpty()) {
            return new Act(Activation.IDENTITY, Double.NaN);
        }
        if (core.size() == 1) {
            NodeProto n = core.get(0);
            switch (n.getOpType()) {
                case "Sigmoid": return new Act(Activation.SIGMOID, Double.NaN);
                case "Tanh": return new Act(Activation.TANH, Double.NaN);
                case "Relu": return new Act(Activation.RELU, Double.NaN);
                case "Softplus": return new Act(Activation.SOFTPLUS, Double.NaN);
                case "LeakyRelu": return new Act(Activation.LEAKY_RELU, floatAttr(n, "alpha", 0.01f));
                case "Elu": return new Act(Activation.ELU, floatAttr(n, "alpha", 1.0f));
                case "Gelu": {
                    String approximate = stringAttr(n, "approximate", "none");
                    if (!approximate.equals("none")) {
                        throw unsupported(n, "with approximate = \"" + approximate + "\" (only the exact \"none\")");
                    }
                    return new Act(Activation.GELU, Double.NaN);
                }
                case "Softmax": {
                    long axis = intAttr(n, "axis", -1);
                    if (axis != -1 && axis != 1) {
                        throw unsupported(n, "on axis " + axis + " (only the last axis of [N, n])");
                    }
                    return new Act(Activation.SOFTMAX, Double.NaN);
                }
                default: throw unsupported(n, "as an activation");
            }
        }
        if (sorted.equals(List.of("Mul", "Sigmoid"))) {
            NodeProto mul = core.get(ops.indexOf("Mul"));
            NodeProto sig = core.get(ops.indexOf("Sigmoid"));
            if (sig.getInput(0).equals(in) && mul.getInputList().contains(in)
                    && mul.getInputList().contains(sig.getOutput(0))) {
                return new Act(Activation.SILU, Double.NaN);
            }
        }
        if (sorted.equals(List.of("Add", "Div", "Erf", "Mul", "Mul")) || sorted.equals(List.of("Add", "Erf", "Mul",
                "Mul", "Mul"))) {
            return gelu(core, in);
        }
        if (sorted.equals(List.of("Div", "Greater", "Mul", "Softplus", "Where"))
                || sorted.equals(List.of("Greater", "Softplus", "Where"))) {
            return softplusWhere(core, in);
        }
        throw unsupported(core.get(0), "in the activation " + ops + " after a layer");
    }

    /** x·(Erf(x/√2) + 1)·½ (or x·(1/√2) inside), as PyTorch and TensorFlow export the exact GELU. */
    private Act gelu(List<NodeProto> core, String in) {
        for (NodeProto n : core) {
            String op = n.getOpType();
            if (op.equals("Div") && !near(scalarOperand(n, in, core), Math.sqrt(2))) {
                throw unsupported(n, "in a GELU form that does not divide by √2");
            }
            if (op.equals("Add") && !near(scalarOperand(n, in, core), 1.0)) {
                throw unsupported(n, "in a GELU form that does not add 1");
            }
        }
        int halves = 0;
        for (NodeProto n : core) {
            if (n.getOpType().equals("Mul")) {
                Double c = maybeScalar(n);
                if (c != null && near(c, 0.5)) {
                    halves++;
                } else if (c != null && !near(c, Math.sqrt(0.5))) {
                    throw unsupported(n, "in a GELU form with a factor " + c);
                }
            }
        }
        if (halves != 1) {
            throw unsupported(core.get(0), "in a GELU form without its factor ½");
        }
        return new Act(Activation.GELU, Double.NaN);
    }

    /** Where(x·β > threshold, x, Softplus(x·β)/β) with β = 1: softplus, up to e^−threshold past the threshold. */
    private Act softplusWhere(List<NodeProto> core, String in) {
        for (NodeProto n : core) {
            if ((n.getOpType().equals("Mul") || n.getOpType().equals("Div")) && !near(scalarOperand(n, in, core), 1.0)) {
                throw unsupported(n, "in a Softplus with β ≠ 1 (only β = 1 is supported)");
            }
        }
        return new Act(Activation.SOFTPLUS, Double.NaN);
    }

    private static boolean near(double a, double b) {
        return Math.abs(a - b) <= 1e-6 * Math.abs(b); // float32 constants of an exporter
    }

    private double scalarOperand(NodeProto n, String in, List<NodeProto> core) {
        Double c = maybeScalar(n);
        if (c == null) {
            throw unsupported(n, "with no constant operand");
        }
        return c;
    }

    private Double maybeScalar(NodeProto n) {
        for (String i : n.getInputList()) {
            TensorProto t = constants.get(i);
            if (t != null) {
                try {
                    double[] v = values(n, t, -1);
                    if (v.length == 1) {
                        return v[0];
                    }
                } catch (IOException e) {
                    throw new InvalidModelException(describe(n) + ": " + e.getMessage(), e);
                }
            }
        }
        return null;
    }

    private void checkPassThrough(NodeProto n) {
        if (n.getOpType().equals("Cast")) {
            long to = intAttr(n, "to", TensorProto.DataType.FLOAT_VALUE);
            if (to != TensorProto.DataType.FLOAT_VALUE && to != TensorProto.DataType.DOUBLE_VALUE) {
                throw unsupported(n, "to type " + to + " (only to float or double)");
            }
        }
        if (n.getOpType().equals("Reshape") && n.getInputCount() > 1 && constants.containsKey(n.getInput(1))) {
            TensorProto shape = constants.get(n.getInput(1));
            if (shape.getDimsCount() != 1 || shape.getDims(0) != 2) {
                throw unsupported(n, "to a shape of " + (shape.getDimsCount() == 1 ? shape.getDims(0) : "?")
                        + " dimensions (only to [N, n])");
            }
        }
        if (n.getOpType().equals("Flatten") && intAttr(n, "axis", 1) != 1) {
            throw unsupported(n, "with axis " + intAttr(n, "axis", 1) + " (only 1: [N, n])");
        }
    }

    // ---- tensors

    private TensorProto constant(NodeProto n, String name) {
        TensorProto t = constants.get(name);
        if (t == null) {
            throw new InvalidModelException(describe(n) + ": its weight '" + name + "' is neither an initializer nor "
                    + "a Constant (a missing initializer?); netsense needs every weight stored in the model");
        }
        return t;
    }

    private TensorProto constantValue(NodeProto n) {
        for (AttributeProto a : n.getAttributeList()) {
            switch (a.getName()) {
                case "value": return a.getT();
                case "value_float": return TensorProto.newBuilder().setDataType(TensorProto.DataType.FLOAT_VALUE)
                        .addFloatData(a.getF()).build();
                default: break;
            }
        }
        return TensorProto.newBuilder().setDataType(TensorProto.DataType.UNDEFINED_VALUE).build();
    }

    /** The tensor's values as doubles (floats widened exactly); count −1: whatever it holds. */
    private double[] values(NodeProto n, TensorProto t, long count) throws IOException {
        int type = t.getDataType();
        boolean isFloat = type == TensorProto.DataType.FLOAT_VALUE;
        if (!isFloat && type != TensorProto.DataType.DOUBLE_VALUE) {
            throw new InvalidModelException(describe(n) + ": tensor '" + t.getName() + "' is of ONNX type "
                    + TensorProto.DataType.forNumber(type) + " (only FLOAT and DOUBLE are supported)");
        }
        ByteString raw = t.getRawData();
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            raw = ByteString.copyFrom(externalBytes(n, t));
        }
        double[] v;
        if (!raw.isEmpty()) {
            ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            int size = isFloat ? 4 : 8;
            if (raw.size() % size != 0) {
                throw new InvalidModelException(describe(n) + ": tensor '" + t.getName() + "' has " + raw.size()
                        + " bytes, not a whole number of values");
            }
            v = new double[raw.size() / size];
            for (int i = 0; i < v.length; i++) {
                v[i] = isFloat ? b.getFloat() : b.getDouble();
            }
        } else if (isFloat) {
            v = new double[t.getFloatDataCount()];
            for (int i = 0; i < v.length; i++) {
                v[i] = t.getFloatData(i);
            }
        } else {
            v = new double[t.getDoubleDataCount()];
            for (int i = 0; i < v.length; i++) {
                v[i] = t.getDoubleData(i);
            }
        }
        if (count >= 0 && v.length != count) {
            throw new InvalidModelException(describe(n) + ": tensor '" + t.getName() + "' holds " + v.length
                    + " values, its dimensions " + t.getDimsList() + " say " + count);
        }
        return v;
    }

    private byte[] externalBytes(NodeProto n, TensorProto t) throws IOException {
        String location = null;
        long offset = 0;
        long length = -1;
        for (StringStringEntryProto e : t.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offset = Long.parseLong(e.getValue());
                case "length" -> length = Long.parseLong(e.getValue());
                default -> { }
            }
        }
        if (location == null || location.isEmpty() || location.startsWith("/") || location.contains("..")) {
            throw new InvalidModelException(describe(n) + ": tensor '" + t.getName() + "' is stored externally at \""
                    + location + "\"; netsense reads external data from files beside the model only");
        }
        if (external == null) {
            throw new InvalidModelException(describe(n) + ": tensor '" + t.getName() + "' is stored in the external "
                    + "file " + location + ", which cannot be read here");
        }
        try {
            return external.read(location, offset, length);
        } catch (java.io.FileNotFoundException | java.nio.file.NoSuchFileException e) {
            throw new InvalidModelException(describe(n) + ": tensor '" + t.getName() + "' is stored in the external "
                    + "file " + location + ", which is missing (keep it beside the model)", e);
        }
    }

    // ---- attributes and messages

    private static double floatAttr(NodeProto n, String name, double dflt) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getF();
            }
        }
        return dflt;
    }

    private static long intAttr(NodeProto n, String name, long dflt) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getI();
            }
        }
        return dflt;
    }

    private static String stringAttr(NodeProto n, String name, String dflt) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getS().toStringUtf8();
            }
        }
        return dflt;
    }

    static String describe(NodeProto n) {
        if (n == null) {
            return "a node";
        }
        return "node '" + (n.getName().isEmpty() ? n.getOutput(0) : n.getName()) + "' (" + n.getOpType() + ")";
    }

    private static String names(List<NodeProto> nodes) {
        List<String> s = new ArrayList<>();
        for (NodeProto n : nodes) {
            s.add(describe(n));
        }
        return String.join(" and ", s);
    }

    private static InvalidModelException unsupported(NodeProto n, String where) {
        return new InvalidModelException(describe(n) + " is not supported " + where + ": " + SUPPORTED);
    }
}
