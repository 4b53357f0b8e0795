#!/usr/bin/env bash
# CPU generation benchmark (a benchmark, not a test): prefill and greedy decode tokens/s of the
# demo SmolLM2-135M-Instruct GGUF, ours (tunebench-cli generate) and transformers' (same file,
# same prompt, same machine, same run), in fp32 (ours from the GGUF's blocks and from dense
# dequantised weights) and bf16. Prints a table; numbers go to
# docs/PERFORMANCE.md. Usage: tests/bench/cpu_generate.sh [BUILD_DIR] [NEW_TOKENS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../../build/dev}"
new="${2:-64}"
home="${TUNEBENCH_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/tunebench}"
model="${TUNEBENCH_MODEL_CACHE:-$home/models}/SmolLM2-135M-Instruct.Q4_1.gguf"
python="${TUNEBENCH_VENV:-$home/venv}/bin/python"
prompt="$here/prompt_128.txt"
printf '%-28s %-9s %-12s %8s %14s %14s\n' implementation dtype "decode from" prompt "prefill tok/s" "decode tok/s"
ours() {  # dtype [extra flags]: the second run is reported (the first warms caches)
  local out
  for run in 1 2; do
    out=$("$build/app/cli/tunebench-cli" generate --model "$model" --prompt "$(cat "$prompt")" \
      --max-new-tokens "$new" --ignore-eos --dtype "$@" --json)
  done
  echo "$out" | "$python" -c "import json,sys; d=json.load(sys.stdin); print('%-28s %-9s %-12s %8d %14.1f %14.1f' % ('tunebench', '$1', d['decode_weights'], d['prompt_tokens'], d['prefill_tokens_per_s'], d['tokens_per_s']))"
}
theirs() {  # dtype
  "$python" "$here/hf_cpu_generate.py" "$model" "$prompt" "$new" "$1" 2>/dev/null | tail -1 |
    "$python" -c "import json,sys; d=json.load(sys.stdin); print('%-28s %-9s %-12s %8d %14.1f %14.1f' % (d['impl'], d['dtype'], 'dense', d['prompt_tokens'], d['prefill_tokens_per_s'], d['decode_tokens_per_s']))"
}
ours float32
ours float32 --dense
theirs float32
ours bfloat16
theirs bfloat16
