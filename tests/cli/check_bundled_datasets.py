"""The bundled datasets (resources/datasets) as the audit sees them through their templates: at
least 300 examples each, nothing rejected, no exact or near duplicates, no leakage across the
splits, no personal data. PROGRAM: tunebench-cli; RESOURCES: the resources folder."""
import json
import os
import subprocess

program, resources = os.environ["PROGRAM"], os.environ["RESOURCES"]
datasets = {"science_qa.jsonl": None, "product_reviews.jsonl": "review_rating",
            "product_descriptions.jsonl": "product_description", "summaries.jsonl": "summarisation"}
for name, template in datasets.items():
    args = [program, "audit", os.path.join(resources, "datasets", name), "--json"]
    if template:
        args += ["--template", template]
    r = json.loads(subprocess.run(args, capture_output=True, text=True, check=True).stdout)
    where = f"{name}: "
    assert r["rows_read"] >= 300 and r["rows_kept"] == r["rows_read"] and not r["rejected"], where + str(r["rows_read"])
    assert r["duplicates"]["count"] == 0, where + json.dumps(r["duplicates"])[:500]
    assert r["near_duplicates"]["count"] == 0, where + json.dumps(r["near_duplicates"])[:500]
    leak = r["leakage"]
    assert not leak["exact_groups"] and not leak["near_pairs"], where + json.dumps(leak)[:500]
    assert not r["pii"], where + json.dumps(r["pii"])[:500]
    assert not r["empty_completions"], where + "empty completions"
    print(f"{name}: {r['rows_kept']} examples, splits {r['splits']}, clean")
