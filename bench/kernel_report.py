#!/usr/bin/env python3
"""Side by side, from one run: netsense's kernel (JMH results, JSON, one file per thread count)
against the PyTorch peer (bench/torch_gradient.py, run here on one thread) and the float64 GEMM
rate of the same machine, per shape and case. Usage: kernel_report.py THREADS=JMH.json ..."""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


# gradient evaluations a row costs netsense per case: ig50's 50 path points and x, x' (for delta);
# smoothgrad20's 20 noisy copies and x. Rates are rows/s for every case (for gradient, evaluations/s).
EVALS = {"gradient": 1, "ig50": 52, "smoothgrad20": 21}


def weights(shape):
    w = [int(x) for x in shape.split(",")]
    return sum(w[i] * w[i - 1] for i in range(1, len(w)))


def netsense_rates(path):
    """(shape, case) -> (evaluations/s, ± error) from a JMH JSON file."""
    rates = {}
    for r in json.load(open(path)):
        p = r["params"]
        shape = p["shape"].replace("-", ",")
        rows = int(p["rows"])
        m = r["primaryMetric"]
        rates[(shape, p.get("method", "gradient"))] = (m["score"] * rows, m["scoreError"] * rows)
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
            rates[(f[2].strip("[]"), f[1])] = float(f[4].split("=")[1])
    return rates, dgemm


def main():
    runs = {}
    for arg in sys.argv[1:]:
        threads, path = arg.split("=", 1)
        runs[int(threads)] = netsense_rates(path)
    one = runs[min(runs)]
    peer, dgemm = torch_rates(1)
    more = sorted(t for t in runs if t != min(runs))
    head = f"{'shape':<24} {'case':<10} {'netsense 1t':>13} {'±':>9} {'GFLOP/s':>8} {'% dgemm':>8}"
    for t in more:
        head += f" {'netsense ' + str(t) + 't':>13} {str(t) + 't/1t':>6}"
    print(head + f" {'torch 1t':>11} {'ratio':>6}")
    for key, (rate, err) in one.items():
        shape, case = key
        gflops = 4 * weights(shape) * rate * EVALS.get(case, 1) / 1e9
        line = f"[{shape}]".ljust(24) + f" {case:<10} {rate:>13,.0f} {err:>9,.0f} {gflops:>8.2f} {100 * gflops / dgemm:>7.0f}%"
        for t in more:
            r = runs[t].get(key, (float("nan"), 0))[0]
            line += f" {r:>13,.0f} {r / rate:>6.2f}"
        p = peer.get(key)
        line += f" {p:>11,.0f} {rate / p:>6.2f}" if p else f" {'':>11} {'':>6}"
        print(line)
    print(f"{'dgemm (OpenBLAS, 1t)':<24} {'':<10} {'':>13} {'':>9} {dgemm:>8.2f}")
    print("rows/s (gradient: one evaluation, a point through forward and backward, per row; ig50: 50 path points"
          " per row, netsense also evaluating x and x' for delta; smoothgrad20: 20 noisy copies); ratio: netsense 1t"
          " / torch 1t")


if __name__ == "__main__":
    main()
