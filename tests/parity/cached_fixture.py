"""Runs a parity fixture script once per set of inputs, keeping its output between builds and
fresh clones (like ccache for the Python references). The reference libraries are slow to load
the demo model (transformers takes about 40 s to read the GGUF), and the same inputs always give
the same files, so a build tree gets a copy of the kept output when every input is unchanged:

  the key = SHA-256 of the script's bytes, its arguments after the output folder (a file among
  them by its SHA-256, not its path; a folder by its files' names and SHA-256s), the Python version and every installed distribution with
  its version (torch, transformers, peft, gguf, tokenizers, ...).

Usage: cached_fixture.py CACHE_DIR SCRIPT OUT_DIR [ARGS...]
A miss runs `python SCRIPT OUT_DIR ARGS...` into a temporary folder and keeps it under
CACHE_DIR/<script>-<key> with a rename (a half-written entry is never used), keeping the newest
three entries per script; TUNEBENCH_NO_FIXTURE_CACHE=1 always runs the script (and refreshes
nothing). Prints whether it was a hit."""
import hashlib
import importlib.metadata
import os
import shutil
import subprocess
import sys
import tempfile

KEEP = 3  # entries kept per script (a few branches or package versions side by side)


def file_sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def key_of(script, args):
    h = hashlib.sha256()
    h.update(file_sha256(script).encode())
    for a in args:
        if os.path.isdir(a):  # a folder by the names and contents of its files
            for root, _, files in sorted(os.walk(a)):
                for f in sorted(files):
                    path = os.path.join(root, f)
                    h.update(b"\0file:" + os.path.relpath(path, a).encode() + file_sha256(path).encode())
        else:
            h.update(b"\0arg:" + (file_sha256(a) if os.path.isfile(a) else a).encode())
    h.update(b"\0python:" + sys.version.encode())
    for d in sorted((d.metadata["Name"] or "").lower() + "==" + d.version for d in importlib.metadata.distributions()):
        h.update(b"\0" + d.encode())
    return h.hexdigest()[:24]


def copy_into(src, out):
    """`out` becomes a copy of `src` (what was there goes first)."""
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(src, out)


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    cache, script, out, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    name = os.path.splitext(os.path.basename(script))[0]
    if os.environ.get("TUNEBENCH_NO_FIXTURE_CACHE") == "1":
        sys.exit(subprocess.run([sys.executable, script, out, *args]).returncode)
    entry = os.path.join(cache, f"{name}-{key_of(script, args)}")
    if os.path.isdir(entry):
        copy_into(entry, out)
        print(f"{name}: inputs unchanged, copied from {entry}")
        return
    # 1. A miss: the script writes into a temporary folder beside the entry.
    os.makedirs(cache, exist_ok=True)
    temp = tempfile.mkdtemp(prefix=f".{name}-", dir=cache)
    try:
        rc = subprocess.run([sys.executable, script, temp, *args]).returncode
        if rc != 0:
            sys.exit(f"{name}: {script} failed (exit {rc})")
        # 2. Kept with a rename (another build may have kept the same entry meanwhile), then copied.
        try:
            os.rename(temp, entry)
        except OSError:
            if not os.path.isdir(entry):
                raise
        copy_into(entry, out)
        print(f"{name}: ran {script}, kept in {entry}")
        # 3. Only the newest few entries of a script are kept.
        old = sorted((e for e in os.listdir(cache) if e.startswith(name + "-")),
                     key=lambda e: os.path.getmtime(os.path.join(cache, e)), reverse=True)
        for e in old[KEEP:]:
            shutil.rmtree(os.path.join(cache, e), ignore_errors=True)
    finally:
        shutil.rmtree(temp, ignore_errors=True)


if __name__ == "__main__":
    main()
