"""transformers' CPU prefill and greedy decode speed on the demo GGUF (the same file our
`tunebench-cli generate` runs), for docs/PERFORMANCE.md. Prints one JSON line.
Usage: hf_cpu_generate.py DEMO_GGUF PROMPT_FILE NEW_TOKENS [DTYPE]"""
import json
import os
import sys
import time

import torch
import transformers

path, prompt_file, new_tokens = sys.argv[1], sys.argv[2], int(sys.argv[3])
dtype = {"float32": torch.float32, "bfloat16": torch.bfloat16}[sys.argv[4] if len(sys.argv) > 4 else "float32"]
folder, name = os.path.split(path)
model = transformers.AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=dtype).eval()
tok = transformers.AutoTokenizer.from_pretrained(folder, gguf_file=name)
ids = torch.tensor([tok.encode(open(prompt_file).read().rstrip("\n"), add_special_tokens=False)])
prompt_tokens = ids.shape[1]
with torch.no_grad():
    model.generate(ids[:, :8], max_new_tokens=4, do_sample=False, pad_token_id=0)  # warm-up
    t0 = time.perf_counter()
    model(ids)
    prefill = time.perf_counter() - t0
    t0 = time.perf_counter()
    out = model.generate(ids, max_new_tokens=new_tokens, min_new_tokens=new_tokens, do_sample=False,
                         eos_token_id=None, pad_token_id=0)
    total = time.perf_counter() - t0
decode = total - prefill  # generate's own prefill counted out
print(json.dumps({"impl": "transformers " + transformers.__version__, "dtype": str(dtype).replace("torch.", ""),
                  "threads": torch.get_num_threads(), "prompt_tokens": prompt_tokens,
                  "prefill_tokens_per_s": prompt_tokens / prefill,
                  "decode_tokens_per_s": (out.shape[1] - prompt_tokens) / decode}))
