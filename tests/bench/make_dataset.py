"""Writes a synthetic instruction dataset for the import + audit benchmark: N rows of JSONL
(prompt / completion, ~500 bytes each, so 100,000 rows are about 50 MB), with 1 % exact
duplicates (case and punctuation edits) and 1 % near-duplicates (one word changed), e-mail
addresses in 0.5 %. Deterministic. Usage: make_dataset.py OUT.jsonl [N]"""
import json
import random
import sys

out, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
rng = random.Random(5)
vocab = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 9))) for _ in range(20_000)]
rows = []
for i in range(n):
    r = rng.random()
    if rows and r < 0.01:
        src = rows[rng.randrange(len(rows))]
        row = {"prompt": src["prompt"].upper() + " !", "completion": src["completion"]}
    elif rows and r < 0.02:
        src = rows[rng.randrange(len(rows))]
        words = src["prompt"].split()
        words[len(words) // 2] = "changed"
        row = {"prompt": " ".join(words), "completion": src["completion"]}
    else:
        prompt = " ".join(rng.choice(vocab) for _ in range(50))
        if r > 0.995:
            prompt += " contact me at someone%d@example.com" % i
        row = {"prompt": prompt, "completion": " ".join(rng.choice(vocab) for _ in range(25))}
    rows.append(row)
with open(out, "w") as f:
    for row in rows:
        f.write(json.dumps(row) + "\n")
