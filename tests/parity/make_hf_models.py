"""Saves tiny random models with transformers (Llama with grouped-query attention and tied
embeddings, Mistral, Qwen2 with attention bias; and a sharded Llama) and, per folder, a
manifest of every tensor as the reference safetensors reader returns it.
Usage: make_hf_models.py OUTDIR"""
import hashlib
import json
import os
import sys

import torch
import transformers
from safetensors import safe_open

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)

COMMON = dict(vocab_size=320, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
              num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256)
MODELS = {
    "llama": (transformers.LlamaConfig, transformers.LlamaForCausalLM,
              dict(COMMON, tie_word_embeddings=True, rope_theta=10000.0)),
    "mistral": (transformers.MistralConfig, transformers.MistralForCausalLM,
                dict(COMMON, tie_word_embeddings=False, sliding_window=None)),
    "qwen2": (transformers.Qwen2Config, transformers.Qwen2ForCausalLM,
              dict(COMMON, tie_word_embeddings=False)),
}
DTYPE_NAMES = {torch.float32: "F32", torch.bfloat16: "BF16", torch.float16: "F16"}


def manifest(folder):
    rows = {}
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".safetensors"):
            continue
        with safe_open(os.path.join(folder, name), framework="pt") as f:
            for key in f.keys():
                t = f.get_tensor(key).contiguous()
                data = t.reshape(-1).view(torch.uint8).numpy().tobytes()
                rows[key] = {"file": name, "dtype": DTYPE_NAMES[t.dtype], "shape": list(t.shape),
                             "sha256": hashlib.sha256(data).hexdigest()}
    with open(os.path.join(folder, "manifest.json"), "w") as f:
        json.dump(rows, f, indent=1)
    return len(rows)


for name, (config_cls, model_cls, kwargs) in MODELS.items():
    model = model_cls(config_cls(**kwargs)).eval()
    folder = os.path.join(out, name)
    model.save_pretrained(folder)
    print(name, manifest(folder), "tensors")
    if name == "llama":
        sharded = os.path.join(out, "llama-sharded")
        model.to(torch.bfloat16).save_pretrained(sharded, max_shard_size="40KB")
        print("llama-sharded", manifest(sharded), "tensors,",
              len([f for f in os.listdir(sharded) if f.endswith(".safetensors")]), "shards")
