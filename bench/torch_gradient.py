#!/usr/bin/env python3
"""The PyTorch peer of netsense's kernel: input gradients of a [n1, ..., 1] tanh/sigmoid network,
float64, on blocks of rows, by autograd and by a hand-written backward in torch; plus the float64
GEMM rate of the same BLAS. Prints one line per measurement:

    torch <method> <shape> threads=T rows_per_s=R
    dgemm threads=T gflops=G
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


def autograd(layers, x):
    x = x.detach().requires_grad_(True)
    a = x
    for i, (w, b) in enumerate(layers):
        z = torch.addmm(b, a, w.t())
        a = torch.sigmoid(z) if i == len(layers) - 1 else torch.tanh(z)
    a.sum().backward()
    return x.grad


def manual(layers, x):
    a = x
    slopes = []
    for i, (w, b) in enumerate(layers):
        z = torch.addmm(b, a, w.t())
        if i == len(layers) - 1:
            a = torch.sigmoid(z)
            slopes.append(a * (1 - a))
        else:
            a = torch.tanh(z)
            slopes.append(1 - a * a)
    g = slopes[-1]
    for i in range(len(layers) - 1, -1, -1):
        g = g @ layers[i][0]
        if i > 0:
            g = g * slopes[i - 1]
    return g


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
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--shapes", default="2-2-3-1,16-32-32-1,100-256-256-1,784-512-512-1,1000-1000-1000-1000-1")
    p.add_argument("--threads", default="1,2")
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
            for name, fn in (("autograd", autograd), ("manual", manual)):
                r = rate(fn, layers, x, args.seconds)
                print(f"torch {name} [{shape.replace('-', ',')}] threads={threads} rows_per_s={r:.0f}", flush=True)


if __name__ == "__main__":
    main()
