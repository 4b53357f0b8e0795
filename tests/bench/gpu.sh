#!/usr/bin/env bash
# The GPU machine's one script (DESIGN.md §7): builds tb_core, tunebench-cli and the GPU kernel
# checks with the gpu-noui preset, runs the kernel checks, then checks that training, evaluation
# and generation run on CUDA and times them — the tiny parity Llama in fp32 and bf16, and a model of the demo's shape (SmolLM2-135M,
# random weights: the real ones do not fit the 64 MiB the machine is sent) with LoRA and full
# fine-tuning in bf16. Prints a table last. Run from the repository root on the device with
#   carry: .carry (pcre2.h, the demo's config and tokenizer), build/dev/tests/parity/fixtures/transformer/llama_gqa
#   bash tests/bench/gpu.sh "$OUT"
set -uo pipefail
OUT=${1:-/tmp/gpu-out}
mkdir -p "$OUT"
ROOT=$(pwd)
TINY=$ROOT/build/dev/tests/parity/fixtures/transformer/llama_gqa
DATA=$ROOT/resources/datasets/science_qa.jsonl
CLI=$ROOT/build/gpu-noui/app/cli/tunebench-cli
declare -a ROWS

# 1. Build (Release, CUDA kernels for sm_90).
t0=$(date +%s)
if cmake --preset gpu-noui > "$OUT/configure.log" 2>&1 && cmake --build --preset gpu-noui -j 16 > "$OUT/build.log" 2>&1; then
  ROWS+=("build gpu-noui|ok|$(( $(date +%s) - t0 )) s")
else
  tail -40 "$OUT/configure.log" "$OUT/build.log"
  echo "build failed"; exit 1
fi
"$CLI" doctor > "$OUT/doctor.txt" 2>&1; head -12 "$OUT/doctor.txt"
# The CUDA kernels against libtorch's composites (tests/gpu/gpu_kernel_checks.cpp).
build/gpu-noui/tests/gpu/gpu_kernel_checks > "$OUT/gpu_kernel_checks.txt" 2>&1
rc=$?; cat "$OUT/gpu_kernel_checks.txt"
ROWS+=("gpu_kernel_checks|rc $rc|$(grep -c '^ok' "$OUT/gpu_kernel_checks.txt") ok, $(grep -c '^FAIL' "$OUT/gpu_kernel_checks.txt") failed|")
python3 "$ROOT/tests/bench/make_random_llama.py" "$ROOT/.carry/smol-shape" /tmp/smol-random

# One training run: its status, steps, last tokens/s, peak device memory, seconds.
train() {  # name, args...
  local name=$1; shift
  local dir=/tmp/gpu-runs/$name
  rm -rf "$dir"
  local t=$(date +%s)
  "$CLI" train --device cuda --data "$DATA" --probe none --run-dir "$dir" "$@" > "$OUT/$name.log" 2>&1
  local rc=$?
  local secs=$(( $(date +%s) - t ))
  local summary
  summary=$(python3 - "$dir" <<'PY'
import json, sys, os
d = sys.argv[1]
steps = [json.loads(l) for l in open(os.path.join(d, "metrics.jsonl")) if '"type":"step"' in l.replace(" ", "")] if os.path.exists(os.path.join(d, "metrics.jsonl")) else []
r = json.load(open(os.path.join(d, "report.json"))) if os.path.exists(os.path.join(d, "report.json")) else {}
tps = sorted(s.get("tokens_per_s", 0) for s in steps[len(steps)//2:]) or [0]
mem = max([s.get("memory_bytes", 0) for s in steps] or [0])
test = r.get("test", {})
print(f"{r.get('status','?')}|{len(steps)} steps|loss {steps[0]['loss']:.3f}->{steps[-1]['loss']:.3f}|{tps[len(tps)//2]:.0f} tok/s|{mem/1e9:.2f} GB" if steps else "no metrics")
PY
)
  ROWS+=("$name|rc $rc|$summary|${secs} s")
  cp "$dir/report.md" "$OUT/$name-report.md" 2>/dev/null
}

# 2. The tiny model: fp32 and bf16, LoRA, 30 steps with evaluations and answers.
train tiny-lora-fp32 --model "$TINY" --max-steps 30 --eval-every 10 --generation-examples 4
train tiny-lora-bf16 --model "$TINY" --precision bf16 --max-steps 30 --eval-every 10 --generation-examples 4
train tiny-full-bf16 --model "$TINY" --method full --precision bf16 --max-steps 30 --eval-every 10 --generation-examples 0
# 3. The demo's shape: LoRA and full in bf16, micro-batch 8 at 512 tokens.
train smol-lora-bf16 --model /tmp/smol-random --precision bf16 --micro-batch 8 --max-seq-len 512 --max-steps 40 --eval-every 20 --eval-examples 32 --generation-examples 4 --generation-max-tokens 64
train smol-full-bf16 --model /tmp/smol-random --method full --precision bf16 --micro-batch 8 --max-seq-len 512 --max-steps 40 --eval-every 20 --eval-examples 32 --generation-examples 0
train smol-lora-packed --model /tmp/smol-random --precision bf16 --micro-batch 8 --max-seq-len 512 --packing --max-steps 40 --eval-every 20 --eval-examples 32 --generation-examples 0

echo
echo "check | result | figures | time"
for r in "${ROWS[@]}"; do echo "$r" | sed 's/|/ | /g'; done | tee "$OUT/table.txt"
