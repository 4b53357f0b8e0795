#!/usr/bin/env python3
"""The demo's measured story, one command anyone can rerun: trains the demo projects as they ship
(resources/demo/science-qa.tbproj and reviews.tbproj) with `tunebench-cli train`, then writes
docs/DEMO.md from their report.json files — base vs tuned on each test split (ROUGE-L and answer
length on the science Q&A, star-rating exact match on the reviews), the forgetting probe, a few
answers side by side, the time each run took — and says whether the goals are met:
tuned ROUGE-L >= base + 0.10 (science Q&A), tuned rating exact match >= base + 0.25 (reviews).

usage: demo_story.py --cli build/dev/app/cli/tunebench-cli [--out docs/DEMO.md] [--steps N]
                     [--projects science,reviews] [--model FOLDER] [--check]
       --steps N: a shortened story for the ctest (N steps per run, warm-up at most half of them,
                  no samples during training, few answers); 0 = as shipped.
       --projects: which demo projects to train (default both; a project left out says "not run").
       --model: another model for every project (the ctest's tiny model: the script's own path
                from runs to the written story, in seconds, not the demo model's figures).
       --check: exit 1, naming the figure, unless every trained project's tuned test loss is below
                its base's (what even a shortened run must show).
Exit code: 0 when written (goals met or not; the file says which), 1 on a failed run or check.
"""
import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEMO = os.path.join(ROOT, "resources", "demo")
ROUGE_GOAL, RATING_GOAL = 0.10, 0.25


def project_copy(name, work, steps, model):
    """The shipped project with absolute data paths, runs in `work`, shortened when steps > 0,
    on `model` when given."""
    with open(os.path.join(DEMO, name)) as f:
        p = json.load(f)
    if model:
        p["model"] = os.path.abspath(model)
    for d in p.get("data", []):
        if not d["path"].startswith("tunebench:"):  # those name the resources wherever the project is
            d["path"] = os.path.normpath(os.path.join(DEMO, d["path"]))
    p["runs_dir"] = os.path.join(work, "runs")
    if steps > 0:
        p["training"]["max_steps"] = steps
        p["training"]["eval_every"] = steps
        p["training"]["eval_max_examples"] = 8
        p["training"]["warmup_steps"] = min(p["training"].get("warmup_steps", 0), steps // 2)
        p["training"]["sample_prompts"] = 0
        p["generation_examples"] = 3
        p["generation_max_tokens"] = 16
        p["probe"] = "none"
    out = os.path.join(work, name)
    with open(out, "w") as f:
        json.dump(p, f, indent=2)
    return out, p


def train(cli, project, work):
    run_dir = os.path.join(work, "runs", os.path.splitext(os.path.basename(project))[0])
    start = time.time()
    proc = subprocess.run([cli, "train", project, "--run-dir", run_dir], capture_output=True, text=True)
    seconds = time.time() - start
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
        raise SystemExit(f"demo_story: training {project} failed (exit {proc.returncode})")
    with open(os.path.join(run_dir, "report.json")) as f:
        return json.load(f), seconds


def first_rating(text):
    """The first star rating 1-5 in an answer ("4", "4 stars", "I'd give it 4/5"), else None."""
    m = re.search(r"(?<![\d.])([1-5])(?![\d.])", text or "")
    return m.group(1) if m else None


def rating_match(answers, side):
    hits = [first_rating(a[side]) is not None and first_rating(a[side]) == first_rating(a["reference"]) for a in answers]
    return sum(hits) / len(hits) if hits else 0.0


def cell(text, words=60):
    text = " ".join((text or "").split())
    w = text.split(" ")
    text = " ".join(w[:words]) + (" …" if len(w) > words else "")
    return text.replace("|", "\\|")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "DEMO.md"))
    ap.add_argument("--steps", type=int, default=0)
    ap.add_argument("--projects", default="science,reviews")
    ap.add_argument("--model")
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    chosen = set(a.projects.split(","))
    if not chosen or not chosen <= {"science", "reviews"}:
        raise SystemExit(f"demo_story: --projects takes science, reviews or both, not {a.projects!r}")
    work = tempfile.mkdtemp(prefix="tunebench-demo-")

    # 1. The runs, as the projects ship (or shortened).
    sci = rev = None
    if "science" in chosen:
        sci_project, sci_p = project_copy("science-qa.tbproj", work, a.steps, a.model)
        sci, sci_s = train(a.cli, sci_project, work)
    if "reviews" in chosen:
        rev_project, rev_p = project_copy("reviews.tbproj", work, a.steps, a.model)
        rev, rev_s = train(a.cli, rev_project, work)

    # 2. The figures (NaN where a project was not run).
    nan = float("nan")
    rouge_b, rouge_t = (sci["generation"]["base"]["rouge_l"], sci["generation"]["tuned"]["rouge_l"]) if sci else (nan, nan)
    ra = rev["generation"]["answers"] if rev else []
    rate_b, rate_t = (rating_match(ra, "base"), rating_match(ra, "tuned")) if rev else (nan, nan)
    rouge_ok = rouge_t >= rouge_b + ROUGE_GOAL
    rate_ok = rate_t >= rate_b + RATING_GOAL

    def met(ok, r):
        return "not run" if r is None else ("yes" if ok else "no")

    def probe(r):
        p = r.get("probe") or {}
        if not p.get("base") or not p.get("tuned"):
            return "not measured"
        return f"{p['base']['perplexity']:.2f} → {p['tuned']['perplexity']:.2f}"

    def steps(r):
        return sum(s["steps"] for s in r["stages"])

    lines = []
    w = lines.append
    w("# The demo, measured")
    w("")
    w("Written by `tests/bench/demo_story.py`, which trains the demo projects in resources/demo/ as "
      "they ship and reads their reports. Rerun it with")
    w("")
    w("```\n~/.cache/tunebench/venv/bin/python tests/bench/demo_story.py --cli build/dev/app/cli/tunebench-cli\n```")
    w("")
    shortened = f" — a shortened story ({a.steps} steps per run), not the demo's figures" if a.steps else ""
    model = f"{a.model} (not the demo model)" if a.model else "SmolLM2-135M-Instruct (Q4_1 GGUF, dequantised)"
    w(f"Model: {model}, LoRA. Machine: {platform.machine()}, "
      f"{os.cpu_count()} CPU threads{shortened}. Written {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.")
    w("")
    w("| goal | base | tuned | change | met |")
    w("| --- | --- | --- | --- | --- |")
    w(f"| science Q&A: ROUGE-L ≥ base + {ROUGE_GOAL:.2f} | {rouge_b:.3f} | {rouge_t:.3f} | {rouge_t - rouge_b:+.3f} | "
      f"{met(rouge_ok, sci)} |")
    w(f"| reviews: star-rating exact match ≥ base + {RATING_GOAL:.2f} | {rate_b:.3f} | {rate_t:.3f} | "
      f"{rate_t - rate_b:+.3f} | {met(rate_ok, rev)} |")
    w("")
    runs = []
    if sci:
        runs.append(("Science Q&A (resources/demo/science-qa.tbproj)", sci, sci_s, sci_p))
    if rev:
        runs.append(("Review ratings (resources/demo/reviews.tbproj)", rev, rev_s, rev_p))
    for title, r, secs, p in runs:
        g, t = r["generation"], r["test"]
        w(f"## {title}")
        w("")
        w(f"{steps(r)} steps ({r['status']}), {secs / 60:.1f} min in all on this machine including the "
          f"evaluations and answers; learning rate {p['training'].get('learning_rate')}, micro-batch "
          f"{p['training'].get('micro_batch')}, LoRA rank {p['training'].get('lora', {}).get('rank')}.")
        w("")
        w("| test split | base | tuned |")
        w("| --- | --- | --- |")
        w(f"| loss | {t['base']['loss']:.3f} | {t['tuned']['loss']:.3f} |")
        w(f"| perplexity | {t['base']['perplexity']:.2f} | {t['tuned']['perplexity']:.2f} |")
        for key, name in (("rouge_l", "ROUGE-L"), ("token_f1", "token F1"), ("exact_match", "exact match (whole answer)")):
            w(f"| {name} | {g['base'][key]:.3f} | {g['tuned'][key]:.3f} |")
        w(f"| answer length (words; reference {g['base']['mean_reference_words']:.0f}) | "
          f"{g['base']['mean_answer_words']:.1f} | {g['tuned']['mean_answer_words']:.1f} |")
        if r is rev:
            w(f"| star-rating exact match (first 1–5 in the answer) | {rate_b:.3f} | {rate_t:.3f} |")
        w("")
        w(f"Answers scored: {g['base']['count']} test prompts, greedy. Forgetting probe perplexity "
          f"(80 general texts, base → tuned): {probe(r)}.")
        w("")
        w("| prompt | reference | base | tuned |")
        w("| --- | --- | --- | --- |")
        for ans in g["answers"][:4]:
            w(f"| {cell(ans['prompt'], 40)} | {cell(ans['reference'])} | {cell(ans['base'])} | {cell(ans['tuned'])} |")
        w("")
    text = "\n".join(lines) + "\n"

    # 3. Written atomically.
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    tmp = a.out + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, a.out)
    print(f"wrote {a.out}: ROUGE-L {rouge_b:.3f} -> {rouge_t:.3f} ({met(rouge_ok, sci)}), "
          f"rating match {rate_b:.3f} -> {rate_t:.3f} ({met(rate_ok, rev)})")

    # 4. What even a shortened run must show: the tuned model fits its task's test split better.
    if a.check:
        failed = [f"{name}: tuned test loss {r['test']['tuned']['loss']:.4f} is not below the base's "
                  f"{r['test']['base']['loss']:.4f}"
                  for name, r in (("science", sci), ("reviews", rev))
                  if r is not None and not r["test"]["tuned"]["loss"] < r["test"]["base"]["loss"]]
        for name, r in (("science", sci), ("reviews", rev)):
            if r is not None:
                print(f"{name}: test loss base {r['test']['base']['loss']:.4f} -> tuned {r['test']['tuned']['loss']:.4f}")
        if failed:
            raise SystemExit("demo_story: FAILED: " + "; ".join(failed))


if __name__ == "__main__":
    main()
