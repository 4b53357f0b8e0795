"""A full disk during a checkpoint: the run's folder lives on a small tmpfs (mounted in a private
user and mount namespace, so no root is needed) whose free space is cut with a filler file so
that the first checkpoint fits and the second does not.

1. Policy "stop" (the default): the run ends with an error that names the step, the cause, the
   last good checkpoint and the resume command; that checkpoint verifies; no half-written folder
   is left; once space is freed, `--resume` finishes the run.
2. Policy "continue": the run warns and goes on; the filler is deleted when the warning appears
   (space freed while training), and later checkpoints are written; the run finishes.

Usage: full_disk.py --cli build/dev/app/cli/tunebench-cli --model <tiny model folder>
Exits 77 (skipped) when namespaces are not allowed here, 1 on a failed check."""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from kill_resume import verified_steps, write_project  # noqa: E402


def checkpoint_bytes(cli, project, scratch):
    """Bytes one checkpoint takes on disk (4 KiB pages), from a one-step run."""
    run = os.path.join(scratch, "measure")
    subprocess.run([cli, "train", project, "--run-dir", run, "--max-steps", "1"], check=True, capture_output=True)
    total = 0
    for folder, _, files in os.walk(os.path.join(run, "checkpoints", "step-1")):
        for name in files:
            total += (os.path.getsize(os.path.join(folder, name)) + 4095) // 4096 * 4096
    return total + 3 * 4096


def fill(mount, leave):
    st = os.statvfs(mount)
    free = st.f_bavail * st.f_frsize
    filler = os.path.join(mount, "filler")
    with open(filler, "wb") as f:
        f.write(b"\0" * max(0, free - leave))
    return filler


def inside(a):
    mount = tempfile.mkdtemp(prefix="tunebench-disk-")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mount], check=True)
    project = write_project(mount, os.path.abspath(a.model), 12)
    c = checkpoint_bytes(a.cli, project, mount)
    problems = []

    # 1. Stop.
    filler = fill(mount, c * 3 // 2 + 64 * 1024)
    run = os.path.join(mount, "stop")
    r = subprocess.run([a.cli, "train", project, "--run-dir", run], capture_output=True, text=True, errors="replace")
    message = (r.stdout + r.stderr).strip().splitlines()[-1] if (r.stdout + r.stderr).strip() else ""
    print(f"stop: exit {r.returncode}; {message}")
    for want in ["could not be written", "No space left on device", "the last good checkpoint is step 1",
                 "--resume " + run]:
        if want not in message:
            problems.append(f"stop: the error does not say {want!r}")
    if r.returncode == 0:
        problems.append("stop: the run did not stop")
    try:
        steps = verified_steps(run)
        print(f"stop: sealed checkpoints that verify: {steps}")
        if steps != [1]:
            problems.append(f"stop: expected the checkpoint of step 1 only, found {steps}")
    except AssertionError as e:
        problems.append(f"stop: {e}")
    left = [n for n in os.listdir(os.path.join(run, "checkpoints")) if ".tmp" in n]
    if left:
        problems.append("stop: half-written folders left: " + ", ".join(left))
    os.remove(filler)
    r = subprocess.run([a.cli, "train", project, "--resume", run], capture_output=True, text=True, errors="replace")
    print(f"stop: after freeing space, --resume exits {r.returncode}; checkpoints {verified_steps(run)}")
    if r.returncode != 0 or verified_steps(run)[-1] != 12:
        problems.append("stop: the resumed run did not finish:\n" + r.stdout[-800:] + r.stderr[-800:])

    # 2. Continue.
    filler = fill(mount, c * 3 // 2 + 64 * 1024)
    run = os.path.join(mount, "continue")
    proc = subprocess.Popen([a.cli, "train", project, "--run-dir", run, "--on-checkpoint-error", "continue"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
    warned = None
    tail = []
    for line in proc.stdout:
        tail = (tail + [line])[-20:]
        if warned is None and line.startswith("WARNING (checkpoint"):
            warned = line.strip()
            os.remove(filler)  # space is freed while the run goes on
    proc.wait()
    print(f"continue: exit {proc.returncode}; {warned}")
    if warned is None:
        problems.append("continue: no checkpoint warning")
    steps = verified_steps(run)
    print(f"continue: sealed checkpoints that verify: {steps}")
    if proc.returncode != 0 or not steps or steps[-1] != 12:
        problems.append("continue: the run did not finish with its last checkpoint:\n" + "".join(tail))
    subprocess.run(["umount", mount])
    for p in problems:
        print("PROBLEM:", p)
    print(f"summary: {len(problems)} problems")
    return 1 if problems else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.inside:
        sys.exit(inside(a))
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True)
    if probe.returncode != 0:
        print("skipped: user and mount namespaces are not allowed here (unshare -rm)", probe.stderr.decode().strip())
        sys.exit(77)
    sys.exit(subprocess.run(["unshare", "-rm", sys.executable, os.path.abspath(__file__), "--inside",
                             "--cli", os.path.abspath(a.cli), "--model", os.path.abspath(a.model)]).returncode)


if __name__ == "__main__":
    main()
