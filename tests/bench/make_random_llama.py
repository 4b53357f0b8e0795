#!/usr/bin/env python3
"""Writes a Llama-family Hugging Face folder with random weights in the shape of a config.json:
for timing training and generation on a machine that cannot hold the real weights (the GPU
machine takes 64 MiB of files; the demo model's weights are more). Only torch is needed:
the safetensors file is written by hand (8-byte header length, JSON header, raw data).

usage: make_random_llama.py SHAPE_DIR OUT_DIR   (SHAPE_DIR: config.json and tokenizer files)
"""
import ctypes
import json
import os
import shutil
import struct
import sys

import torch


def shapes(c):
    h, i, v = c["hidden_size"], c["intermediate_size"], c["vocab_size"]
    hd = c.get("head_dim") or h // c["num_attention_heads"]
    q, kv = c["num_attention_heads"] * hd, c["num_key_value_heads"] * hd
    out = {"model.embed_tokens.weight": (v, h), "model.norm.weight": (h,)}
    if not c.get("tie_word_embeddings", False):
        out["lm_head.weight"] = (v, h)
    for n in range(c["num_hidden_layers"]):
        p = f"model.layers.{n}."
        out.update({p + "input_layernorm.weight": (h,), p + "post_attention_layernorm.weight": (h,),
                    p + "self_attn.q_proj.weight": (q, h), p + "self_attn.k_proj.weight": (kv, h),
                    p + "self_attn.v_proj.weight": (kv, h), p + "self_attn.o_proj.weight": (h, q),
                    p + "mlp.gate_proj.weight": (i, h), p + "mlp.up_proj.weight": (i, h),
                    p + "mlp.down_proj.weight": (h, i)})
    return out


def main():
    shape_dir, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(shape_dir, "config.json")) as f:
        config = json.load(f)
    config["dtype"] = "bfloat16"
    gen = torch.Generator().manual_seed(0)
    header, blobs, offset = {}, [], 0
    for name, shape in shapes(config).items():
        # Norms at one, matrices N(0, 0.02): the usual initialisation.
        t = torch.ones(shape) if name.endswith("norm.weight") else torch.randn(shape, generator=gen) * 0.02
        t = t.to(torch.bfloat16).contiguous()
        data = ctypes.string_at(t.data_ptr(), t.numel() * t.element_size())
        header[name] = {"dtype": "BF16", "shape": list(shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(os.path.join(out_dir, "model.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)
    with open(os.path.join(out_dir, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    for name in os.listdir(shape_dir):
        if name != "config.json":
            shutil.copy(os.path.join(shape_dir, name), out_dir)


if __name__ == "__main__":
    main()
