"""Runs `tunebench-cli doctor --json` and checks the facts it must print (issue 2)."""
import json
import os
import subprocess
import sys

import torch

proc = subprocess.run([os.environ["PROGRAM"], "doctor", "--json"], capture_output=True, text=True)
report = json.loads(proc.stdout)
errors = []
def expect(cond, what):
    if not cond:
        errors.append(what)

dev = report["device"]
expect(proc.returncode == 0, f"exit code {proc.returncode}, problems {report['problems']}")
expect(dev["libtorch_version"] == torch.__version__.split("+")[0],
       f"libtorch {dev['libtorch_version']} vs the venv's torch {torch.__version__}")
# A build without libtorch's CUDA libraries (TUNEBENCH_TORCH_CUDA=OFF, CMake passes it) sees no GPU.
linked = os.environ.get("TORCH_CUDA_LINKED") == "1"
expect(dev["cuda_available"] == (torch.cuda.is_available() and linked), "cuda_available disagrees with torch")
expect(dev["cpu_threads"] == os.cpu_count(), f"cpu_threads {dev['cpu_threads']} vs {os.cpu_count()}")
expect(len(dev["gpus"]) == (torch.cuda.device_count() if torch.cuda.is_available() and linked else 0), "gpu count")
if torch.version.cuda and linked:
    expect(dev["cuda_build_version"] == torch.version.cuda,
           f"cuda build {dev['cuda_build_version']} vs {torch.version.cuda}")
else:
    expect(dev["cuda_build_version"] == "" and not dev["cuda_available"],
           f"a CPU-only build reports CUDA {dev['cuda_build_version']!r}")
demo = report["demo_model"]
expect(demo["present"] and demo["sha256_matches"], f"demo model {demo}")
expect(os.path.isdir(report["locations"]["venv"]), "venv folder")
expect(report["ok"] is True and report["problems"] == [], "ok / problems")
if errors:
    print(json.dumps(report, indent=2))
    sys.exit("doctor --json: " + "; ".join(errors))
print("doctor --json ok:", dev["summary"], "| demo", demo["sha256"][:16])
