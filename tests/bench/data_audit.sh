#!/usr/bin/env bash
# Import + validate + audit benchmark (a benchmark, not a test): 100,000 rows (~50 MB JSONL)
# through `tunebench-cli audit --json` (read, UTF-8 and JSON checks, mapping, split, exact and
# near-duplicates, leakage, lengths, PII). Prints rows, size and seconds; figures go to
# docs/PERFORMANCE.md. Usage: tests/bench/data_audit.sh [BUILD_DIR] [ROWS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../../build/dev}"
rows="${2:-100000}"
home="${TUNEBENCH_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/tunebench}"
python="${TUNEBENCH_VENV:-$home/venv}/bin/python"
data="$(mktemp -d)/bench_${rows}.jsonl"
"$python" "$here/make_dataset.py" "$data" "$rows"
size=$(stat -c %s "$data")
for run in 1 2; do  # the second run is reported (the first warms the page cache)
  start=$(date +%s.%N)
  "$build/app/cli/tunebench-cli" audit "$data" --json > "$data.report.json"
  end=$(date +%s.%N)
done
"$python" - "$data.report.json" "$rows" "$size" "$start" "$end" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
rows, size, start, end = int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
print("rows %d, %.1f MB, %.2f s: read %d kept %d, %d duplicates, %d near pairs, %d leaking near pairs, pii %s" % (
    rows, size / 1e6, end - start, r["rows_read"], r["rows_kept"], r["duplicates"]["count"],
    r["near_duplicates"]["count"], len(r["leakage"]["near_pairs"]), {k: v["count"] for k, v in r["pii"].items()}))
PY
rm -rf "$(dirname "$data")"
