"""GGUF fixtures and the reference's view of them.
1. For the demo GGUF: each tensor as gguf-py dequantises it (SHA-256 of the fp32 bytes).
2. all_types.gguf: one tensor of every type we read (random blocks, valid f16 scales) and
   gguf-py's dequantisation of each.
3. The demo GGUF as transformers loads it (dequantised, Q/K un-permuted, HF names), and
   transformers' config of it.
Usage: make_gguf_fixtures.py OUTDIR DEMO_GGUF"""
import hashlib
import json
import os
import sys

import gguf
import numpy as np

out, demo = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(0)
Q = gguf.GGMLQuantizationType


def sha(a):
    return hashlib.sha256(np.ascontiguousarray(a, dtype=np.float32).tobytes()).hexdigest()


def reader_manifest(path):
    rows = {}
    for t in gguf.GGUFReader(path).tensors:
        a = gguf.quants.dequantize(t.data, t.tensor_type).astype(np.float32)
        rows[t.name] = {"type": t.tensor_type.name, "shape": list(a.shape), "sha256": sha(a),
                        "first": [float(x) for x in a.reshape(-1)[:8]]}
    return rows


# 1. The demo file through gguf-py.
with open(os.path.join(out, "demo.gguf-py.json"), "w") as f:
    json.dump(reader_manifest(demo), f)

# 2. Every type, random blocks. Positions of the f16 scale fields per block are overwritten
#    with finite halves so that no NaN/Inf enters the comparison.
F16_FIELDS = {Q.Q4_0: [0], Q.Q4_1: [0, 2], Q.Q5_0: [0], Q.Q5_1: [0, 2], Q.Q8_0: [0],
              Q.Q2_K: [80, 82], Q.Q3_K: [108], Q.Q4_K: [0, 2], Q.Q5_K: [0, 2], Q.Q6_K: [208]}
writer = gguf.GGUFWriter(os.path.join(out, "all_types.gguf"), "llama")
rows, cols = 3, 512
for qtype, fields in F16_FIELDS.items():
    block_elems, block_bytes = gguf.GGML_QUANT_SIZES[qtype]
    n_blocks = rows * cols // block_elems
    raw = rng.integers(0, 256, size=(n_blocks, block_bytes), dtype=np.uint8)
    for at in fields:
        halves = rng.uniform(-0.5, 0.5, size=n_blocks).astype(np.float16)
        raw[:, at:at + 2] = halves.view(np.uint8).reshape(n_blocks, 2)
    writer.add_tensor(qtype.name.lower(), raw.reshape(rows, -1), raw_dtype=qtype)
writer.add_tensor("f32", rng.standard_normal((rows, cols)).astype(np.float32))
writer.add_tensor("f16", rng.standard_normal((rows, cols)).astype(np.float16))
bf16 = (rng.standard_normal((rows, cols)).astype(np.float32).view(np.uint32) >> 16).astype(np.uint16)
writer.add_tensor("bf16", bf16.view(np.uint8).reshape(rows, -1), raw_dtype=Q.BF16)
writer.add_uint32("test.answer", 42)
writer.add_array("test.list", ["a", "bb", "ccc"])
writer.write_header_to_file()
writer.write_kv_data_to_file()
writer.write_tensors_to_file()
writer.close()
with open(os.path.join(out, "all_types.gguf-py.json"), "w") as f:
    json.dump(reader_manifest(os.path.join(out, "all_types.gguf")), f)

# 3. transformers' load of the demo file.
import torch  # noqa: E402
import transformers  # noqa: E402

folder, name = os.path.split(demo)
model = transformers.AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32)
state = {k: v.detach().float().contiguous() for k, v in model.state_dict().items()}
cfg = model.config
with open(os.path.join(out, "demo.transformers.json"), "w") as f:
    json.dump({
        "tensors": {k: {"shape": list(v.shape), "sha256": sha(v.numpy())} for k, v in state.items()},
        "config": {"vocab_size": cfg.vocab_size, "hidden_size": cfg.hidden_size,
                   "intermediate_size": cfg.intermediate_size, "num_layers": cfg.num_hidden_layers,
                   "num_heads": cfg.num_attention_heads, "num_kv_heads": cfg.num_key_value_heads,
                   "rms_norm_eps": cfg.rms_norm_eps,
                   "rope_theta": (getattr(cfg, "rope_parameters", None) or {}).get("rope_theta",
                                                                                   getattr(cfg, "rope_theta", None)),
                   "tie_word_embeddings": bool(cfg.tie_word_embeddings),
                   "max_position_embeddings": cfg.max_position_embeddings},
    }, f)
print("gguf fixtures written to", out)
