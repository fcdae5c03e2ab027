#!/usr/bin/python3
"""The training loops of `jobs/bench --train` in PyTorch, float64, on this machine:

  sgd:  steps per second of SGD with batch size 1 on the Higham & Higham example's ten points
        (2-2-3-2 sigmoid, eta = 0.05): a Python loop of forward, backward, step;
  full: seconds per full-batch epoch on ROWS rows of 16 uniform features, label their mean,
        network 16-32-32-1 (tanh, tanh, identity), mse: one forward and backward over every row.

    torch_train_bench.py SGD_STEPS ROWS THREADS
"""
import sys
import time

import torch


def sgd(steps):
    x = torch.tensor([[0.1, 0.1], [0.3, 0.4], [0.1, 0.5], [0.6, 0.9], [0.4, 0.2],
                      [0.6, 0.3], [0.5, 0.6], [0.9, 0.2], [0.4, 0.4], [0.7, 0.6]], dtype=torch.float64)
    y = torch.tensor([[1.0, 0.0]] * 5 + [[0.0, 1.0]] * 5, dtype=torch.float64)
    g = torch.Generator().manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Sigmoid(), torch.nn.Linear(2, 3), torch.nn.Sigmoid(),
                              torch.nn.Linear(3, 2), torch.nn.Sigmoid()).double()
    opt = torch.optim.SGD(net.parameters(), lr=0.05)
    order = torch.randint(0, 10, (steps,), generator=g).tolist()
    start = time.perf_counter()
    for i in order:
        opt.zero_grad()
        loss = 0.5 * ((net(x[i:i + 1]) - y[i:i + 1]) ** 2).sum()
        loss.backward()
        opt.step()
    return time.perf_counter() - start


def full(rows, epochs=5):
    g = torch.Generator().manual_seed(0)
    x = torch.rand((rows, 16), generator=g, dtype=torch.float64)
    y = x.mean(dim=1, keepdim=True)
    net = torch.nn.Sequential(torch.nn.Linear(16, 32), torch.nn.Tanh(), torch.nn.Linear(32, 32), torch.nn.Tanh(),
                              torch.nn.Linear(32, 1)).double()
    opt = torch.optim.SGD(net.parameters(), lr=0.05)
    best = float("inf")
    for _ in range(epochs + 1):  # the first epoch warms up
        start = time.perf_counter()
        opt.zero_grad()
        loss = 0.5 * ((net(x) - y) ** 2).sum(dim=1).mean()
        loss.backward()
        opt.step()
        best = min(best, time.perf_counter() - start)
    return best


def main():
    steps, rows, threads = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    torch.set_num_threads(threads)
    s = sgd(steps)
    print(f"torch train_sgd steps={steps} seconds={s:.3f} steps_per_second={steps / s:.0f}")
    e = full(rows)
    print(f"torch train_full rows={rows} threads={threads} seconds_per_epoch={e:.3f} epochs_per_second={1 / e:.3f}")


if __name__ == "__main__":
    main()
