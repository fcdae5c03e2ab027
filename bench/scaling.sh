#!/usr/bin/env bash
# Scaling of the whole job in local mode: rows/s against rows and cores, and the driver's peak
# RSS, for one network shape. Not part of the tests.
#   bench/scaling.sh [SHAPE] [ROWS...]       e.g. bench/scaling.sh 16-32-32-1 100000 1000000 10000000
# Prints: shape rows cores seconds rows/s peak_rss_MB
set -euo pipefail
cd "$(dirname "$0")/.."
shape="${1:-16-32-32-1}"; shift || true
rows_list=("${@:-100000 1000000 10000000}")
work=target/scaling
mkdir -p "$work"
dims="${shape%%-*}"
model="$work/model-$shape.json"
if [[ ! -f "$model" ]]; then
  # the benchmark's network of that shape (random, fixed seed), made by a tiny end-to-end run
  [[ -f "target/bench/model-$shape.json" ]] || jobs/bench --rows 1000 --shapes "$shape" >/dev/null 2>&1
  cp "target/bench/model-$shape.json" "$model"
fi
printf '%-16s %12s %6s %9s %12s %12s\n' shape rows cores seconds rows/s peak_rss_MB
for rows in ${rows_list[@]}; do
  input="$work/input-${dims}d-$rows"
  [[ -f "$input/_SUCCESS" ]] || jobs/generate --rows "$rows" --dims "$dims" --output "$input" --overwrite >/dev/null 2>&1
  for cores in 1 2; do
    log="$work/run-$shape-$rows-$cores.log"
    OPENBLAS_NUM_THREADS=1 /usr/bin/time -v jobs/gradients --model "$model" --input "$input" \
      --output "$work/out" --overwrite --master "local[$cores]" --driver-memory "${DRIVER_MEMORY:-1g}" > "$log" 2>&1
    secs=$(grep -oP 'time +\K[0-9.]+(?= s)' "$log")
    rss=$(grep -oP 'Maximum resident set size \(kbytes\): \K[0-9]+' "$log")
    printf '%-16s %12s %6s %9s %12.0f %12.0f\n' "[$shape]" "$rows" "$cores" "$secs" "$(echo "$rows / $secs" | bc -l)" \
      "$(echo "$rss / 1024" | bc -l)"
  done
done
