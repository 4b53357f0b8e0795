"""`tunebench-cli --help` lists every subcommand the CLI's sources register (app/cli/*.cpp,
add_subcommand("name", "description")), each with its description, and nothing else; and each
subcommand's own --help works. Fails naming what is missing or extra.
usage: check_help.py --cli PROGRAM --sources app/cli"""
import argparse
import pathlib
import re
import subprocess
import sys

ap = argparse.ArgumentParser()
ap.add_argument("--cli", required=True)
ap.add_argument("--sources", required=True)
args = ap.parse_args()

registered = {}
for src in sorted(pathlib.Path(args.sources).glob("*.cpp")):
    for name, description in re.findall(r'add_subcommand\(\s*"([^"]+)"\s*,\s*"([^"]+)"', src.read_text()):
        registered[name] = description
if not registered:
    sys.exit(f"FAILED: no add_subcommand calls found under {args.sources}")

p = subprocess.run([args.cli, "--help"], capture_output=True, text=True)
if p.returncode != 0:
    sys.exit(f"FAILED: --help exited {p.returncode}\n{p.stdout}{p.stderr}")
section = p.stdout.split("SUBCOMMANDS:")[-1] if "SUBCOMMANDS:" in p.stdout else p.stdout.split("Subcommands:")[-1]
listed = {}
for line in section.splitlines():
    m = re.match(r"^\s{2,}(\S+)\s{2,}(.+?)\s*$", line)
    if m:
        listed[m.group(1)] = m.group(2)
problems = []
for name, description in registered.items():
    if name not in listed:
        problems.append(f"{name}: registered but not listed by --help")
    elif not description.startswith(listed[name].rstrip(".")[:40]):
        problems.append(f"{name}: listed as {listed[name]!r}, registered as {description!r}")
    else:
        sub = subprocess.run([args.cli, name, "--help"], capture_output=True, text=True)
        if sub.returncode != 0 or name not in sub.stdout:
            problems.append(f"{name} --help: exit {sub.returncode}")
for name in listed:
    if name not in registered:
        problems.append(f"{name}: listed by --help but registered nowhere in {args.sources}")
if problems:
    print(p.stdout)
    sys.exit("FAILED:\n  " + "\n  ".join(problems))
print(f"--help lists all {len(registered)} subcommands: {', '.join(sorted(registered))}")
