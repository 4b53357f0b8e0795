"""Crash safety: a training run is killed with SIGKILL at random moments, resumed each time,
and must end with exactly the weights of a run that was never interrupted.

1. A reference run trains a tiny model with a checkpoint after every step and is timed.
2. A second run is started and killed with SIGKILL after a random delay (uniform over the
   reference's duration), then resumed with `train --resume` and killed again; a kill before
   the run folder exists starts it afresh. After each kill every sealed checkpoint must verify
   against its MANIFEST, and each resume must start from the newest one.
3. When a run reaches its end, its final checkpoint's tensors must equal the reference's, bit
   for bit, and no unsealed folder may be left; then a new run starts, until `--kills` kills.

Usage: kill_resume.py --cli build/dev/app/cli/tunebench-cli --model <tiny model folder>
                      [--kills 20] [--steps 40] [--seed 1] [--work DIR]
Prints one line per kill and a summary; exits 1 on any mismatch."""
import argparse
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from safetensors.numpy import load_file

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def write_project(work, model, steps):
    project = {
        "tunebench_project": 1, "name": "kill drill", "model": model,
        "data": [{"path": os.path.join(ROOT, "resources", "datasets", "science_qa.jsonl"),
                  "split": {"train": 0.8, "validation": 0.1, "test": 0.1, "seed": 42}}],
        "training": {"method": "lora", "learning_rate": 0.01, "micro_batch": 2, "max_seq_len": 64,
                     "max_steps": steps, "eval_every": 10, "eval_max_examples": 4, "save_every": 1,
                     "keep_last": 3, "sample_prompts": 0, "lora": {"rank": 4, "alpha": 8},
                     "detectors": {"patience_evals": 0}},
        "probe": "none", "generation_examples": 0,
    }
    path = os.path.join(work, "drill.tbproj")
    with open(path, "w") as f:
        json.dump(project, f)
    return path


def verified_steps(run_dir):
    """Steps of the sealed checkpoints; raises if a sealed one does not match its MANIFEST."""
    root = os.path.join(run_dir, "checkpoints")
    steps = []
    if not os.path.isdir(root):
        return steps
    for name in os.listdir(root):
        m = re.fullmatch(r"step-(\d+)", name)
        manifest = os.path.join(root, name, "MANIFEST")
        if not m or not os.path.exists(manifest):
            continue
        with open(manifest) as f:
            files = json.load(f)["files"]
        for rel, want in files.items():
            try:
                with open(os.path.join(root, name, rel), "rb") as g:
                    data = g.read()
            except FileNotFoundError:
                raise AssertionError(f"{name}/{rel} is listed in its MANIFEST but missing")
            if len(data) != want["bytes"] or hashlib.sha256(data).hexdigest() != want["sha256"]:
                raise AssertionError(f"{name}/{rel} does not match its MANIFEST")
        steps.append(int(m.group(1)))
    return sorted(steps)


def final_tensors(run_dir, step):
    folder = os.path.join(run_dir, "checkpoints", f"step-{step}")
    return load_file(os.path.join(folder, "weights.safetensors"))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--steps", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work")
    a = ap.parse_args()
    work = a.work or tempfile.mkdtemp(prefix="tunebench-kill-")
    os.makedirs(work, exist_ok=True)
    project = write_project(work, os.path.abspath(a.model), a.steps)
    rng = random.Random(a.seed)

    # 1. The reference, timed.
    reference = os.path.join(work, "reference")
    shutil.rmtree(reference, ignore_errors=True)
    t0 = time.monotonic()
    done = subprocess.run([a.cli, "train", project, "--run-dir", reference], capture_output=True, text=True, errors="replace")
    duration = time.monotonic() - t0
    if done.returncode != 0:
        sys.exit("the reference run failed:\n" + done.stdout[-2000:] + done.stderr[-2000:])
    print(f"reference: {a.steps} steps in {duration:.1f} s")

    # 2. Killed again and again; a run that reaches its end is checked and the next round starts
    #    afresh, until every kill has happened.
    want = final_tensors(reference, a.steps)
    problems, resumed_from = [], []
    kills, rounds = 0, 0
    while kills < a.kills or rounds == 0:
        rounds += 1
        run = os.path.join(work, f"killed-{rounds}")
        shutil.rmtree(run, ignore_errors=True)
        while True:
            started = os.path.exists(os.path.join(run, "run.json"))
            try:
                before = verified_steps(run)
            except AssertionError as e:
                problems.append(f"round {rounds}: {e}")
                before = []
            cmd = [a.cli, "train", project] + (["--resume", run] if started else ["--run-dir", run])
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
            killed = False
            if kills < a.kills:
                delay = rng.uniform(0.05, duration)
                time.sleep(delay)
                if proc.poll() is None:
                    os.kill(proc.pid, signal.SIGKILL)
                    killed = True
                    kills += 1
            out = proc.communicate()[0]
            try:
                after = verified_steps(run)
            except AssertionError as e:
                problems.append(f"kill {kills}: {e}")
                after = []
            m = re.search(r"resumed .*?from step (\d+)", out)
            if m:
                resumed_from.append(int(m.group(1)))
                if not before or int(m.group(1)) != before[-1]:
                    problems.append(f"resumed from step {m.group(1)}; the newest verified checkpoint was "
                                    f"{before[-1] if before else 'none'}")
            elif started and before and not killed and "finished in an earlier session" not in out:
                problems.append(f"a resume with checkpoints up to {before[-1]} did not say where it resumed")
            what = f"killed after {delay:.2f} s (kill {kills})" if killed else f"ran to the end (exit {proc.returncode})"
            print(f"round {rounds}: {'resume' if started else 'start '} {what}; newest checkpoint before "
                  f"{before[-1] if before else '-'}, after {after[-1] if after else '-'}")
            if not killed:
                if proc.returncode != 0:
                    problems.append(f"round {rounds}: the run failed:\n{out[-1500:]}")
                break
        # 3. The end of the round: the weights, and no unsealed folder left behind.
        final = verified_steps(run)
        if not final or final[-1] != a.steps:
            problems.append(f"round {rounds} ends at step {final[-1] if final else '-'}, not {a.steps}")
        else:
            got = final_tensors(run, a.steps)
            if want.keys() != got.keys() or any(want[n].tobytes() != got[n].tobytes() for n in want):
                problems.append(f"round {rounds}: the final weights differ from the uninterrupted run's")
        leftovers = [n for n in os.listdir(os.path.join(run, "checkpoints")) if ".tmp" in n]
        if leftovers:
            problems.append(f"round {rounds}: unsealed temporary folders left behind: " + ", ".join(leftovers))
    print(f"summary: {kills} kills over {rounds} runs, resumed from steps {resumed_from}; final weights of every run "
          f"{'bitwise equal' if not problems else 'NOT all equal'} to the uninterrupted run's; {len(problems)} problems")
    for p in problems:
        print("PROBLEM:", p)
    if not a.work:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
