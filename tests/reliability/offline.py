"""No network at run time: the main paths run in a private network namespace, which has no
interface but a loopback that is down, so any attempt to reach a host fails at once.

Runs doctor, inspect and generate on the demo model, a short training run, evaluation and
export on a tiny model, all inside `unshare -rn`; each must succeed.

Usage: offline.py --cli build/dev/app/cli/tunebench-cli --tiny <tiny model folder> --demo <demo .gguf>
Exits 77 (skipped) when network namespaces are not allowed here, 1 when a path fails."""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--tiny", required=True)
    ap.add_argument("--demo", required=True)
    a = ap.parse_args()
    probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True)
    if probe.returncode != 0:
        print("skipped: network namespaces are not allowed here (unshare -rn):", probe.stderr.decode().strip())
        sys.exit(77)
    work = tempfile.mkdtemp(prefix="tunebench-offline-")
    data = os.path.join(ROOT, "resources", "datasets", "science_qa.jsonl")
    run = os.path.join(work, "run")
    steps = [
        ("no interface is up", ["python3", "-c",
         "import socket; s=socket.socket(); s.settimeout(2)\n"
         "try:\n s.connect(('1.1.1.1', 443)); print('connected'); raise SystemExit(1)\n"
         "except OSError as e: print('connect fails:', e.strerror)"]),
        ("doctor", [a.cli, "doctor"]),
        ("inspect the demo model", [a.cli, "inspect", a.demo]),
        ("generate with the demo model", [a.cli, "generate", "--model", a.demo, "--chat", "--prompt",
                                          "What is the capital of France?", "--max-new-tokens", "8"]),
        ("train a tiny model, 4 steps", [a.cli, "train", "--model", a.tiny, "--data", data, "--probe", "default",
                                         "--max-steps", "4", "--eval-every", "2", "--eval-examples", "4",
                                         "--generation-examples", "2", "--generation-max-tokens", "8",
                                         "--max-seq-len", "64", "--run-dir", run]),
        ("evaluate it again", [a.cli, "eval", run, "--generation-examples", "1"]),
        ("export it merged", [a.cli, "export", "--model", a.tiny, "--adapter",
                              os.path.join(run, "checkpoints", "step-4", "adapter"),
                              "--merged", os.path.join(work, "merged")]),
    ]
    failed = 0
    for name, cmd in steps:
        r = subprocess.run(["unshare", "-rn"] + cmd, capture_output=True, text=True, errors="replace")
        ok = r.returncode == 0
        failed += not ok
        last = (r.stdout + r.stderr).strip().splitlines()
        print(f"{'ok  ' if ok else 'FAIL'} {name}: exit {r.returncode}; {last[-1] if last else ''}")
        if not ok:
            print(r.stdout[-1500:] + r.stderr[-1500:])
    shutil.rmtree(work, ignore_errors=True)
    print(f"summary: {len(steps) - failed} of {len(steps)} paths ran with no network")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
