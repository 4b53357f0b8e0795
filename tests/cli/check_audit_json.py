"""tunebench-cli audit --json with the demo model's tokenizer: the documented keys, the rejected
rows with file and line, lengths in tokens equal to the demo tokenizer's count of the chat
rendering (transformers' apply_chat_template on the same file, counted by our tokenizer, whose
ids tests/parity checks against the reference)."""
import json
import os
import subprocess
import sys
import tempfile

import transformers

program, datasets, model = os.environ["PROGRAM"], os.environ["DATASETS"], os.environ["MODEL"]
out = subprocess.run([program, "audit", os.path.join(datasets, "bom_crlf.jsonl"), "--model", model, "--json"],
                     capture_output=True, text=True, check=True).stdout
r = json.loads(out)
for key in ("rows_read", "rows_kept", "rejected", "duplicates", "near_duplicates", "leakage", "length_histogram", "pii"):
    assert key in r, key
assert r["rows_read"] == 2 and r["rows_kept"] == 2 and r["rejected"] == [], r
assert r["warnings"] == ["the file starts with a UTF-8 byte-order mark; it was ignored"], r["warnings"]
h = r["length_histogram"]
assert h["unit"] == "tokens", h
folder, name = os.path.split(model)
tok = transformers.AutoTokenizer.from_pretrained(folder, gguf_file=name)
rows = [json.loads(l) for l in open(os.path.join(datasets, "bom_crlf.jsonl"), encoding="utf-8-sig") if l.strip()]
texts = [tok.apply_chat_template([{"role": "user", "content": x["prompt"]},
                                  {"role": "assistant", "content": x["completion"]}], tokenize=False) for x in rows]
with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
    for t in texts:
        f.write(json.dumps(t) + "\n")
ids = subprocess.run([program, "tokenize", "--model", model, "--jsonl", f.name], capture_output=True, text=True,
                     check=True).stdout.split("\n")
os.unlink(f.name)
lengths = [len(json.loads(line)) for line in ids if line.strip()]
assert h["max"] == max(lengths), (h["max"], lengths)
assert abs(h["mean"] - sum(lengths) / len(lengths)) < 1e-9, (h["mean"], lengths)

bad = json.loads(subprocess.run([program, "audit", os.path.join(datasets, "alpaca_bad_rows.jsonl"), "--json"],
                                capture_output=True, text=True, check=True).stdout)
assert [(x["line"], x["kind"]) for x in bad["rejected"]] == [
    (3, "bad_json"), (4, "not_an_object"), (5, "duplicate_key"), (6, "invalid_utf8"), (7, "wrong_type"),
    (8, "empty_completion"), (9, "missing_field")], bad["rejected"]
assert all(x["file"].endswith("alpaca_bad_rows.jsonl") for x in bad["rejected"])
print("audit --json ok: token lengths", lengths)
