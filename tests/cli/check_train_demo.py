"""tunebench-cli train / eval / export / sweep on the science Q&A sample, bounded so that it
fits a CI run on a 2-core CPU. On the demo model (the forgetting probe on 16 of the default
probe's 80 general texts, tests/data/probes/general_16.jsonl, and answers of 24 tokens): the
run completes, report.json and report.md hold base vs tuned metrics, the folder holds what
DESIGN.md section 5 lists, the adapter and a merged folder export, and a second run into the
same folder is refused. On the tiny model of the parity fixtures (TINY; the same code paths in
seconds, where the demo model took 110 s): eval measures a checkpoint again to the same
figures, and a two-point sweep names a winner."""
import json
import os
import pathlib
import shutil
import subprocess
import sys

program = os.environ["PROGRAM"]
project = os.environ["PROJECT"]
probe = os.environ["PROBE"]
tiny = os.environ["TINY"]
work = pathlib.Path(os.environ["WORK"])
shutil.rmtree(work, ignore_errors=True)
work.mkdir(parents=True)
run_dir = work / "run"


def cli(*args, expect=0):
    p = subprocess.run([program, *args], capture_output=True, text=True)
    if p.returncode != expect:
        sys.exit(f"tunebench-cli {' '.join(args)}: exit {p.returncode}, expected {expect}\n{p.stdout}\n{p.stderr}")
    return p


def check(cond, what):
    if not cond:
        sys.exit("FAILED: " + what)


# 1. A bounded LoRA run.
p = cli("train", project, "--max-steps", "6", "--run-dir", str(run_dir), "--probe", probe,
        "--generation-max-tokens", "24", "--json")
report = json.loads(p.stdout)
check(report["status"] == "finished", "status finished: " + report["status"])
stage = report["stages"][0]
check(stage["steps"] == 6 and stage["best_step"] in (5, 6), f"6 steps, best at 5 or 6: {stage}")
test = report["test"]
for side in ("base", "tuned"):
    check(isinstance(test[side]["loss"], float) and test[side]["examples"] == 32, f"test loss of {side}: {test[side]}")
    g = report["generation"][side]
    check(g["count"] == 4 and 0 <= g["rouge_l"] <= 1 and 0 <= g["exact_match"] <= 1, f"generation scores of {side}: {g}")
    check(report["probe"][side]["examples"] == 16, f"probe of {side}")
check(test["tuned"]["loss"] < test["base"]["loss"], "six LoRA steps lower the test loss: %s" % test)
# The forgetting probe's value: the base model's perplexity on the 16 general texts is a real
# figure (finite, between 2 and 200 for an instruct model on plain prose), the tuned model is
# measured with its adapter on (a different figure), and six small LoRA steps forget little
# (within 10 % of the base).
pb, pt = report["probe"]["base"]["perplexity"], report["probe"]["tuned"]["perplexity"]
check(2.0 < pb < 200.0, f"base probe perplexity is a real figure: {pb}")
check(pt != pb, f"the tuned model is probed with its adapter: base {pb}, tuned {pt}")
check(abs(pt / pb - 1.0) < 0.10, f"six LoRA steps forget little: probe perplexity {pb:.3f} -> {pt:.3f}")
check(len(report["generation"]["answers"]) == 4, "four side-by-side answers")
md = (run_dir / "report.md").read_text()
for needle in ("## Base vs tuned on the test split", "| loss |", "| perplexity |", "| ROUGE-L |", "| BLEU |",
               "| exact match |", "## Forgetting probe", "![loss.png](loss.png)", "## Side by side"):
    check(needle in md, "report.md has " + needle)
for name in ("run.json", "metrics.jsonl", "events.jsonl", "report.json", "loss.png", "learning_rate.png",
             "checkpoints/best", "checkpoints/step-6/MANIFEST", "checkpoints/step-6/adapter/adapter_model.safetensors",
             "checkpoints/step-5/MANIFEST"):
    check((run_dir / name).exists(), "the run folder holds " + name)
steps = [json.loads(l) for l in (run_dir / "metrics.jsonl").read_text().splitlines() if '"type":"step"' in l]
check([s["step"] for s in steps] == [1, 2, 3, 4, 5, 6], "one metrics line per step")
check(all(s["tokens_per_s"] > 0 and s["lr"] > 0 for s in steps), "tokens/s and learning rate logged")
events = [json.loads(l) for l in (run_dir / "events.jsonl").read_text().splitlines()]
check(any(e["type"] == "sample" and e["output"] for e in events), "sample answers at evaluations")

# 2. Export: the LoRA adapter in PEFT's layout, and a merged folder transformers reads.
cli("export", "--run", str(run_dir), "--adapter-out", str(work / "adapter"))
from safetensors import safe_open
with safe_open(str(work / "adapter" / "adapter_model.safetensors"), "pt") as f:
    keys = list(f.keys())
check(len(keys) == 30 * 7 * 2 and all(".lora_A.weight" in k or ".lora_B.weight" in k for k in keys), "420 PEFT tensors")
config = json.loads((work / "adapter" / "adapter_config.json").read_text())
check(config["peft_type"] == "LORA" and config["r"] == 8, "adapter_config.json: %s" % config)
cli("export", "--run", str(run_dir), "--merged", str(work / "merged"), "--dtype", "bfloat16")
import transformers
merged = json.loads((work / "merged" / "config.json").read_text())
check(merged["num_hidden_layers"] == 30, "merged config.json")
tok = transformers.AutoTokenizer.from_pretrained(str(work / "merged"))
check(len(tok("Why is the sky blue?")["input_ids"]) > 3, "the merged folder's tokenizer loads in transformers")
p = cli("export", "--run", str(run_dir), "--merged", str(work / "merged"), expect=1)
check("exists already" in p.stderr, "an existing folder is refused")

# 3. The folder holds a run: a new run there is refused, with a reason.
p = cli("train", project, "--max-steps", "1", "--run-dir", str(run_dir), expect=1)
check("already holds a run" in p.stderr, "refusal names the reason: " + p.stderr)

# 4. On the tiny model: a run of the same project, then eval of one checkpoint again (without
#    generations; the probe's texts are cut to the tiny model's 256 positions).
tiny_project = work / "tiny.tbproj"
settings = json.loads(pathlib.Path(project).read_text())
settings["model"] = tiny
settings["training"].update({"learning_rate": 0.01, "max_seq_len": 256, "sample_prompts": 0})
tiny_project.write_text(json.dumps(settings))
tiny_run = work / "tiny_run"
p = cli("train", str(tiny_project), "--max-steps", "6", "--run-dir", str(tiny_run), "--probe", probe,
        "--generation-max-tokens", "8", "--json")
tiny_report = json.loads(p.stdout)
check(tiny_report["status"] == "finished", "the tiny run finished: " + tiny_report["status"])
p = cli("eval", str(tiny_run), "--checkpoint", "step-5", "--generation-examples", "0", "--json")
again = json.loads(p.stdout)
tb, tpb = tiny_report["test"]["base"]["loss"], tiny_report["probe"]["base"]["perplexity"]
check(abs(again["test"]["base"]["loss"] - tb) < 1e-6, f"the base is the same model: {again['test']['base']} vs {tb}")
check(abs(again["probe"]["base"]["perplexity"] - tpb) < 1e-6 * tpb, "the probe measures the base again to the same figure")
check(again["test"]["tuned"]["loss"] != tb, "eval measures step-5's adapter, not the base")
check((tiny_run / "eval-step-5.md").exists(), "eval-step-5.md written")

# 5. A two-point sweep on the tiny model.
sweep_dir = work / "sweep"
cli("sweep", str(tiny_project), "--lrs", "1e-4,2e-3", "--trial-steps", "2", "--eval-examples", "4", "--out", str(sweep_dir))
sweep = json.loads((sweep_dir / "sweep.json").read_text())
check(len(sweep["leaderboard"]) == 2 and sweep["best"] is not None, "two trials and a winner")
check(sweep["leaderboard"][0]["best_val_loss"] <= sweep["leaderboard"][1]["best_val_loss"], "ranked by loss")
print("train/eval/sweep on the demo: ok; test loss base %.3f tuned %.3f; ROUGE-L base %.3f tuned %.3f" %
      (test["base"]["loss"], test["tuned"]["loss"], report["generation"]["base"]["rouge_l"],
       report["generation"]["tuned"]["rouge_l"]))
