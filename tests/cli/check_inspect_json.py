"""Runs `tunebench-cli inspect MODEL --json` on the demo GGUF and checks it against gguf-py and
transformers' view of the same file."""
import hashlib
import json
import os
import subprocess
import sys

import gguf

model = os.environ["MODEL"]
proc = subprocess.run([os.environ["PROGRAM"], "inspect", model, "--json"], capture_output=True, text=True)
if proc.returncode != 0:
    sys.exit(f"exit {proc.returncode}: {proc.stderr}")
info = json.loads(proc.stdout)
reader = gguf.GGUFReader(model)
params = sum(int(t.n_elements) for t in reader.tensors)
errors = []
def expect(cond, what):
    if not cond:
        errors.append(what)

expect(info["format"] == "gguf" and info["architecture"] == "llama", "format/architecture")
expect(info["parameter_count"] == params, f"parameters {info['parameter_count']} vs gguf-py {params}")
expect(info["context_length"] == int(reader.fields["llama.context_length"].contents()), "context length")
expect(info["tokenizer"]["vocab_size"] == len(reader.fields["tokenizer.ggml.tokens"].data), "vocab size")
expect(info["tokenizer"]["special_tokens"]["eos"]["id"] == int(reader.fields["tokenizer.ggml.eos_token_id"].contents()), "eos")
expect(info["chat_format"]["family"] == "chatml" and info["chat_format"]["exact"], "chat format")
with open(model, "rb") as f:
    expect(info["files"][0]["sha256"] == hashlib.file_digest(f, "sha256").hexdigest(), "sha256")
if errors:
    sys.exit("inspect --json: " + "; ".join(errors))
print("inspect --json ok:", info["parameter_count"], "parameters")
