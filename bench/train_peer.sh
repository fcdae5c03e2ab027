#!/usr/bin/env bash
# The PyTorch peer of jobs/train (bench/torch_train_peer.py): the Higham example's SGD run for
# STEPS steps (default 1000) in netsense and in PyTorch, float64, from the same initial weights
# and batch order; prints both models and their largest difference (exit 1 above 1e-10).
#   bench/train_peer.sh [STEPS] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
steps="${1:-1000}" seed="${2:-0}" work=target/bench/train-peer
/usr/bin/python3 -c 'import torch' 2>/dev/null || { echo "train_peer: needs Debian's python3-torch (apt-get install python3-torch)" >&2; exit 2; }
mkdir -p "$work"
jobs/train --example higham --steps 0 --seed "$seed" --output "$work/start" --overwrite > /dev/null 2>&1
jobs/train --example higham --steps "$steps" --seed "$seed" --output "$work/end" --overwrite 2>/dev/null | tail -1
exec /usr/bin/python3 bench/torch_train_peer.py "$work/start/model.json" "$work/end/model.json" "$steps" "$seed" 0.05
