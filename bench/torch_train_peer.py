#!/usr/bin/python3
"""PyTorch peer of jobs/train: the same SGD run, float64, from the same initial weights and the
same batch order, compared weight by weight with netsense's model after the same steps.

    bench/train_peer.sh            runs both and prints the comparison (1,000 steps)
    torch_train_peer.py START.json NETSENSE.json STEPS SEED LEARNING_RATE

START.json: the model jobs/train writes with --steps 0 (the initial weights); NETSENSE.json:
its model after STEPS steps. The batch order is netsense's (core/BatchOrder): at step s the
row SplitMix64(seed, s) mod N, one row a step (batch size 1, as Higham & Higham's netbp).
The data are the Higham & Higham example's ten points; the cost C = (1/N) sum 1/2 |y - a|^2.
"""
import json
import sys

import torch

MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


def mix(seed, counter):
    """SplitMix64 as netsense.core.BatchOrder.mix (Java's wrapping 64-bit arithmetic)."""
    z = (seed + (counter + 1) * GOLDEN) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


X1 = [0.1, 0.3, 0.1, 0.6, 0.4, 0.6, 0.5, 0.9, 0.4, 0.7]
X2 = [0.1, 0.4, 0.5, 0.9, 0.2, 0.3, 0.6, 0.2, 0.4, 0.6]


def load(path):
    with open(path) as f:
        layers = json.load(f)["layers"]
    for layer in layers:
        if layer["activation"] != "sigmoid":
            sys.exit("this peer runs sigmoid layers (the example's), got " + layer["activation"])
    return [(torch.tensor(l["weights"], dtype=torch.float64, requires_grad=True),
             torch.tensor(l["bias"], dtype=torch.float64, requires_grad=True)) for l in layers]


def forward(params, x):
    a = x
    for w, b in params:
        a = torch.sigmoid(a @ w.T + b)
    return a


def main():
    start, theirs, steps, seed, rate = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
    torch.set_default_dtype(torch.float64)
    x = torch.tensor(list(zip(X1, X2)), dtype=torch.float64)
    y = torch.tensor([[1.0, 0.0]] * 5 + [[0.0, 1.0]] * 5, dtype=torch.float64)
    params = load(start)
    flat = [p for pair in params for p in pair]
    opt = torch.optim.SGD(flat, lr=rate)
    n = x.shape[0]
    seed &= MASK
    for s in range(steps):
        i = mix(seed, s) % n
        opt.zero_grad()
        a = forward(params, x[i:i + 1])
        cost = 0.5 * ((y[i:i + 1] - a) ** 2).sum()   # one row: its cost is the batch's mean
        cost.backward()
        opt.step()
    with torch.no_grad():
        final = (0.5 * ((y - forward(params, x)) ** 2).sum(dim=1)).mean().item()
    other = load(theirs)
    worst = 0.0
    print(f"after {steps:,} SGD steps (eta = {rate}, seed {seed}), float64:")
    for l, ((w, b), (w2, b2)) in enumerate(zip(params, other), start=2):
        for name, p, q in (("W", w, w2), ("b", b, b2)):
            print(f"  {name}[{l}] PyTorch  {p.detach().flatten().tolist()}")
            print(f"  {name}[{l}] netsense {q.detach().flatten().tolist()}")
            worst = max(worst, (p - q).abs().max().item())
    print(f"PyTorch cost C = {final:.6e}")
    print(f"largest difference of a weight or bias: {worst:.3e}")
    sys.exit(0 if worst <= 1e-10 else 1)


if __name__ == "__main__":
    main()
