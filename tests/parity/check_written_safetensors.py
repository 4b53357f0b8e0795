"""Checks a safetensors file written by Tunebench with the reference reader: the tensors the
C++ test wrote (deterministic values, see test_safetensors_parity.cpp) and its metadata.
Usage: check_written_safetensors.py FILE"""
import sys

import torch
from safetensors import safe_open
from safetensors.torch import load_file

path = sys.argv[1]
t = load_file(path)
base = torch.arange(24, dtype=torch.float64).reshape(2, 3, 4) / 8 - 1
expected = {
    "a.f32": base.float(),
    "b.bf16": base.bfloat16(),
    "c.f16": base.half(),
    "d.i64": torch.arange(-3, 3, dtype=torch.int64),
    "e.bool": torch.tensor([True, False, True]),
    "f.u8": torch.arange(5, dtype=torch.uint8),
    "g.scalar": torch.tensor(2.5, dtype=torch.float32),
    "h.empty": torch.zeros(0, 4),
}
errors = []
if set(t) != set(expected):
    errors.append(f"names {sorted(t)} vs {sorted(expected)}")
for name, want in expected.items():
    got = t.get(name)
    if got is None or got.dtype != want.dtype or got.shape != want.shape or not torch.equal(got, want):
        errors.append(f"{name}: got {got!r}, want {want!r}")
with safe_open(path, framework="pt") as f:
    if f.metadata() != {"written_by": "tunebench", "text": "ünïcode"}:
        errors.append(f"metadata {f.metadata()}")
if errors:
    sys.exit("; ".join(errors))
print("reference reader agrees:", len(t), "tensors")
