#!/usr/bin/env python3
"""How long CI takes, split into its parts: clones the repository's HEAD into a scratch folder,
runs `.ci/run` there as CI does (CI=true; the README's test command), timestamps every line it
prints, and writes a Markdown summary: the total, each part (setup; dev configure and build;
dev tests; sanitised configure and build; sanitised unit tests and fuzzers, from ctest's own
label summary), ccache's hit rate over the run, and the 15 slowest tests of the dev build with
ctest's own seconds.

usage: ci_time.py [--repo DIR] [--out docs/CI_TIME.md] [--work DIR] [--keep] [--from-log LOG]
  --repo: the repository to clone (default: this one); --work: the scratch folder (default: a
  new one under /tmp). Afterwards the clone and its build trees (about 10 GB) are removed unless
  --keep; with --work the log stays there. CI runs on this same machine right after a session
  stops, and a clone left behind once filled its disk (stop 34: "No space left on device").
  Needs ccache on PATH for the hit rate.
Exit code: .ci/run's."""
import argparse
import datetime
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TEST_LINE = re.compile(r"Test +#\d+: (\S+) \.+\**\s*(\w+(?: \w+)?)\s+([\d.]+) sec")
LABEL_LINE = re.compile(r"^(\w+)\s+=\s+([\d.]+) sec\*proc \((\d+) tests?\)")


def ccache_stats():
    """(hits, calls) from `ccache -s`, or None without ccache."""
    try:
        out = subprocess.run(["ccache", "-s"], capture_output=True, text=True).stdout
    except FileNotFoundError:
        return None
    m = re.search(r"Hits:\s+(\d+)\s*/\s*(\d+)", out)
    return (int(m.group(1)), int(m.group(2))) if m else None


def run_timed(cmd, cwd, log_path):
    """Runs `cmd`, returning (exit code, [(seconds since start, line)]); the log is written as it goes."""
    env = dict(os.environ, CI="true")
    start = time.monotonic()
    lines = []
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, text=True, errors="replace", bufsize=1)
        while True:
            line = proc.stdout.readline()  # one line at a time: the timestamps are when it was printed
            if not line:
                break
            t = time.monotonic() - start
            lines.append((t, line.rstrip("\n")))
            log.write(f"{t:8.1f} {line}")
        proc.wait()
    return proc.returncode, lines, time.monotonic() - start


def read_log(path):
    """The (seconds, line) pairs of a log written by run_timed."""
    out = []
    with open(path, errors="replace") as f:
        for raw in f:
            head, _, rest = raw.rstrip("\n").lstrip().partition(" ")
            try:
                out.append((float(head), rest))
            except ValueError:
                continue
    return out


def phases(lines, total):
    """Part boundaries from the chain's own output: each `cmake --preset` prints "Preset CMake
    variables", each ctest "Test project <build folder>" first and "Total Test time (real) = S sec"
    last. ctest's output reaches a pipe in blocks, so a ctest's length is its own S and it is taken
    to have started S before its last line."""
    marks, ctest = {}, []
    presets = [t for t, l in lines if l.startswith("Preset CMake variables")]
    current = None
    for t, l in lines:
        m = re.match(r"Test project .*/build/(\w+)$", l.strip())
        if m:
            current = m.group(1)
            marks.setdefault(f"test:{current}", t)
        m = re.match(r"Total Test time \(real\) =\s+([\d.]+) sec", l.strip())
        if m and current:
            ctest.append((current, t, float(m.group(1))))
    runs = {name: (end - secs, secs) for name, end, secs in ctest}
    dev_conf = presets[0] if presets else None
    asan_conf = next((t for t in presets if "dev" in runs and t >= runs["dev"][0] + runs["dev"][1]), None)
    parts = []
    if dev_conf is not None:
        parts.append(("setup (installer/setup.sh)", dev_conf))
    if "dev" in runs and dev_conf is not None:
        parts.append(("dev: configure and build", runs["dev"][0] - dev_conf))
        parts.append(("dev: ctest", runs["dev"][1]))
    if "asan" in runs and asan_conf is not None:
        parts.append(("asan: configure and build", runs["asan"][0] - asan_conf))
        parts.append(("asan: ctest (unit tests and fuzzers)", runs["asan"][1]))
    return parts, marks


def tests_of(lines, since, until):
    rows, labels = [], {}
    for t, l in lines:
        if t < since or t > until:
            continue
        m = TEST_LINE.search(l)
        if m:
            rows.append((float(m.group(3)), m.group(1), m.group(2)))
        m = LABEL_LINE.match(l.strip())
        if m:
            labels[m.group(1)] = (float(m.group(2)), int(m.group(3)))
    return sorted(rows, reverse=True), labels


def minutes(s):
    return f"{int(s // 60)} min {s % 60:04.1f} s"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repo", default=ROOT)
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "CI_TIME.md"))
    ap.add_argument("--work")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--from-log", help="summarise a log this script wrote earlier instead of running CI")
    a = ap.parse_args()
    work = a.work or tempfile.mkdtemp(prefix="tunebench-ci-")
    clone = os.path.join(work, "clone")
    if not a.from_log:
        shutil.rmtree(clone, ignore_errors=True)
        subprocess.run(["git", "clone", "--quiet", a.repo, clone], check=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=clone if not a.from_log else a.repo,
                            capture_output=True, text=True).stdout.strip()

    # 1. The run, as CI runs it, with ccache's counters from zero. Whether the set-up existed
    #    before (the venv) is noted for the summary: a brand-new machine also installs it.
    home = os.environ.get("TUNEBENCH_HOME", os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")),
                                                        "tunebench"))
    had_venv = os.path.isdir(os.environ.get("TUNEBENCH_VENV", os.path.join(home, "venv")))
    if a.from_log:  # ccache's counters as they are now: zeroed by the run that wrote the log
        rc, cache, lines = 0, ccache_stats(), read_log(a.from_log)
        total = lines[-1][0] if lines else 0.0
    else:
        if shutil.which("ccache"):
            subprocess.run(["ccache", "-z"], capture_output=True)
        rc, lines, total = run_timed(["bash", ".ci/run"], clone, os.path.join(work, "ci.log"))
        cache = ccache_stats()

    # 2. The parts and the tests.
    parts, marks = phases(lines, total)
    dev_tests, dev_labels = tests_of(lines, marks.get("test:dev", 0), marks.get("test:asan", total))
    asan_tests, asan_labels = tests_of(lines, marks.get("test:asan", total), total)
    failed = [name for _, name, status in dev_tests + asan_tests if status not in ("Passed",) and "Skipped" not in status
              and "Not Run" not in status]

    w = []
    w.append("# CI time, measured")
    w.append("")
    source = f"the log {a.from_log}" if a.from_log else f"a fresh clone of {commit}"
    if cache is not None and cache[0] == 0 and not had_venv:
        machine = ("a brand-new set-up: no venv, demo model or parity fixtures, and an empty compiler cache "
                   "(setup.sh installed them; no compilation hit)")
    elif cache is not None and cache[0] == 0:
        machine = "an empty compiler cache (no compilation hit) but the venv, demo model and parity fixtures in place"
    else:
        machine = "a machine that had built the project before (ccache, venv, demo model and parity fixtures in place)"
    w.append(f"Written by `tests/bench/ci_time.py` (rerun it the same way): {source}, `.ci/run` "
             f"with CI=true, {os.cpu_count()} CPU threads, on {machine}. "
             f"{datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}.")
    w.append("")
    w.append(f"**{minutes(total)}** in all, exit {rc}" + (f"; failed: {', '.join(failed)}" if failed else "") + ".")
    w.append("")
    w.append("| part | time |")
    w.append("| --- | ---: |")
    for name, secs in parts:
        w.append(f"| {name} | {minutes(secs)} |")
    for label in ("unit", "fuzz"):
        if label in asan_labels:
            s, n = asan_labels[label]
            w.append(f"| … of which asan `{label}` ({n} tests, summed over ctest's 2 jobs) | {s:.0f} s·proc |")
    if cache:
        hits, calls = cache
        w.append(f"| ccache over the run | {hits} of {calls} compilations hit ({100.0 * hits / max(calls, 1):.1f} %) |")
    w.append("")
    w.append("The 15 slowest tests of the dev build (ctest's seconds; two run at a time unless marked RUN_SERIAL):")
    w.append("")
    w.append("| test | seconds |")
    w.append("| --- | ---: |")
    for secs, name, _ in dev_tests[:15]:
        w.append(f"| {name} | {secs:.1f} |")
    w.append("")
    text = "\n".join(w)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    tmp = a.out + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, a.out)
    print(text)
    print(f"log: {os.path.join(work, 'ci.log')}" if a.keep or a.work else "")
    if not a.keep:
        shutil.rmtree(work if not a.work else clone, ignore_errors=True)
    sys.exit(rc)


if __name__ == "__main__":
    main()
