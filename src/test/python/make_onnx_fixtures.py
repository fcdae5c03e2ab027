#!/usr/bin/env python3
"""Makes the ONNX fixtures of src/test/resources/onnx/ (committed; the tests do not need Python).

Each model NAME.onnx gets NAME.expected.json beside it: fixed inputs, and PyTorch's outputs and
autograd input gradients for every output k, computed in float64 (for float32 models, on the
same float32-rounded weights). Needs Debian's python3-torch and python3-onnx:

    apt-get install -y python3-torch python3-onnx
    /usr/bin/python3 src/test/python/make_onnx_fixtures.py
"""
import json
import os

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "onnx")
ROWS = 5


def inputs(n1, seed):
    return np.random.default_rng(seed).normal(size=(ROWS, n1))


def expected(name, fn, x):
    """fn: float64 torch function of a [ROWS, n1] tensor; writes outputs and d out_k / d x for each k."""
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    y = fn(xt)
    grads = []
    for k in range(y.shape[1]):
        (g,) = torch.autograd.grad(y[:, k].sum(), xt, retain_graph=True)
        grads.append(g.tolist())
    with open(os.path.join(OUT, name + ".expected.json"), "w") as f:
        json.dump({"inputs": x.tolist(), "outputs": y.detach().tolist(), "gradients": grads}, f)
        f.write("\n")


def export(name, model, n1, dtype, external=False):
    model = model.to(dtype).eval()
    path = os.path.join(OUT, name + ".onnx")
    dummy = torch.zeros(2, n1, dtype=dtype)
    torch.onnx.export(model, dummy, path, input_names=["x"], output_names=["y"],
                      dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}}, opset_version=17)
    if external:
        m = onnx.load(path)
        onnx.save_model(m, path, save_as_external_data=True, all_tensors_to_one_file=True,
                        location=name + ".onnx.data", size_threshold=0)
    # the reference: the same (possibly float32-rounded) weights, in float64
    reference = model.double()
    expected(name, reference, inputs(n1, sum(name.encode())))


def torch_fixtures():
    torch.manual_seed(12)
    nn = torch.nn
    # ONNX stores LeakyRelu's and Elu's alpha as a float attribute: the module gets that float, so
    # that the reference computes what the file says
    f32 = lambda v: float(np.float32(v))
    every = nn.Sequential(
        nn.Linear(4, 6), nn.Sigmoid(), nn.Linear(6, 6), nn.Tanh(), nn.Linear(6, 5), nn.ReLU(),
        nn.Linear(5, 5), nn.LeakyReLU(f32(0.2)), nn.Linear(5, 5), nn.ELU(f32(0.7)), nn.Linear(5, 5), nn.Softplus(),
        nn.Linear(5, 4), nn.SiLU(), nn.Linear(4, 4), nn.GELU(), nn.Linear(4, 2))
    export("torch_every_activation_f64", every, 4, torch.float64)
    export("torch_every_activation_f32", every, 4, torch.float32)
    classifier = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 3), nn.Softmax(dim=1))
    export("torch_classifier_f32_external", classifier, 5, torch.float32, external=True)
    regressor = nn.Sequential(nn.Flatten(), nn.Linear(3, 7), nn.GELU(), nn.Linear(7, 1))
    export("torch_regressor_f64", regressor, 3, torch.float64)


# ---- hand-built graphs: skl2onnx's MatMul [in, out] + Add form, and operators that newer exporters write


def init(name, a, typed=False):
    """An initializer: raw_data, or with typed=True the float_data / double_data fields."""
    if not typed:
        return numpy_helper.from_array(a, name)
    kind = TensorProto.DOUBLE if a.dtype == np.float64 else TensorProto.FLOAT
    return helper.make_tensor(name, kind, a.shape, a.flatten().tolist())


def save(name, nodes, inits, n1, outputs, elem=TensorProto.FLOAT, opset=17, check=True):
    x = helper.make_tensor_value_info("X", elem, ["N", n1])
    graph = helper.make_graph(nodes, name, [x], outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="netsense-fixtures")
    if check:  # (Debian's onnx 1.12 knows opsets up to 17: Gelu, of opset 20, is left unchecked)
        onnx.checker.check_model(model)
    onnx.save(model, os.path.join(OUT, name + ".onnx"))


def sklearn_like():
    rng = np.random.default_rng(5)
    f = np.float32
    # MLPRegressor: X·W1 + b1, relu, ·W2 + b2, Reshape(-1, 1)
    w1, b1 = rng.normal(size=(4, 6)).astype(f), rng.normal(size=6).astype(f)
    w2, b2 = rng.normal(size=(6, 1)).astype(f), rng.normal(size=1).astype(f)
    nodes = [
        helper.make_node("Cast", ["X"], ["xc"], to=TensorProto.FLOAT, name="cast_in"),
        helper.make_node("MatMul", ["xc", "coefficient"], ["mul_result"], name="MatMul"),
        helper.make_node("Add", ["mul_result", "intercepts"], ["add_result"], name="Add"),
        helper.make_node("Relu", ["add_result"], ["next_activations"], name="Relu"),
        helper.make_node("MatMul", ["next_activations", "coefficient1"], ["mul_result1"], name="MatMul1"),
        helper.make_node("Add", ["mul_result1", "intercepts1"], ["add_result1"], name="Add1"),
        helper.make_node("Reshape", ["add_result1", "shape_tensor"], ["variable"], name="Reshape"),
    ]
    inits = [init("coefficient", w1), init("intercepts", b1, typed=True), init("coefficient1", w2),
             init("intercepts1", b2), numpy_helper.from_array(np.array([-1, 1], dtype=np.int64), "shape_tensor")]
    save("sklearn_regressor", nodes, inits, 4, [helper.make_tensor_value_info("variable", TensorProto.FLOAT, [None, 1])])
    d = lambda a: torch.tensor(a.astype(np.float64))
    expected("sklearn_regressor",
             lambda x: torch.relu(x @ d(w1) + d(b1)) @ d(w2) + d(b2), inputs(4, 1))

    # MLPClassifier: tanh hidden layer, softmax probabilities, and the label by ArgMax
    w1, b1 = rng.normal(size=(3, 5)).astype(f), rng.normal(size=5).astype(f)
    w2, b2 = rng.normal(size=(5, 4)).astype(f), rng.normal(size=4).astype(f)
    nodes = [
        helper.make_node("MatMul", ["X", "coefficient"], ["mul_result"], name="MatMul"),
        helper.make_node("Add", ["mul_result", "intercepts"], ["add_result"], name="Add"),
        helper.make_node("Tanh", ["add_result"], ["next_activations"], name="Tanh"),
        helper.make_node("MatMul", ["next_activations", "coefficient1"], ["mul_result1"], name="MatMul1"),
        helper.make_node("Add", ["mul_result1", "intercepts1"], ["add_result1"], name="Add1"),
        helper.make_node("Softmax", ["add_result1"], ["probabilities"], axis=-1, name="Softmax"),
        helper.make_node("ArgMax", ["probabilities"], ["argmax"], axis=1, name="ArgMax"),
        helper.make_node("Cast", ["argmax"], ["label"], to=TensorProto.INT64, name="Cast"),
    ]
    inits = [init("coefficient", w1), init("intercepts", b1), init("coefficient1", w2), init("intercepts1", b2)]
    save("sklearn_classifier", nodes, inits, 3,
         [helper.make_tensor_value_info("label", TensorProto.INT64, [None, 1]),
          helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [None, 4])])
    expected("sklearn_classifier",
             lambda x: torch.softmax(torch.tanh(x @ d(w1) + d(b1)) @ d(w2) + d(b2), dim=1), inputs(3, 2))


def newer_operators():
    """Float64, typed fields: Gemm with alpha, beta and transB = 0, the Gelu operator (opset 20),
    and PyTorch's Where form of Softplus: Where(x·β > threshold, x, Softplus(x·β)/β) with β = 1."""
    rng = np.random.default_rng(6)
    w1, b1 = rng.normal(size=(3, 4)), rng.normal(size=4)     # Gemm transB = 0: [in, out]
    w2, b2 = rng.normal(size=(5, 4)), rng.normal(size=5)     # transB = 1: [out, in]
    w3, b3 = rng.normal(size=(2, 5)), rng.normal(size=2)
    nodes = [
        helper.make_node("Identity", ["X"], ["x1"], name="identity_in"),
        helper.make_node("Flatten", ["x1"], ["x2"], axis=1, name="flatten_in"),
        helper.make_node("Gemm", ["x2", "W1", "B1"], ["z1"], alpha=0.5, beta=2.0, name="gemm1"),
        helper.make_node("Gelu", ["z1"], ["a1"], name="gelu1"),
        helper.make_node("Gemm", ["a1", "W2", "B2"], ["z2"], transB=1, name="gemm2"),
        helper.make_node("Mul", ["z2", "beta"], ["zb"], name="softplus_mul"),
        helper.make_node("Softplus", ["zb"], ["sp"], name="softplus"),
        helper.make_node("Div", ["sp", "beta"], ["spb"], name="softplus_div"),
        helper.make_node("Greater", ["zb", "threshold"], ["big"], name="softplus_greater"),
        helper.make_node("Where", ["big", "z2", "spb"], ["a2"], name="softplus_where"),
        helper.make_node("Gemm", ["a2", "W3", "B3"], ["y"], transB=1, name="gemm3"),
    ]
    inits = [init("W1", w1, True), init("B1", b1, True), init("W2", w2), init("B2", b2, True), init("W3", w3, True),
             init("B3", b3), init("beta", np.array(1.0)), init("threshold", np.array(20.0))]
    save("newer_operators_f64", nodes, inits, 3, [helper.make_tensor_value_info("y", TensorProto.DOUBLE, [None, 2])],
         elem=TensorProto.DOUBLE, opset=20, check=False)
    t = lambda a: torch.tensor(a)
    nnf = torch.nn.functional
    expected("newer_operators_f64",
             lambda x: nnf.linear(nnf.softplus(nnf.linear(nnf.gelu(0.5 * (x @ t(w1)) + 2.0 * t(b1)), t(w2), t(b2))),
                                  t(w3), t(b3)), inputs(3, 3))


def bad_models():
    rng = np.random.default_rng(7)
    f = np.float32
    w = init("W", rng.normal(size=(2, 3)).astype(f))
    b = init("B", rng.normal(size=2).astype(f))
    out = [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 2])]
    # a convolution
    x4 = helper.make_tensor_value_info("X", TensorProto.FLOAT, ["N", 1, 3, 3])
    conv = helper.make_graph([helper.make_node("Conv", ["X", "K"], ["c"], name="conv1"),
                              helper.make_node("Flatten", ["c"], ["f"], name="flat"),
                              helper.make_node("Gemm", ["f", "W", "B"], ["y"], transB=1, name="gemm")],
                             "conv", [x4], out, [init("K", rng.normal(size=(1, 1, 1, 1)).astype(f)), w, b])
    onnx.save(helper.make_model(conv, opset_imports=[helper.make_opsetid("", 17)]), os.path.join(OUT, "bad_conv.onnx"))
    # a branch: the input feeds two layers whose results are added
    nodes = [helper.make_node("Gemm", ["X", "W", "B"], ["p"], transB=1, name="left"),
             helper.make_node("Gemm", ["X", "W", "B"], ["q"], transB=1, name="right"),
             helper.make_node("Add", ["p", "q"], ["y"], name="join")]
    save("bad_branch", nodes, [w, b], 3, out)
    # a weight that is neither an initializer nor a Constant
    graph = helper.make_graph([helper.make_node("Gemm", ["X", "W_missing", "B"], ["y"], transB=1, name="gemm")],
                              "missing", [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["N", 3])], out, [b])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]),
              os.path.join(OUT, "bad_missing_initializer.onnx"))
    # a truncated file: the first half of a good one
    with open(os.path.join(OUT, "sklearn_regressor.onnx"), "rb") as good:
        data = good.read()
    with open(os.path.join(OUT, "bad_truncated.onnx"), "wb") as bad:
        bad.write(data[: len(data) // 2])


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    torch_fixtures()
    sklearn_like()
    newer_operators()
    bad_models()
