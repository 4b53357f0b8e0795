"""Writes safetensors fixtures with the reference libraries, plus a manifest of what each
tensor must read back as (dtype, shape, SHA-256 of its bytes), read through the reference
reader. Usage: make_safetensors_fixtures.py OUTDIR"""
import hashlib
import json
import os
import sys

import torch
from safetensors import safe_open
from safetensors.torch import save_file

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)

DTYPE_NAMES = {torch.float64: "F64", torch.float32: "F32", torch.float16: "F16",
               torch.bfloat16: "BF16", torch.int64: "I64", torch.int32: "I32", torch.int16: "I16",
               torch.int8: "I8", torch.uint8: "U8", torch.bool: "BOOL"}


def raw_bytes(t):
    t = t.contiguous().reshape(-1)
    return t.view(torch.uint8).numpy().tobytes() if t.numel() else b""


def manifest_of(paths):
    rows = {}
    for path in paths:
        with safe_open(path, framework="pt") as f:
            for name in f.keys():
                t = f.get_tensor(name)
                rows[name] = {"file": os.path.basename(path), "dtype": DTYPE_NAMES[t.dtype],
                              "shape": list(t.shape),
                              "sha256": hashlib.sha256(raw_bytes(t)).hexdigest()}
    return rows


# 1. Every dtype, odd shapes (scalar, empty, 3-d), metadata with non-ASCII text.
mixed = {
    "f64": torch.randn(3, 5, dtype=torch.float64),
    "f32": torch.randn(2, 3, 4),
    "f16": torch.randn(7).half(),
    "bf16": torch.randn(4, 4).bfloat16(),
    "i64": torch.arange(-5, 5, dtype=torch.int64),
    "i32": torch.randint(-1000, 1000, (6,), dtype=torch.int32),
    "i16": torch.randint(-300, 300, (2, 2), dtype=torch.int16),
    "i8": torch.randint(-128, 127, (9,), dtype=torch.int8),
    "u8": torch.randint(0, 255, (3, 1), dtype=torch.uint8),
    "bool": torch.rand(10) > 0.5,
    "scalar": torch.tensor(3.25),
    "empty": torch.zeros(0, 3),
}
path = os.path.join(out, "mixed.safetensors")
save_file(mixed, path, metadata={"format": "pt", "note": "grüße, 学习"})
with open(os.path.join(out, "mixed.manifest.json"), "w") as f:
    json.dump({"tensors": manifest_of([path]), "metadata": {"format": "pt", "note": "grüße, 学习"}},
              f, ensure_ascii=False, indent=1)
print("fixtures written to", out)
