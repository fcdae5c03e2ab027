#!/usr/bin/env python3
"""The PyTorch peer of netsense's kernel: per case, points of a [n1, ..., 1] tanh/sigmoid network
(float64) evaluated in batches through torch.autograd, the way Captum drives a model; plus the
float64 GEMM rate of the same BLAS. Prints one line per measurement:

    torch <case> <shape> threads=T evals_per_s=R
    dgemm threads=T gflops=G

A case is a function (layers, x) -> gradients of a batch of points; evals_per_s counts gradient
evaluations (points through forward and backward), so a method that evaluates k points per row
(integrated gradients with k steps, SmoothGrad with k samples) adds a case here and one of the
same name to netsense's KernelBenchmark, and the report pairs them by name.
"""
import argparse
import time

import torch


def network(widths, gen):
    layers = []
    for l in range(1, len(widths)):
        w = torch.randn(widths[l], widths[l - 1], generator=gen, dtype=torch.float64) / widths[l - 1] ** 0.5
        b = torch.zeros(widths[l], dtype=torch.float64)
        layers.append((w, b))
    return layers


def forward(layers, x):
    a = x
    for i, (w, b) in enumerate(layers):
        z = torch.addmm(b, a, w.t())
        a = torch.sigmoid(z) if i == len(layers) - 1 else torch.tanh(z)
    return a


def gradient(layers, x):
    """The plain input gradient of the output for each point of the batch."""
    x = x.detach().requires_grad_(True)
    (g,) = torch.autograd.grad(forward(layers, x).sum(), x)
    return g


def gauss_legendre(n):
    """Gauss-Legendre points and weights mapped to [0, 1], as Captum's approximation_methods."""
    import numpy
    t, w = numpy.polynomial.legendre.leggauss(n)
    return [float(a) for a in (t + 1) / 2], torch.tensor(w / 2, dtype=torch.float64)


def ig50(layers, x):
    """Integrated gradients as Captum computes them: the 50 path points of every row in one batch
    through autograd (zero baseline, Gauss-Legendre), then (x - x') times the weighted sum."""
    alphas, weights = gauss_legendre(50)
    baseline = torch.zeros_like(x)
    points = torch.cat([baseline + a * (x - baseline) for a in alphas]).requires_grad_(True)
    (g,) = torch.autograd.grad(forward(layers, points).sum(), points)
    g = g.view(len(alphas), x.shape[0], -1)
    return (g * weights.view(-1, 1, 1)).sum(0) * (x - baseline)


def smoothgrad20(layers, x):
    """SmoothGrad as Captum's NoiseTunnel: 20 noisy copies of every row (std 0.15) in one batch."""
    noise = torch.randn(20, *x.shape, dtype=torch.float64) * 0.15
    points = (x.unsqueeze(0) + noise).reshape(-1, x.shape[1]).requires_grad_(True)
    (g,) = torch.autograd.grad(forward(layers, points).sum(), points)
    return g.view(20, x.shape[0], -1).mean(0)


CASES = {"gradient": gradient, "ig50": ig50, "smoothgrad20": smoothgrad20}


def rate(fn, layers, x, seconds):
    fn(layers, x)
    n = 0
    start = time.perf_counter()
    while True:
        fn(layers, x)
        n += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return n * x.shape[0] / elapsed


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--shapes", default="2-2-3-1,16-32-32-1,100-256-256-1,784-512-512-1,1000-1000-1000-1000-1")
    p.add_argument("--cases", default=",".join(CASES))
    p.add_argument("--threads", default="1")
    p.add_argument("--seconds", type=float, default=2.0)
    p.add_argument("--rows", type=int, default=1024)
    args = p.parse_args()
    gen = torch.Generator().manual_seed(1)
    for threads in [int(t) for t in args.threads.split(",")]:
        torch.set_num_threads(threads)
        a = torch.randn(2048, 2048, dtype=torch.float64, generator=gen)
        b = torch.randn(2048, 2048, dtype=torch.float64, generator=gen)
        a @ b
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < args.seconds:
            a @ b
            n += 1
        print(f"dgemm threads={threads} gflops={2 * 2048 ** 3 * n / (time.perf_counter() - start) / 1e9:.2f}", flush=True)
        for shape in args.shapes.split(","):
            widths = [int(w) for w in shape.split("-")]
            layers = network(widths, gen)
            rows = args.rows if widths[0] < 500 else min(args.rows, 256)
            x = torch.rand(rows, widths[0], dtype=torch.float64, generator=gen)
            for case in args.cases.split(","):
                r = rate(CASES[case], layers, x, args.seconds)
                print(f"torch {case} [{shape.replace('-', ',')}] threads={threads} evals_per_s={r:.0f}", flush=True)


if __name__ == "__main__":
    main()
