#!/usr/bin/env bash
# Parquet codecs for the gradients: size of gradients/ and job time, per codec and vector type,
# on one generated input. Usage: bench/codecs.sh [ROWS] [DIMS]   (default 2000000 16)
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-2000000}" dims="${2:-16}"
work=target/bench/codecs; mkdir -p "$work"
input="$work/input-${dims}d-$rows"
[[ -f "$input/_SUCCESS" ]] || jobs/generate --rows "$rows" --dims "$dims" --output "$input" --overwrite >/dev/null
model="$work/model-$dims.json"
python3 - "$dims" "$model" <<'PY'
import json, random, sys
n, path = int(sys.argv[1]), sys.argv[2]
random.seed(42)
layer = lambda m, k, a: {"weights": [[random.gauss(0, k ** -0.5) for _ in range(k)] for _ in range(m)],
                         "bias": [0.0] * m, "activation": a}
json.dump({"layers": [layer(32, n, "tanh"), layer(32, 32, "tanh"), layer(1, 32, "sigmoid")]}, open(path, "w"))
PY
echo "input: $(du -sm "$input" | cut -f1) MB ($rows rows x $dims doubles)"
printf '%-8s %-7s %12s %10s\n' codec vector "gradients MB" "job s"
for vector in double float; do
  for codec in snappy zstd uncompressed; do
    out="$work/out-$codec-$vector"
    line=$(jobs/gradients --model "$model" --input "$input" --output "$out" --overwrite --vector-type "$vector" \
      --conf "spark.sql.parquet.compression.codec=$codec" 2>&1 | grep -o 'in [0-9.]* s' | tail -1)
    printf '%-8s %-7s %12s %10s\n' "$codec" "$vector" "$(du -sm "$out/gradients" | cut -f1)" "${line//[^0-9.]/}"
  done
done
