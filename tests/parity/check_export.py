"""Checks what Tunebench wrote, with the reference libraries:
  peft BASE ADAPTER LOGITS   - PEFT loads our adapter onto the base and gives our logits
  merged FOLDER LOGITS       - transformers loads our merged export and gives our logits
  tokenizer FOLDER IDS_JSON  - transformers' tokenizer from our export encodes as we did
LOGITS is a safetensors file with "ids" and "logits" (ours). Exit 0 when within 1e-4."""
import json
import sys

import torch
import transformers
from safetensors.torch import load_file


def rel(a, b):
    return float((a.double() - b.double()).abs().max() / b.double().abs().max())


mode = sys.argv[1]
if mode in ("peft", "merged"):
    ref = load_file(sys.argv[-1])
    if mode == "peft":
        from peft import PeftModel
        base = transformers.AutoModelForCausalLM.from_pretrained(sys.argv[2], dtype=torch.float32)
        model = PeftModel.from_pretrained(base, sys.argv[3]).eval()
    else:
        model = transformers.AutoModelForCausalLM.from_pretrained(sys.argv[2], dtype=torch.float32).eval()
    with torch.no_grad():
        logits = model(ref["ids"]).logits
    err = rel(logits, ref["logits"])
    print(f"{mode}: max relative difference {err:.3g}")
    sys.exit(0 if err < 1e-4 else f"{mode}: {err} >= 1e-4")
elif mode == "tokenizer":
    tok = transformers.AutoTokenizer.from_pretrained(sys.argv[2])
    cases = json.load(open(sys.argv[3]))
    bad = [c for c in cases if tok.encode(c["text"], add_special_tokens=False) != c["ids"]]
    print(f"tokenizer: {len(cases) - len(bad)}/{len(cases)} equal")
    sys.exit(0 if not bad else f"differs on {bad[0]['text']!r}")
