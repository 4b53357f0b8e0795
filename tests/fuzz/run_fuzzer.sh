#!/bin/sh
# Runs one libFuzzer target for a fixed time from its committed seeds, in a fresh working
# corpus; a crash input lands in the artifacts folder and fails the run. A fixed seed makes a run
# reproducible: CI explores the same path each time, and a crash it finds replays exactly.
# Usage: run_fuzzer.sh TARGET WORK_DIR SEED_DIR ARTIFACTS_DIR SECONDS
set -eu
target=$1 work=$2 seeds=$3 artifacts=$4 seconds=$5
rm -rf "$work"
mkdir -p "$work" "$artifacts"
exec "$target" -seed=1 -max_total_time="$seconds" -rss_limit_mb=3072 -timeout=30 -print_final_stats=1 \
  -artifact_prefix="$artifacts/$(basename "$target")-" "$work" "$seeds"
