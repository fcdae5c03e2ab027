#!/usr/bin/env python3
"""Side by side, from one run: netsense's kernel (JMH results, JSON) against the PyTorch peer
(bench/torch_gradient.py, run here at the same thread counts) and the float64 GEMM rate of the
same machine. Usage: kernel_report.py THREADS=JMH.json [THREADS=JMH.json ...]"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def weights(shape):
    w = [int(x) for x in shape.split(",")]
    return sum(w[i] * w[i - 1] for i in range(1, len(w)))


def netsense_rates(path):
    rates = {}
    for r in json.load(open(path)):
        p = r["params"]
        shape = p["shape"].replace("-", ",")
        rows = int(p["rows"])
        rates[shape] = r["primaryMetric"]["score"] * rows
    return rates


def torch_rates(threads):
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
    out = subprocess.run([sys.executable, os.path.join(HERE, "torch_gradient.py"), "--threads", str(threads)],
                         env=env, check=True, capture_output=True, text=True).stdout
    rates, dgemm = {}, None
    for line in out.splitlines():
        f = line.split()
        if f[0] == "dgemm":
            dgemm = float(f[2].split("=")[1])
        elif f[0] == "torch":
            shape = f[2].strip("[]")
            rate = float(f[4].split("=")[1])
            rates[shape] = max(rates.get(shape, 0.0), rate)  # the faster of autograd and manual
    return rates, dgemm


def main():
    print(f"{'shape':<24} {'threads':>7} {'netsense rows/s':>16} {'GFLOP/s':>8} {'% dgemm':>8} "
          f"{'torch rows/s':>13} {'ratio':>6}")
    for arg in sys.argv[1:]:
        threads, path = arg.split("=", 1)
        ours = netsense_rates(path)
        theirs, dgemm = torch_rates(int(threads))
        for shape, rate in ours.items():
            gflops = 4 * weights(shape) * rate / 1e9
            peer = theirs.get(shape)
            print(f"[{shape}]".ljust(24) + f" {threads:>7} {rate:>16,.0f} {gflops:>8.2f} {100 * gflops / dgemm:>7.0f}% "
                  f"{peer:>13,.0f} {rate / peer:>6.2f}")
        print(f"{'dgemm (OpenBLAS)':<24} {threads:>7} {'':>16} {dgemm:>8.2f}")


if __name__ == "__main__":
    main()
